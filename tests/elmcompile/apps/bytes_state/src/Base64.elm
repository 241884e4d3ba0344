module Base64 exposing (fromBytes, toBytes)

{-| Padded standard base64 for `Bytes`, written for this test app.
-}

import Bytes exposing (Bytes)
import Bytes.Decode as Decode
import Bytes.Encode as Encode


alphabet : String
alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


fromBytes : Bytes -> Maybe String
fromBytes bytes =
    Decode.decode (Decode.loop ( Bytes.width bytes, [] ) readByte) bytes
        |> Maybe.map (List.reverse >> encodeList)


readByte : ( Int, List Int ) -> Decode.Decoder (Decode.Step ( Int, List Int ) (List Int))
readByte ( remaining, acc ) =
    if remaining <= 0 then
        Decode.succeed (Decode.Done acc)

    else
        Decode.unsignedInt8 |> Decode.map (\byte -> Decode.Loop ( remaining - 1, byte :: acc ))


encodeList : List Int -> String
encodeList bytes =
    case bytes of
        a :: b :: c :: rest ->
            group a b c 4 ++ encodeList rest

        [ a, b ] ->
            group a b 0 3 ++ "="

        [ a ] ->
            group a 0 0 2 ++ "=="

        [] ->
            ""


group : Int -> Int -> Int -> Int -> String
group a b c count =
    let
        n =
            a * 65536 + b * 256 + c
    in
    [ n // 262144, modBy 64 (n // 4096), modBy 64 (n // 64), modBy 64 n ]
        |> List.take count
        |> List.map (\i -> String.slice i (i + 1) alphabet)
        |> String.concat


toBytes : String -> Maybe Bytes
toBytes text =
    text
        |> String.toList
        |> List.filter ((/=) '=')
        |> List.map sextet
        |> List.foldr (Maybe.map2 (::)) (Just [])
        |> Maybe.andThen decodeSextets
        |> Maybe.map (List.map Encode.unsignedInt8 >> Encode.sequence >> Encode.encode)


sextet : Char -> Maybe Int
sextet char =
    String.indexes (String.fromChar char) alphabet |> List.head


decodeSextets : List Int -> Maybe (List Int)
decodeSextets sextets =
    case sextets of
        a :: b :: c :: d :: rest ->
            let
                n =
                    ((a * 64 + b) * 64 + c) * 64 + d
            in
            decodeSextets rest |> Maybe.map ((++) [ n // 65536, modBy 256 (n // 256), modBy 256 n ])

        [ a, b, c ] ->
            Just [ (a * 4) + (b // 16), modBy 256 (b * 16) + (c // 4) ]

        [ a, b ] ->
            Just [ (a * 4) + (b // 16) ]

        [] ->
            Just []

        _ ->
            Nothing
