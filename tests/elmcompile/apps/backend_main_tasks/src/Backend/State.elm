module Backend.State exposing (Phase(..), State)

import Dict


type alias State =
    { log : List String
    , ticks : Int
    , process : Maybe String
    , phase : Phase
    , counts : Dict.Dict String Int
    }


type Phase
    = Idle
    | Waiting Int
