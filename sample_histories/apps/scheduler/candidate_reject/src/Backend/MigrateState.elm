module Backend.MigrateState exposing (migrate)

import Backend.Main
import ElmFullstack


{-| Declares the NEW state as its input: the deployed state has no `lastFiredMilli`, so the
migration cannot decode it and the host rejects the deployment.
-}
migrate : Backend.Main.State -> ( Backend.Main.State, ElmFullstack.BackendCmds Backend.Main.State )
migrate state =
    ( state, [] )
