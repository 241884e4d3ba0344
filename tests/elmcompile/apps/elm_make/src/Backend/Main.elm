module Backend.Main exposing
    ( State
    , interfaceToHost_initState
    , interfaceToHost_processEvent
    )

{-| Each event names a function of `CompilationInterface.ElmMake`; the response is its value,
`Bytes` given as base64.
-}

import Base64
import CompilationInterface.ElmMake as ElmMake


type alias State =
    Int


interfaceToHost_initState : State
interfaceToHost_initState =
    0


interfaceToHost_processEvent : String -> State -> ( State, String )
interfaceToHost_processEvent event state =
    ( state + 1
    , case event of
        "html" ->
            ElmMake.elm_make____src_Frontend_Main_elm |> Base64.fromBytes |> Maybe.withDefault "(not base64)"

        "html debug base64" ->
            ElmMake.elm_make__debug__base64____src_Frontend_Main_elm

        "javascript utf8" ->
            ElmMake.elm_make__javascript__utf8____src_Frontend_Main_elm

        _ ->
            "unknown: " ++ event
    )
