module Backend.Main exposing (..)

{-| Shared issue tracker backend, version 2: issues have an optional priority.

Every request is an HTTP POST whose body is a JSON object with an `op` field:

    {"op":"addUser","userId":"alice","displayName":"Alice","email":"alice@example.com"}
    {"op":"rename","userId":"alice","displayName":"Alice B."}
    {"op":"createIssue","reporter":"alice","title":"...","description":"...","labels":["bug"],"priority":"low"}
    {"op":"assign","issueId":3,"assignee":"bob"}          (null unassigns)
    {"op":"comment","issueId":3,"author":"bob","text":"..."}
    {"op":"close","issueId":3,"resolution":"fixed"}        ("wontfix", or "duplicate" with "duplicateOf")
    {"op":"reopen","issueId":3}
    {"op":"label","issueId":3,"add":["ui"],"remove":["bug"]}
    {"op":"setPriority","issueId":3,"priority":"high"}     ("low", "normal", "urgent"; null clears)
    {"op":"getIssue","issueId":3}
    {"op":"stats"}

A GET answers the stats. Responses are JSON; failures are `{"error":"..."}` with status
400, 404, 405 or 409.

-}

import Backend.InterfaceToHost as InterfaceToHost
import Base64
import Bytes
import Bytes.Decode
import Bytes.Encode
import Dict
import Json.Decode
import Json.Encode
import Set


type alias State =
    { users : Dict.Dict String User
    , issues : Dict.Dict Int Issue
    , nextIssueId : Int
    }


type alias User =
    { displayName : String
    , email : Maybe String
    , joinedTimeMilli : Int
    }


type alias Issue =
    { title : String
    , description : String
    , reporter : String
    , assignee : Maybe String
    , status : Status
    , priority : Maybe Priority
    , labels : Set.Set String
    , comments : List Comment
    , createdTimeMilli : Int
    }


type Status
    = Open
    | InProgress { sinceTimeMilli : Int }
    | Closed { resolution : Resolution, closedTimeMilli : Int }


type Priority
    = Low
    | Normal
    | High
    | Urgent


type Resolution
    = Fixed
    | WontFix
    | Duplicate Int


type alias Comment =
    { author : String
    , text : String
    , postedTimeMilli : Int
    }


type Request
    = AddUser { userId : String, displayName : String, email : Maybe String }
    | Rename { userId : String, displayName : String }
    | CreateIssue { reporter : String, title : String, description : String, labels : List String, priority : Maybe Priority }
    | Assign { issueId : Int, assignee : Maybe String }
    | PostComment { issueId : Int, author : String, text : String }
    | Close { issueId : Int, resolution : Resolution }
    | Reopen { issueId : Int }
    | Label { issueId : Int, add : List String, remove : List String }
    | SetPriority { issueId : Int, priority : Maybe Priority }
    | GetIssue { issueId : Int }
    | GetStats


type alias Failure =
    ( Int, String )


processEvent : InterfaceToHost.AppEvent -> State -> ( State, InterfaceToHost.AppEventResponse )
processEvent hostEvent stateBefore =
    case hostEvent of
        InterfaceToHost.HttpRequestEvent httpRequestEvent ->
            let
                ( state, ( statusCode, body ) ) =
                    processHttpRequest httpRequestEvent stateBefore

                httpResponse =
                    { httpRequestId = httpRequestEvent.httpRequestId
                    , response =
                        { statusCode = statusCode
                        , bodyAsBase64 = base64FromString (Json.Encode.encode 0 body)
                        , headersToAdd = [ { name = "Content-Type", values = [ "application/json" ] } ]
                        }
                    }
            in
            ( state
            , InterfaceToHost.passiveAppEventResponse
                |> InterfaceToHost.withCompleteHttpResponsesAdded [ httpResponse ]
            )

        InterfaceToHost.TaskCompleteEvent _ ->
            ( stateBefore, InterfaceToHost.passiveAppEventResponse )

        InterfaceToHost.ArrivedAtTimeEvent _ ->
            ( stateBefore, InterfaceToHost.passiveAppEventResponse )


