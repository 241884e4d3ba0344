module Backend.MigrateState exposing (migrate)

import Backend.Main
import Dict
import ElmFullstack


type alias PreviousState =
    { reminders : Dict.Dict Int PreviousReminder
    , nextId : Int
    , volatileProcessId : Maybe String
    , delivered : List String
    }


type alias PreviousReminder =
    { text : String
    , dueMilli : Int
    }


{-| Count the deliveries so far as fired reminders, and start a new delivery process (the
previous one belonged to the old app).
-}
migrate : PreviousState -> ( Backend.Main.State, ElmFullstack.BackendCmds Backend.Main.State )
migrate previous =
    ( { reminders = previous.reminders
      , nextId = previous.nextId
      , volatileProcessId = Nothing
      , delivered = previous.delivered
      , firedCount = List.length previous.delivered
      }
    , [ Backend.Main.createDeliveryProcess ]
    )
