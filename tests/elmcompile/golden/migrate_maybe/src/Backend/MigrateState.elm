module Backend.MigrateState exposing (migrate, PreviousBackendState)

import Backend.Main


type alias PreviousBackendState =
    { maybeString : Maybe String
    , otherState : String
    }


migrate : PreviousBackendState -> Backend.Main.State
migrate previous =
    Maybe.withDefault "" previous.maybeString ++ previous.otherState
