module Backend.Main exposing (State, interfaceToHost_initState, interfaceToHost_processEvent)

{-| A state holding `Bytes`: each event's text is stored as its UTF-8 bytes.
-}

import Bytes exposing (Bytes)
import Bytes.Encode


type alias State =
    { blob : Bytes
    , history : List Bytes
    }


interfaceToHost_initState : State
interfaceToHost_initState =
    { blob = Bytes.Encode.encode (Bytes.Encode.sequence []), history = [] }


interfaceToHost_processEvent : String -> State -> ( State, String )
interfaceToHost_processEvent event state =
    let
        blob =
            Bytes.Encode.encode (Bytes.Encode.string event)
    in
    ( { blob = blob, history = state.blob :: state.history }, String.fromInt (Bytes.width blob) )
