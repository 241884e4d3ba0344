module Backend.Main exposing (State, backendMain)

{-| A test app of the 2021-09+ `backendMain` interface: HTTP requests start volatile-process
tasks (several per request, to show task IDs and response order), a time subscription counts
ticks, init and migrate issue commands.
-}

import Backend.State exposing (Phase(..))
import Dict
import ElmFullstack exposing (..)


type alias State =
    Backend.State.State


backendMain : ElmFullstack.BackendConfig State
backendMain =
    { init = ( { log = [ "init" ], ticks = 0, process = Nothing, phase = Idle, counts = Dict.empty }, [ startProcess ] )
    , subscriptions = subscriptions
    }


startProcess : BackendCmd State
startProcess =
    CreateVolatileProcess { programCode = "program", update = processCreated }


processCreated : CreateVolatileProcessResult -> State -> ( State, BackendCmds State )
processCreated result state =
    case result of
        Ok complete ->
            ( { state | process = Just complete.processId, log = ("created " ++ complete.processId) :: state.log }, [] )

        Err error ->
            ( { state | log = ("create failed " ++ error.exceptionToString) :: state.log }, [] )


requestAnswered : String -> RequestToVolatileProcessResult -> State -> ( State, BackendCmds State )
requestAnswered httpRequestId result state =
    let
        text =
            case result of
                Ok complete ->
                    Maybe.withDefault "" complete.returnValueToString
                        ++ "|"
                        ++ Maybe.withDefault "" complete.exceptionToString
                        ++ "|"
                        ++ String.fromInt complete.durationInMilliseconds

                Err ProcessNotFound ->
                    "not found"
    in
    ( { state | log = ("answer " ++ text) :: state.log, phase = Idle }
    , [ RespondToHttpRequest
            { httpRequestId = httpRequestId
            , response = { statusCode = 200, bodyAsBase64 = Nothing, headersToAdd = [ { name = "X-Answer", values = [ text ] } ] }
            }
      ]
    )


subscriptions : State -> BackendSubs State
subscriptions state =
    { httpRequest = httpRequest
    , posixTimeIsPast =
        if state.ticks < 3 then
            Just { minimumPosixTimeMilli = 1000 * (state.ticks + 1), update = \{ currentPosixTimeMilli } s -> ( { s | ticks = s.ticks + 1, log = ("tick " ++ String.fromInt currentPosixTimeMilli) :: s.log }, [] ) }

        else
            Nothing
    }


httpRequest : HttpRequestEventStruct -> State -> ( State, BackendCmds State )
httpRequest event state =
    let
        client =
            Maybe.withDefault "?" event.requestContext.clientAddress

        counts =
            Dict.update client (Maybe.withDefault 0 >> (+) 1 >> Just) state.counts

        logged =
            { state | counts = counts, log = (event.request.method ++ " " ++ event.request.uri) :: state.log }
    in
    case ( event.request.uri, state.process ) of
        ( "/ask", Just processId ) ->
            ( { logged | phase = Waiting event.posixTimeMilli }
            , [ RequestToVolatileProcess { processId = processId, request = Maybe.withDefault "" event.request.bodyAsBase64, update = requestAnswered event.httpRequestId }
              , RespondToHttpRequest { httpRequestId = event.httpRequestId ++ "-early", response = { statusCode = 202, bodyAsBase64 = Just "YWNj", headersToAdd = [] } }
              , startProcess
              ]
            )

        ( "/stop", Just processId ) ->
            ( { logged | process = Nothing }
            , [ TerminateVolatileProcess { processId = processId }
              , RespondToHttpRequest { httpRequestId = event.httpRequestId, response = { statusCode = 200, bodyAsBase64 = Nothing, headersToAdd = [] } }
              ]
            )

        _ ->
            ( logged
            , [ RespondToHttpRequest { httpRequestId = event.httpRequestId, response = { statusCode = 404, bodyAsBase64 = Nothing, headersToAdd = [ { name = "X-Log", values = List.reverse logged.log } ] } } ]
            )
