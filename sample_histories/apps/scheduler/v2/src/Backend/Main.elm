module Backend.Main exposing
    ( Reminder
    , State
    , backendMain
    , createDeliveryProcess
    )

{-| A reminder scheduler: reminders come in over HTTP, a time subscription fires them when
they are due, and a volatile process (created by `init`) delivers each fired reminder.
Version 2 counts the fired reminders.
-}

import Base64
import Bytes
import Bytes.Decode
import Bytes.Encode
import Dict
import ElmFullstack


type alias State =
    { reminders : Dict.Dict Int Reminder
    , nextId : Int
    , volatileProcessId : Maybe String
    , delivered : List String
    , firedCount : Int
    }


type alias Reminder =
    { text : String
    , dueMilli : Int
    }


backendMain : ElmFullstack.BackendConfig State
backendMain =
    { init =
        ( { reminders = Dict.empty, nextId = 1, volatileProcessId = Nothing, delivered = [], firedCount = 0 }
        , [ createDeliveryProcess ]
        )
    , subscriptions = subscriptions
    }


createDeliveryProcess : ElmFullstack.BackendCmd State
createDeliveryProcess =
    ElmFullstack.CreateVolatileProcess
        { programCode = deliveryProgramCode
        , update = deliveryProcessCreated
        }


deliveryProgramCode : String
deliveryProgramCode =
    "string Deliver(string text) => \"delivered: \" + text;"


deliveryProcessCreated : ElmFullstack.CreateVolatileProcessResult -> State -> ( State, ElmFullstack.BackendCmds State )
deliveryProcessCreated result state =
    case result of
        Ok created ->
            ( { state | volatileProcessId = Just created.processId }, [] )

        Err error ->
            ( { state | delivered = ("no delivery process: " ++ error.exceptionToString) :: state.delivered }, [] )


subscriptions : State -> ElmFullstack.BackendSubs State
subscriptions state =
    { httpRequest = updateForHttpRequestEvent
    , posixTimeIsPast =
        state.reminders
            |> Dict.values
            |> List.map .dueMilli
            |> List.minimum
            |> Maybe.map (\due -> { minimumPosixTimeMilli = due, update = fireDueReminders })
    }


fireDueReminders : { currentPosixTimeMilli : Int } -> State -> ( State, ElmFullstack.BackendCmds State )
fireDueReminders { currentPosixTimeMilli } state =
    let
        ( due, later ) =
            Dict.partition (\_ reminder -> reminder.dueMilli <= currentPosixTimeMilli) state.reminders
    in
    ( { state | reminders = later, firedCount = state.firedCount + Dict.size due }
    , due |> Dict.toList |> List.concatMap (deliver state.volatileProcessId)
    )


deliver : Maybe String -> ( Int, Reminder ) -> ElmFullstack.BackendCmds State
deliver maybeProcessId ( id, reminder ) =
    case maybeProcessId of
        Nothing ->
            []

        Just processId ->
            [ ElmFullstack.RequestToVolatileProcess
                { processId = processId
                , request = reminder.text
                , update = deliveryDone id
                }
            ]


deliveryDone : Int -> ElmFullstack.RequestToVolatileProcessResult -> State -> ( State, ElmFullstack.BackendCmds State )
deliveryDone id result state =
    let
        line =
            case result of
                Ok complete ->
                    String.fromInt id ++ " " ++ Maybe.withDefault "" complete.returnValueToString

                Err ElmFullstack.ProcessNotFound ->
                    String.fromInt id ++ " lost: process not found"
    in
    ( { state | delivered = line :: state.delivered }, [] )


updateForHttpRequestEvent : ElmFullstack.HttpRequestEventStruct -> State -> ( State, ElmFullstack.BackendCmds State )
updateForHttpRequestEvent event state =
    let
        ( newState, status, body ) =
            case event.request.method of
                "GET" ->
                    ( state, 200, listing state ++ "\nfired: " ++ String.fromInt state.firedCount )

                "POST" ->
                    case parseReminder (requestBodyText event.request.bodyAsBase64) of
                        Just reminder ->
                            ( { state
                                | reminders = Dict.insert state.nextId reminder state.reminders
                                , nextId = state.nextId + 1
                              }
                            , 200
                            , "added " ++ String.fromInt state.nextId
                            )

                        Nothing ->
                            ( state, 400, "expected '<due posix milli> <text>'" )

                _ ->
                    ( state, 405, "method not allowed" )
    in
    ( newState
    , [ ElmFullstack.RespondToHttpRequest
            { httpRequestId = event.httpRequestId
            , response =
                { statusCode = status
                , bodyAsBase64 = body |> Bytes.Encode.string |> Bytes.Encode.encode |> Base64.fromBytes
                , headersToAdd = [ { name = "Content-Type", values = [ "text/plain" ] } ]
                }
            }
      ]
    )


listing : State -> String
listing state =
    (state.reminders
        |> Dict.toList
        |> List.map (\( id, r ) -> String.fromInt id ++ " " ++ String.fromInt r.dueMilli ++ " " ++ r.text)
    )
        ++ List.reverse state.delivered
        |> String.join "\n"


parseReminder : String -> Maybe Reminder
parseReminder text =
    case String.split " " text of
        dueText :: words ->
            String.toInt dueText
                |> Maybe.andThen
                    (\due ->
                        if List.isEmpty words then
                            Nothing

                        else
                            Just { text = String.join " " words, dueMilli = due }
                    )

        [] ->
            Nothing


requestBodyText : Maybe String -> String
requestBodyText bodyAsBase64 =
    bodyAsBase64
        |> Maybe.andThen Base64.toBytes
        |> Maybe.andThen (\bytes -> Bytes.Decode.decode (Bytes.Decode.string (Bytes.width bytes)) bytes)
        |> Maybe.withDefault ""
