module MigrateBackendState exposing (migrate)

import Backend.Main


type alias PreviousBackendState =
    String


migrate : PreviousBackendState -> Backend.Main.State
migrate previousState =
    { text = previousState, length = String.length previousState }
