module Backend.Main exposing
    ( State
    , transferFee
    , webServiceMain
    )

{-| A small ledger: accounts with balances, deposits and transfers over HTTP, and an hourly
settlement driven by the host's clock (a `posixTimeIsPast` subscription). Version 2 charges a
fee of 1 per transfer and keeps the fees it collected. Version 3 can freeze accounts: no transfer
leaves a frozen account.

    POST {"deposit":{"account":"alice","amount":50}}
    POST {"transfer":{"from":"alice","to":"bob","amount":20}}
    GET  -> {"alice":30,"bob":20}

-}

import Base64
import Bytes
import Bytes.Decode
import Bytes.Encode
import Dict
import Json.Decode
import Json.Encode
import Platform.WebService


type alias State =
    { balances : Dict.Dict String Int
    , transferCount : Int
    , lastSettlementMilli : Int
    , settlementCount : Int
    , feesCollected : Int
    , frozenAccounts : List String
    }


type Operation
    = Deposit String Int
    | Transfer String String Int


settlementIntervalMilli : Int
settlementIntervalMilli =
    3600000


transferFee : Int
transferFee =
    1


webServiceMain : Platform.WebService.WebServiceConfig State
webServiceMain =
    { init =
        ( { balances = Dict.empty
          , transferCount = 0
          , lastSettlementMilli = 0
          , settlementCount = 0
          , feesCollected = 0
          , frozenAccounts = []
          }
        , []
        )
    , subscriptions = subscriptions
    }


subscriptions : State -> Platform.WebService.Subscriptions State
subscriptions state =
    { httpRequest = updateForHttpRequest
    , posixTimeIsPast =
        Just
            { minimumPosixTimeMilli = state.lastSettlementMilli + settlementIntervalMilli
            , update = \{ currentPosixTimeMilli } stateBefore -> ( settle currentPosixTimeMilli stateBefore, [] )
            }
    }


settle : Int -> State -> State
settle currentPosixTimeMilli state =
    { state | lastSettlementMilli = currentPosixTimeMilli, settlementCount = state.settlementCount + 1 }


updateForHttpRequest : Platform.WebService.HttpRequestEventStruct -> State -> ( State, Platform.WebService.Commands State )
updateForHttpRequest event stateBefore =
    let
        ( state, statusCode, body ) =
            if event.request.method == "GET" then
                ( stateBefore, 200, encodeBalances stateBefore )

            else
                case Json.Decode.decodeString operationDecoder (requestBody event.request) of
                    Err error ->
                        ( stateBefore, 400, Json.Decode.errorToString error )

                    Ok operation ->
                        case applyOperation operation stateBefore of
                            Err problem ->
                                ( stateBefore, 409, problem )

                            Ok newState ->
                                ( newState, 200, encodeBalances newState )
    in
    ( state
    , [ Platform.WebService.RespondToHttpRequest
            { httpRequestId = event.httpRequestId
            , response =
                { statusCode = statusCode
                , bodyAsBase64 = Base64.fromBytes (Bytes.Encode.encode (Bytes.Encode.string body))
                , headersToAdd = []
                }
            }
      ]
    )


requestBody : Platform.WebService.HttpRequestProperties -> String
requestBody request =
    request.bodyAsBase64
        |> Maybe.andThen Base64.toBytes
        |> Maybe.andThen (\bytes -> Bytes.Decode.decode (Bytes.Decode.string (Bytes.width bytes)) bytes)
        |> Maybe.withDefault ""


operationDecoder : Json.Decode.Decoder Operation
operationDecoder =
    Json.Decode.oneOf
        [ Json.Decode.field "deposit"
            (Json.Decode.map2 Deposit
                (Json.Decode.field "account" Json.Decode.string)
                (Json.Decode.field "amount" Json.Decode.int)
            )
        , Json.Decode.field "transfer"
            (Json.Decode.map3 Transfer
                (Json.Decode.field "from" Json.Decode.string)
                (Json.Decode.field "to" Json.Decode.string)
                (Json.Decode.field "amount" Json.Decode.int)
            )
        ]


balanceOf : String -> State -> Int
balanceOf account state =
    Dict.get account state.balances |> Maybe.withDefault 0


applyOperation : Operation -> State -> Result String State
applyOperation operation state =
    case operation of
        Deposit account amount ->
            if amount <= 0 then
                Err "The amount must be positive."

            else
                Ok { state | balances = Dict.insert account (balanceOf account state + amount) state.balances }

        Transfer from to amount ->
            if amount <= 0 then
                Err "The amount must be positive."

            else if List.member from state.frozenAccounts then
                Err ("Account " ++ from ++ " is frozen.")

            else if balanceOf from state < amount + transferFee then
                Err ("Insufficient funds in account " ++ from ++ " (the fee is " ++ String.fromInt transferFee ++ ").")

            else
                let
                    debited =
                        Dict.insert from (balanceOf from state - amount - transferFee) state.balances
                in
                Ok
                    { state
                        | balances = Dict.insert to ((Dict.get to debited |> Maybe.withDefault 0) + amount) debited
                        , transferCount = state.transferCount + 1
                        , feesCollected = state.feesCollected + transferFee
                    }


encodeBalances : State -> String
encodeBalances state =
    Json.Encode.encode 0 (Json.Encode.dict identity Json.Encode.int state.balances)
