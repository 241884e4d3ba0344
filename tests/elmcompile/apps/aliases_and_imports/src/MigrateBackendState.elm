module MigrateBackendState exposing (migrate)

{-| The 2020 module name; the previous app's state was an `Int` counter.
-}

import Backend.Main exposing (State(..))


type alias PreviousBackendState =
    Int


migrate : PreviousBackendState -> Backend.Main.State
migrate counter =
    Stopped "migrated" counter
