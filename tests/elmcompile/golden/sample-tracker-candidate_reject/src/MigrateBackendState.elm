module MigrateBackendState exposing (migrate, PreviousBackendState)

{-| A mistaken migration: it declares the NEW state type as its input, but the deployed v4
state has no `role` in its users, so decoding the deployed state fails and the host rejects
the deployment.
-}

import Backend.Main


type alias PreviousBackendState =
    Backend.Main.State


migrate : PreviousBackendState -> Backend.Main.State
migrate =
    identity
