module MigrateBackendState exposing (migrate)

{-| From tracker v2: the state type did not change.
-}

import Backend.Main


type alias PreviousBackendState =
    Backend.Main.State


migrate : PreviousBackendState -> Backend.Main.State
migrate =
    identity
