module Backend.Main exposing (State, interfaceToHost_initState, interfaceToHost_processEvent)

{-| A string builder; its migration expects the previous state
`{"maybeString":{"Just":["a"]},"otherState":"b"}`.
-}


type alias State =
    String


interfaceToHost_initState : State
interfaceToHost_initState =
    ""


interfaceToHost_processEvent : String -> State -> ( State, String )
interfaceToHost_processEvent event state =
    ( state ++ event, state ++ event )
