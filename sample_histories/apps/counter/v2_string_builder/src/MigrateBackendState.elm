module MigrateBackendState exposing (migrate)

import Backend.Main


type alias PreviousBackendState =
    Int


migrate : PreviousBackendState -> Backend.Main.State
migrate =
    String.fromInt