processHttpRequest : InterfaceToHost.HttpRequestEventStructure -> State -> ( State, ( Int, Json.Encode.Value ) )
processHttpRequest httpRequestEvent stateBefore =
    case String.toUpper httpRequestEvent.request.method of
        "GET" ->
            ( stateBefore, ( 200, encodeStats stateBefore ) )

        "POST" ->
            case Json.Decode.decodeString decodeRequest (requestBodyText httpRequestEvent.request) of
                Err error ->
                    ( stateBefore, ( 400, encodeError ("Bad request: " ++ Json.Decode.errorToString error) ) )

                Ok request ->
                    case applyRequest httpRequestEvent.posixTimeMilli request stateBefore of
                        Err ( statusCode, message ) ->
                            ( stateBefore, ( statusCode, encodeError message ) )

                        Ok ( state, body ) ->
                            ( state, ( 200, body ) )

        _ ->
            ( stateBefore, ( 405, encodeError ("Method not allowed: " ++ httpRequestEvent.request.method) ) )


applyRequest : Int -> Request -> State -> Result Failure ( State, Json.Encode.Value )
applyRequest now request state =
    case request of
        AddUser { userId, displayName, email } ->
            if String.isEmpty (String.trim userId) then
                Err ( 400, "userId must not be empty" )

            else if Dict.member userId state.users then
                Err ( 409, "User '" ++ userId ++ "' already exists" )

            else
                Ok
                    ( { state | users = Dict.insert userId { displayName = displayName, email = email, joinedTimeMilli = now } state.users }
                    , Json.Encode.object [ ( "userId", Json.Encode.string userId ) ]
                    )

        Rename { userId, displayName } ->
            requireUser userId state
                |> Result.map
                    (\user ->
                        ( { state | users = Dict.insert userId { user | displayName = displayName } state.users }
                        , Json.Encode.object
                            [ ( "userId", Json.Encode.string userId )
                            , ( "displayName", Json.Encode.string displayName )
                            ]
                        )
                    )

        CreateIssue { reporter, title, description, labels, priority } ->
            requireUser reporter state
                |> Result.andThen
                    (\_ ->
                        if String.isEmpty (String.trim title) then
                            Err ( 400, "Title must not be empty" )

                        else
                            let
                                issueId =
                                    state.nextIssueId

                                issue =
                                    { title = String.trim title
                                    , description = description
                                    , reporter = reporter
                                    , assignee = Nothing
                                    , status = Open
                                    , priority = priority
                                    , labels = Set.fromList labels
                                    , comments = []
                                    , createdTimeMilli = now
                                    }
                            in
                            Ok
                                ( { state | issues = Dict.insert issueId issue state.issues, nextIssueId = issueId + 1 }
                                , Json.Encode.object [ ( "issueId", Json.Encode.int issueId ) ]
                                )
                    )

        Assign { issueId, assignee } ->
            requireIssue issueId state
                |> Result.andThen
                    (\issue ->
                        (case assignee of
                            Nothing ->
                                Ok ()

                            Just userId ->
                                requireUser userId state |> Result.map (always ())
                        )
                            |> Result.map
                                (\() ->
                                    let
                                        status =
                                            case ( issue.status, assignee ) of
                                                ( Open, Just _ ) ->
                                                    InProgress { sinceTimeMilli = now }

                                                ( InProgress _, Nothing ) ->
                                                    Open

                                                _ ->
                                                    issue.status
                                    in
                                    ( withIssue issueId { issue | assignee = assignee, status = status } state
                                    , Json.Encode.object
                                        [ ( "issueId", Json.Encode.int issueId )
                                        , ( "assignee", assignee |> Maybe.map Json.Encode.string |> Maybe.withDefault Json.Encode.null )
                                        , ( "status", Json.Encode.string (statusName status) )
                                        ]
                                    )
                                )
                    )

        PostComment { issueId, author, text } ->
            requireIssue issueId state
                |> Result.andThen
                    (\issue ->
                        requireUser author state
                            |> Result.andThen
                                (\_ ->
                                    if String.isEmpty (String.trim text) then
                                        Err ( 400, "Comment must not be empty" )

                                    else
                                        let
                                            comments =
                                                issue.comments ++ [ { author = author, text = text, postedTimeMilli = now } ]
                                        in
                                        Ok
                                            ( withIssue issueId { issue | comments = comments } state
                                            , Json.Encode.object
                                                [ ( "issueId", Json.Encode.int issueId )
                                                , ( "commentCount", Json.Encode.int (List.length comments) )
                                                ]
                                            )
                                )
                    )

        Close { issueId, resolution } ->
            requireIssue issueId state
                |> Result.andThen
                    (\issue ->
                        case issue.status of
                            Closed _ ->
                                Err ( 409, "Issue #" ++ String.fromInt issueId ++ " is already closed" )

                            _ ->
                                (case resolution of
                                    Duplicate originalId ->
                                        if originalId == issueId then
                                            Err ( 400, "Issue #" ++ String.fromInt issueId ++ " cannot duplicate itself" )

                                        else
                                            requireIssue originalId state |> Result.map (always ())

                                    _ ->
                                        Ok ()
                                )
                                    |> Result.map
                                        (\() ->
                                            ( withIssue issueId { issue | status = Closed { resolution = resolution, closedTimeMilli = now } } state
                                            , Json.Encode.object
                                                [ ( "issueId", Json.Encode.int issueId )
                                                , ( "status", Json.Encode.string "closed" )
                                                ]
                                            )
                                        )
                    )

        Reopen { issueId } ->
            requireIssue issueId state
                |> Result.andThen
                    (\issue ->
                        case issue.status of
                            Closed _ ->
                                let
                                    status =
                                        case issue.assignee of
                                            Just _ ->
                                                InProgress { sinceTimeMilli = now }

                                            Nothing ->
                                                Open
                                in
                                Ok
                                    ( withIssue issueId { issue | status = status } state
                                    , Json.Encode.object
                                        [ ( "issueId", Json.Encode.int issueId )
                                        , ( "status", Json.Encode.string (statusName status) )
                                        ]
                                    )

                            _ ->
                                Err ( 409, "Issue #" ++ String.fromInt issueId ++ " is not closed" )
                    )

        Label { issueId, add, remove } ->
            requireIssue issueId state
                |> Result.map
                    (\issue ->
                        let
                            labels =
                                Set.diff (Set.union (Set.fromList add) issue.labels) (Set.fromList remove)
                        in
                        ( withIssue issueId { issue | labels = labels } state
                        , Json.Encode.object
                            [ ( "issueId", Json.Encode.int issueId )
                            , ( "labels", Json.Encode.list Json.Encode.string (Set.toList labels) )
                            ]
                        )
                    )

        SetPriority { issueId, priority } ->
            requireIssue issueId state
                |> Result.map
                    (\issue ->
                        ( withIssue issueId { issue | priority = priority } state
                        , Json.Encode.object
                            [ ( "issueId", Json.Encode.int issueId )
                            , ( "priority", encodePriority priority )
                            ]
                        )
                    )

        GetIssue { issueId } ->
            requireIssue issueId state
                |> Result.map (\issue -> ( state, encodeIssue issueId issue ))

        GetStats ->
            Ok ( state, encodeStats state )


