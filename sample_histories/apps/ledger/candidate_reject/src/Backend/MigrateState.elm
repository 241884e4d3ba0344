module Backend.MigrateState exposing (migrate)

{-| From version 2 to version 3 (frozen accounts). Its author declared the previous state with the
new `frozenAccounts` field by mistake: the stored version 2 state has no such field.
-}

import Backend.Main
import Dict
import Platform.WebService


type alias PreviousState =
    { balances : Dict.Dict String Int
    , transferCount : Int
    , lastSettlementMilli : Int
    , settlementCount : Int
    , feesCollected : Int
    , frozenAccounts : List String
    }


migrate : PreviousState -> ( Backend.Main.State, Platform.WebService.Commands Backend.Main.State )
migrate previous =
    ( { balances = previous.balances
      , transferCount = previous.transferCount
      , lastSettlementMilli = previous.lastSettlementMilli
      , settlementCount = previous.settlementCount
      , feesCollected = previous.feesCollected
      , frozenAccounts = previous.frozenAccounts
      }
    , []
    )
