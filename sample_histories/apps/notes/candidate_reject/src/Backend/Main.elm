module Backend.Main exposing (..)

{-| Notes backend (2021 layout). Candidate: notes get an `archived`
flag. `GET` answers with the static page from
`CompilationInterface.SourceFiles`; `POST /api` takes an `Api.Request` and answers with an
`Api.Response`, both through the coders of `CompilationInterface.GenerateJsonCoders`. A body
that does not decode is answered 400 with a fixed text.
-}

import Api
import Backend.InterfaceToHost as InterfaceToHost
import Base64
import Bytes
import Bytes.Decode
import Bytes.Encode
import CompilationInterface.GenerateJsonCoders as GenerateJsonCoders
import CompilationInterface.SourceFiles
import Dict
import Json.Decode
import Json.Encode


type alias State =
    { notes : Dict.Dict Int StoredNote
    , nextId : Int
    }


type alias StoredNote =
    { title : String
    , body : Maybe String
    , tags : List String
    , createdTimeMilli : Int
    , pinned : Bool
    , archived : Bool
    }


interfaceToHost_initState : State
interfaceToHost_initState =
    { notes = Dict.empty, nextId = 1 }


interfaceToHost_processEvent : String -> State -> ( State, String )
interfaceToHost_processEvent =
    InterfaceToHost.wrapForSerialInterface_processEvent processEvent


processEvent : InterfaceToHost.AppEvent -> State -> ( State, InterfaceToHost.AppEventResponse )
processEvent hostEvent stateBefore =
    case hostEvent of
        InterfaceToHost.HttpRequestEvent httpRequestEvent ->
            let
                ( state, response ) =
                    processHttpRequest httpRequestEvent stateBefore
            in
            ( state
            , InterfaceToHost.passiveAppEventResponse
                |> InterfaceToHost.withCompleteHttpResponsesAdded
                    [ { httpRequestId = httpRequestEvent.httpRequestId, response = response } ]
            )

        InterfaceToHost.TaskCompleteEvent _ ->
            ( stateBefore, InterfaceToHost.passiveAppEventResponse )

        InterfaceToHost.ArrivedAtTimeEvent _ ->
            ( stateBefore, InterfaceToHost.passiveAppEventResponse )


processHttpRequest : InterfaceToHost.HttpRequestEventStructure -> State -> ( State, InterfaceToHost.HttpResponse )
processHttpRequest httpRequestEvent stateBefore =
    if String.toLower httpRequestEvent.request.method == "get" then
        ( stateBefore
        , { statusCode = 200
          , bodyAsBase64 = Just CompilationInterface.SourceFiles.file__base64____static_index_html
          , headersToAdd = [ { name = "Content-Type", values = [ "text/html; charset=utf-8" ] } ]
          }
        )

    else
        case Json.Decode.decodeString GenerateJsonCoders.jsonDecodeRequest (requestBodyText httpRequestEvent.request) of
            Err _ ->
                ( stateBefore
                , { statusCode = 400
                  , bodyAsBase64 = base64FromString "Bad request: expected an Api.Request"
                  , headersToAdd = []
                  }
                )

            Ok request ->
                let
                    ( state, response ) =
                        processRequest httpRequestEvent.posixTimeMilli request stateBefore
                in
                ( state
                , { statusCode = 200
                  , bodyAsBase64 = base64FromString (Json.Encode.encode 0 (GenerateJsonCoders.jsonEncodeResponse response))
                  , headersToAdd = [ { name = "Content-Type", values = [ "application/json" ] } ]
                  }
                )


processRequest : Int -> Api.Request -> State -> ( State, Api.Response )
processRequest posixTimeMilli request stateBefore =
    case request of
        Api.AddNote draft ->
            if String.isEmpty (String.trim draft.title) then
                ( stateBefore, Api.Failed Api.emptyTitle )

            else
                ( { stateBefore
                    | notes =
                        stateBefore.notes
                            |> Dict.insert stateBefore.nextId
                                { title = draft.title
                                , body = draft.body
                                , tags = draft.tags
                                , createdTimeMilli = posixTimeMilli
                                , pinned = False
                                , archived = False
                                }
                    , nextId = stateBefore.nextId + 1
                  }
                , Api.NoteAdded { id = stateBefore.nextId }
                )

        Api.ListNotes { tag } ->
            ( stateBefore
            , stateBefore.notes
                |> Dict.toList
                |> List.filter (\( _, note ) -> tag |> Maybe.map (\t -> List.member t note.tags) |> Maybe.withDefault True)
                |> List.map (\( id, note ) -> { id = id, title = note.title, body = note.body, tags = note.tags, pinned = note.pinned })
                |> Api.NoteList
            )

        Api.RemoveNote { id } ->
            if Dict.member id stateBefore.notes then
                ( { stateBefore | notes = Dict.remove id stateBefore.notes }, Api.NoteRemoved id )

            else
                ( stateBefore, Api.Failed (Api.noteNotFound id) )

        Api.PinNote { id, pinned } ->
            case Dict.get id stateBefore.notes of
                Just note ->
                    ( { stateBefore | notes = Dict.insert id { note | pinned = pinned } stateBefore.notes }
                    , Api.NoteUpdated { id = id, pinned = pinned }
                    )

                Nothing ->
                    ( stateBefore, Api.Failed (Api.noteNotFound id) )


requestBodyText : InterfaceToHost.HttpRequestProperties -> String
requestBodyText request =
    request.bodyAsBase64
        |> Maybe.map (Base64.toBytes >> Maybe.map (decodeBytesToString >> Maybe.withDefault "Failed to decode bytes to string") >> Maybe.withDefault "Failed to decode from base64")
        |> Maybe.withDefault "Missing HTTP body"


{-| UTF-8 bytes of the text in base64, as the host's example apps build their response bodies.
-}
base64FromString : String -> Maybe String
base64FromString =
    Bytes.Encode.string >> Bytes.Encode.encode >> Base64.fromBytes


decodeBytesToString : Bytes.Bytes -> Maybe String
decodeBytesToString bytes =
    bytes |> Bytes.Decode.decode (Bytes.Decode.string (bytes |> Bytes.width))
