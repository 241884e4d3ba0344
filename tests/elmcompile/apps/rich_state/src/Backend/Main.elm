module Backend.Main exposing
    ( State
    , interfaceToHost_initState
    , interfaceToHost_processEvent
    )

{-| A test backend whose state uses every type feature the JSON coders support.

Events are JSON objects: `{"add":n}` adds to the counter, `{"setName":s}` sets the name,
`{"tag":s}` appends a tag. The response is the new counter value or an error text.
-}

import Backend.State exposing (CustomType(..), Tree(..))
import Dict
import Json.Decode as Decode
import Set


type alias State =
    Backend.State.State


interfaceToHost_initState : State
interfaceToHost_initState =
    Backend.State.init


interfaceToHost_processEvent : String -> State -> ( State, String )
interfaceToHost_processEvent event state =
    case Decode.decodeString eventDecoder event of
        Ok update ->
            let
                newState =
                    update state
            in
            ( newState, String.fromInt newState.counter )

        Err error ->
            ( state, "error: " ++ Decode.errorToString error )


eventDecoder : Decode.Decoder (State -> State)
eventDecoder =
    Decode.oneOf
        [ Decode.field "add" Decode.int
            |> Decode.map
                (\n state ->
                    { state
                        | counter = state.counter + n
                        , tree = Node [ state.tree, Leaf n ]
                        , dict = Dict.insert n { label = String.fromInt n, pair = { first = "a", second = "b" } } state.dict
                    }
                )
        , Decode.field "setName" Decode.string
            |> Decode.map (\name state -> { state | name = name, set = Set.insert name state.set })
        , Decode.field "tag" Decode.string
            |> Decode.map (\tag state -> { state | tags = state.tags ++ [ TagB tag, TagC (String.length tag) [ tag ] ] })
        ]
