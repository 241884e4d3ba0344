module Backend.MigrateState exposing (migrate, Old)

import Backend.State exposing (Phase(..), State)
import Dict
import ElmFullstack exposing (..)


type alias Old =
    { log : List String, ticks : Int }


migrate : Old -> ( State, BackendCmds State )
migrate old =
    ( { log = "migrated" :: old.log, ticks = old.ticks, process = Nothing, phase = Idle, counts = Dict.empty }
    , [ CreateVolatileProcess { programCode = "after migrate", update = \_ state -> ( { state | log = "migrate task done" :: state.log }, [] ) } ]
    )
