module Backend.MigrateState exposing (migrate)

import Backend.Main
import Dict
import ElmFullstack


type alias PreviousState =
    { reminders : Dict.Dict Int Backend.Main.Reminder
    , nextId : Int
    , volatileProcessId : Maybe String
    , delivered : List String
    , firedCount : Int
    }


migrate : PreviousState -> ( Backend.Main.State, ElmFullstack.BackendCmds Backend.Main.State )
migrate previous =
    ( { reminders = previous.reminders
      , nextId = previous.nextId
      , volatileProcessId = previous.volatileProcessId
      , delivered = previous.delivered
      , firedCount = previous.firedCount
      , lastFiredMilli = 0
      }
    , []
    )