requireUser : String -> State -> Result Failure User
requireUser userId state =
    Dict.get userId state.users
        |> Result.fromMaybe ( 404, "No user with id '" ++ userId ++ "'" )


requireIssue : Int -> State -> Result Failure Issue
requireIssue issueId state =
    Dict.get issueId state.issues
        |> Result.fromMaybe ( 404, "No issue #" ++ String.fromInt issueId )


withIssue : Int -> Issue -> State -> State
withIssue issueId issue state =
    { state | issues = Dict.insert issueId issue state.issues }


statusName : Status -> String
statusName status =
    case status of
        Open ->
            "open"

        InProgress _ ->
            "inProgress"

        Closed _ ->
            "closed"


priorityName : Priority -> String
priorityName priority =
    case priority of
        Low ->
            "low"

        Normal ->
            "normal"

        High ->
            "high"

        Urgent ->
            "urgent"


encodePriority : Maybe Priority -> Json.Encode.Value
encodePriority priority =
    priority |> Maybe.map (priorityName >> Json.Encode.string) |> Maybe.withDefault Json.Encode.null


encodeError : String -> Json.Encode.Value
encodeError message =
    Json.Encode.object [ ( "error", Json.Encode.string message ) ]


encodeStats : State -> Json.Encode.Value
encodeStats state =
    let
        statuses =
            state.issues |> Dict.values |> List.map (.status >> statusName)

        count name =
            statuses |> List.filter ((==) name) |> List.length

        urgentOpen =
            state.issues
                |> Dict.values
                |> List.filter (\issue -> issue.priority == Just Urgent && statusName issue.status /= "closed")
                |> List.length
    in
    Json.Encode.object
        [ ( "users", Json.Encode.int (Dict.size state.users) )
        , ( "issues", Json.Encode.int (Dict.size state.issues) )
        , ( "open", Json.Encode.int (count "open") )
        , ( "inProgress", Json.Encode.int (count "inProgress") )
        , ( "closed", Json.Encode.int (count "closed") )
        , ( "urgentOpen", Json.Encode.int urgentOpen )
        ]


