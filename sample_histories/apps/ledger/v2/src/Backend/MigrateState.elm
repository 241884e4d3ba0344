module Backend.MigrateState exposing (migrate)

{-| From version 1 (no fees) to version 2.
-}

import Backend.Main
import Dict
import Platform.WebService


type alias PreviousState =
    { balances : Dict.Dict String Int
    , transferCount : Int
    , lastSettlementMilli : Int
    , settlementCount : Int
    }


migrate : PreviousState -> ( Backend.Main.State, Platform.WebService.Commands Backend.Main.State )
migrate previous =
    ( { balances = previous.balances
      , transferCount = previous.transferCount
      , lastSettlementMilli = previous.lastSettlementMilli
      , settlementCount = previous.settlementCount
      , feesCollected = 0
      }
    , []
    )
