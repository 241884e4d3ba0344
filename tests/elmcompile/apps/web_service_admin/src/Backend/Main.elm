module Backend.Main exposing (State, webServiceMain)

{-| A test app of the 2023 web-service interface: requests are counted, a request starts a
volatile-process task whose answer is the HTTP response, and a time subscription runs while
the count is below 2.
-}

import Platform.WebService exposing (..)


type alias State =
    { count : Int
    , process : Maybe String
    , log : List String
    }


webServiceMain : WebServiceConfig State
webServiceMain =
    { init = ( { count = 0, process = Nothing, log = [] }, [ CreateVolatileProcess { programCode = "worker", update = created } ] )
    , subscriptions = subscriptions
    }


created : CreateVolatileProcessResult -> State -> ( State, Commands State )
created result state =
    case result of
        Ok { processId } ->
            ( { state | process = Just processId }, [] )

        Err { exceptionToString } ->
            ( { state | log = exceptionToString :: state.log }, [] )


subscriptions : State -> Subscriptions State
subscriptions state =
    { httpRequest = request
    , posixTimeIsPast =
        if state.count < 2 then
            Just { minimumPosixTimeMilli = 1000, update = \{ currentPosixTimeMilli } s -> ( { s | log = String.fromInt currentPosixTimeMilli :: s.log }, [] ) }

        else
            Nothing
    }


request : HttpRequestEventStruct -> State -> ( State, Commands State )
request event state =
    let
        counted =
            { state | count = state.count + 1 }
    in
    case state.process of
        Just processId ->
            ( counted
            , [ RespondToHttpRequest { httpRequestId = event.httpRequestId ++ "-ack", response = { statusCode = 202, bodyAsBase64 = Nothing, headersToAdd = [] } }
              , RequestToVolatileProcess { processId = processId, request = event.request.uri, update = answered event.httpRequestId }
              ]
            )

        Nothing ->
            ( counted, [ RespondToHttpRequest { httpRequestId = event.httpRequestId, response = { statusCode = 503, bodyAsBase64 = Nothing, headersToAdd = [ { name = "Retry", values = [ "1" ] } ] } } ] )


answered : String -> RequestToVolatileProcessResult -> State -> ( State, Commands State )
answered httpRequestId result state =
    ( state
    , [ RespondToHttpRequest
            { httpRequestId = httpRequestId
            , response = { statusCode = 200, bodyAsBase64 = Result.toMaybe result |> Maybe.andThen .returnValueToString, headersToAdd = [] }
            }
      ]
    )