encodeIssue : Int -> Issue -> Json.Encode.Value
encodeIssue issueId issue =
    Json.Encode.object
        [ ( "issueId", Json.Encode.int issueId )
        , ( "title", Json.Encode.string issue.title )
        , ( "description", Json.Encode.string issue.description )
        , ( "reporter", Json.Encode.string issue.reporter )
        , ( "assignee", issue.assignee |> Maybe.map Json.Encode.string |> Maybe.withDefault Json.Encode.null )
        , ( "status", Json.Encode.string (statusName issue.status) )
        , ( "priority", encodePriority issue.priority )
        , ( "labels", Json.Encode.list Json.Encode.string (Set.toList issue.labels) )
        , ( "comments"
          , Json.Encode.list
                (\comment ->
                    Json.Encode.object
                        [ ( "author", Json.Encode.string comment.author )
                        , ( "text", Json.Encode.string comment.text )
                        ]
                )
                issue.comments
          )
        ]


requestBodyText : InterfaceToHost.HttpRequestProperties -> String
requestBodyText request =
    request.bodyAsBase64
        |> Maybe.map (Base64.toBytes >> Maybe.map (decodeBytesToString >> Maybe.withDefault "Failed to decode bytes to string") >> Maybe.withDefault "Failed to decode from base64")
        |> Maybe.withDefault ""


decodeRequest : Json.Decode.Decoder Request
decodeRequest =
    Json.Decode.field "op" Json.Decode.string
        |> Json.Decode.andThen decodeRequestForOp


