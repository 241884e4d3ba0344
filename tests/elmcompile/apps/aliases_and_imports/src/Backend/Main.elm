module Backend.Main exposing (State, interfaceToHost_initState, interfaceToHost_processEvent)

{-| The state is a custom type declared here, with tags not exposed, and refers to types
through an import alias and `exposing (..)`.

{- A nested comment, and text that looks like a declaration: -}
type alias Fake = Char

-}

import Backend.Types as T exposing (..)
import Dict as D exposing (Dict)
import Set exposing (Set)


type State
    = Empty
    | Running
        { users : D.Dict String T.User -- a trailing comment
        , visits : List ( Int, Visit )
        }
    | Stopped String Int


type alias Visit =
    { path : String, at : Int, tags : Set String }


interfaceToHost_initState : State
interfaceToHost_initState =
    Empty


interfaceToHost_processEvent :
    String
    -> State
    -> ( State, String )
interfaceToHost_processEvent event state =
    case ( String.split " " event, state ) of
        ( [ "start" ], _ ) ->
            ( Running { users = D.empty, visits = [] }, "started" )

        ( [ "user", name ], Running running ) ->
            ( Running { running | users = D.insert name (newUser name (D.size running.users)) running.users }
            , "added " ++ name
            )

        ( [ "visit", path ], Running running ) ->
            ( Running { running | visits = ( List.length running.visits, { path = path, at = 0, tags = Set.fromList [ "a", path ] } ) :: running.visits }
            , "visited"
            )

        ( [ "stop" ], _ ) ->
            ( Stopped "stopped" 0, "stopped" )

        _ ->
            ( state, "ignored" )


newUser : String -> Int -> User
newUser name index =
    { name = name
    , role =
        if index == 0 then
            Admin

        else
            Member index
    , id = Id index
    }
