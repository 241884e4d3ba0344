module Backend.ExposeFunctionsToAdmin exposing (..)

{-| Functions the host's admin interface may apply to the database.
-}

import Backend.Main
import Dict


{-| Add the same amount to every account.
-}
creditAll : Int -> Backend.Main.State -> Backend.Main.State
creditAll amount state =
    { state | balances = Dict.map (\_ balance -> balance + amount) state.balances }


{-| Pay the fees collected so far out to one account.
-}
payOutFees : String -> Backend.Main.State -> Backend.Main.State
payOutFees account state =
    { state
        | balances = Dict.insert account ((Dict.get account state.balances |> Maybe.withDefault 0) + state.feesCollected) state.balances
        , feesCollected = 0
    }


{-| No transfer leaves a frozen account.
-}
freeze : String -> Backend.Main.State -> Backend.Main.State
freeze account state =
    { state | frozenAccounts = account :: List.filter ((/=) account) state.frozenAccounts }


{-| A report: the balance of one account (cannot be committed).
-}
balanceReport : String -> Backend.Main.State -> Int
balanceReport account state =
    Dict.get account state.balances |> Maybe.withDefault 0