decodeRequestForOp : String -> Json.Decode.Decoder Request
decodeRequestForOp op =
    case op of
        "addUser" ->
            Json.Decode.map3 (\userId displayName email -> AddUser { userId = userId, displayName = displayName, email = email })
                (Json.Decode.field "userId" Json.Decode.string)
                (Json.Decode.field "displayName" Json.Decode.string)
                (Json.Decode.maybe (Json.Decode.field "email" Json.Decode.string))

        "rename" ->
            Json.Decode.map2 (\userId displayName -> Rename { userId = userId, displayName = displayName })
                (Json.Decode.field "userId" Json.Decode.string)
                (Json.Decode.field "displayName" Json.Decode.string)

        "createIssue" ->
            Json.Decode.map5
                (\reporter title description labels priority ->
                    CreateIssue { reporter = reporter, title = title, description = description, labels = labels, priority = priority }
                )
                (Json.Decode.field "reporter" Json.Decode.string)
                (Json.Decode.field "title" Json.Decode.string)
                (optionalField "description" Json.Decode.string "")
                (optionalField "labels" (Json.Decode.list Json.Decode.string) [])
                (optionalField "priority" (Json.Decode.map Just decodePriority) Nothing)

        "assign" ->
            Json.Decode.map2 (\issueId assignee -> Assign { issueId = issueId, assignee = assignee })
                (Json.Decode.field "issueId" Json.Decode.int)
                (Json.Decode.field "assignee" (Json.Decode.nullable Json.Decode.string))

        "comment" ->
            Json.Decode.map3 (\issueId author text -> PostComment { issueId = issueId, author = author, text = text })
                (Json.Decode.field "issueId" Json.Decode.int)
                (Json.Decode.field "author" Json.Decode.string)
                (Json.Decode.field "text" Json.Decode.string)

        "close" ->
            Json.Decode.map2 (\issueId resolution -> Close { issueId = issueId, resolution = resolution })
                (Json.Decode.field "issueId" Json.Decode.int)
                decodeResolution

        "reopen" ->
            Json.Decode.map (\issueId -> Reopen { issueId = issueId })
                (Json.Decode.field "issueId" Json.Decode.int)

        "label" ->
            Json.Decode.map3 (\issueId add remove -> Label { issueId = issueId, add = add, remove = remove })
                (Json.Decode.field "issueId" Json.Decode.int)
                (optionalField "add" (Json.Decode.list Json.Decode.string) [])
                (optionalField "remove" (Json.Decode.list Json.Decode.string) [])

        "setPriority" ->
            Json.Decode.map2 (\issueId priority -> SetPriority { issueId = issueId, priority = priority })
                (Json.Decode.field "issueId" Json.Decode.int)
                (Json.Decode.field "priority" (Json.Decode.nullable decodePriority))

        "getIssue" ->
            Json.Decode.map (\issueId -> GetIssue { issueId = issueId })
                (Json.Decode.field "issueId" Json.Decode.int)

        "stats" ->
            Json.Decode.succeed GetStats

        _ ->
            Json.Decode.fail ("Unknown op '" ++ op ++ "'")


decodePriority : Json.Decode.Decoder Priority
decodePriority =
    Json.Decode.string
        |> Json.Decode.andThen
            (\priority ->
                case priority of
                    "low" ->
                        Json.Decode.succeed Low

                    "normal" ->
                        Json.Decode.succeed Normal

                    "high" ->
                        Json.Decode.succeed High

                    "urgent" ->
                        Json.Decode.succeed Urgent

                    _ ->
                        Json.Decode.fail ("Unknown priority '" ++ priority ++ "'")
            )


decodeResolution : Json.Decode.Decoder Resolution
decodeResolution =
    Json.Decode.field "resolution" Json.Decode.string
        |> Json.Decode.andThen
            (\resolution ->
                case resolution of
                    "fixed" ->
                        Json.Decode.succeed Fixed

                    "wontfix" ->
                        Json.Decode.succeed WontFix

                    "duplicate" ->
                        Json.Decode.field "duplicateOf" Json.Decode.int |> Json.Decode.map Duplicate

                    _ ->
                        Json.Decode.fail ("Unknown resolution '" ++ resolution ++ "'")
            )


{-| An optional field: the default when it is absent or does not decode.
-}
optionalField : String -> Json.Decode.Decoder a -> a -> Json.Decode.Decoder a
optionalField name decoder default =
    Json.Decode.maybe (Json.Decode.field name decoder) |> Json.Decode.map (Maybe.withDefault default)


interfaceToHost_initState : State
interfaceToHost_initState =
    { users = Dict.empty
    , issues = Dict.empty
    , nextIssueId = 1
    }


interfaceToHost_processEvent : String -> State -> ( State, String )
interfaceToHost_processEvent =
    InterfaceToHost.wrapForSerialInterface_processEvent processEvent


{-| UTF-8 bytes of the text in base64, as the host's example apps build their response bodies.
-}
base64FromString : String -> Maybe String
base64FromString =
    Bytes.Encode.string >> Bytes.Encode.encode >> Base64.fromBytes


decodeBytesToString : Bytes.Bytes -> Maybe String
decodeBytesToString bytes =
    bytes |> Bytes.Decode.decode (Bytes.Decode.string (bytes |> Bytes.width))
