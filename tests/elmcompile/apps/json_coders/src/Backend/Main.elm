module Backend.Main exposing
    ( State
    , interfaceToHost_initState
    , interfaceToHost_processEvent
    )

{-| Each event is a request: `{"shapes":[...]}` is decoded as shapes and re-encoded; anything
else is decoded as an `Api.Request` and answered with `Echo request`, or with `Rejected` and
the decode error. The state counts the requests that decoded.
-}

import Api
import CompilationInterface.GenerateJsonCoders as Coders
import Json.Decode
import Json.Encode


type alias State =
    Int


interfaceToHost_initState : State
interfaceToHost_initState =
    0


interfaceToHost_processEvent : String -> State -> ( State, String )
interfaceToHost_processEvent event state =
    case Json.Decode.decodeString (Json.Decode.field "shapes" Coders.jsonDecodeShapes) event of
        Ok shapes ->
            ( state + 1, Json.Encode.encode 0 (Coders.jsonEncodeShapes shapes) )

        Err _ ->
            case Json.Decode.decodeString Coders.jsonDecodeRequest event of
                Ok request ->
                    ( state + 1, Json.Encode.encode 0 (Coders.jsonEncodeResponse (Api.echo request)) )

                Err error ->
                    ( state
                    , Json.Encode.encode 0 (Coders.jsonEncodeResponse (Api.reject (Json.Decode.errorToString error)))
                    )
