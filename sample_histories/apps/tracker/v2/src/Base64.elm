module Base64 exposing (decodeUtf8, encodeUtf8, fromBytes, fromString, toBytes)

{-| Base64 (RFC 4648 standard alphabet, padded) and UTF-8, with bytes as `List Int`.

Written for the sample apps because only elm/core and elm/json are available to them.
`toBytes` rejects anything but padded standard base64 without whitespace; `decodeUtf8`
rejects overlong forms, surrogates and code points above U+10FFFF.

-}


alphabet : String
alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


fromString : String -> String
fromString text =
    text |> encodeUtf8 |> fromBytes


fromBytes : List Int -> String
fromBytes bytes =
    fromBytesHelp bytes []


fromBytesHelp : List Int -> List String -> String
fromBytesHelp bytes acc =
    case bytes of
        a :: b :: c :: rest ->
            fromBytesHelp rest
                ((sextetChar (a // 4)
                    ++ sextetChar (modBy 4 a * 16 + b // 16)
                    ++ sextetChar (modBy 16 b * 4 + c // 64)
                    ++ sextetChar (modBy 64 c)
                 )
                    :: acc
                )

        [ a, b ] ->
            String.concat
                (List.reverse
                    ((sextetChar (a // 4) ++ sextetChar (modBy 4 a * 16 + b // 16) ++ sextetChar (modBy 16 b * 4) ++ "=")
                        :: acc
                    )
                )

        [ a ] ->
            String.concat (List.reverse ((sextetChar (a // 4) ++ sextetChar (modBy 4 a * 16) ++ "==") :: acc))

        [] ->
            String.concat (List.reverse acc)


sextetChar : Int -> String
sextetChar n =
    String.slice n (n + 1) alphabet


sextetValue : Char -> Maybe Int
sextetValue char =
    let
        code =
            Char.toCode char
    in
    if 65 <= code && code <= 90 then
        Just (code - 65)

    else if 97 <= code && code <= 122 then
        Just (code - 71)

    else if 48 <= code && code <= 57 then
        Just (code + 4)

    else if code == 43 then
        Just 62

    else if code == 47 then
        Just 63

    else
        Nothing


toBytes : String -> Maybe (List Int)
toBytes text =
    if modBy 4 (String.length text) /= 0 then
        Nothing

    else
        toBytesHelp (String.toList text) []


toBytesHelp : List Char -> List Int -> Maybe (List Int)
toBytesHelp chars acc =
    case chars of
        [] ->
            Just (List.reverse acc)

        c0 :: c1 :: c2 :: c3 :: rest ->
            case ( ( sextetValue c0, sextetValue c1 ), ( sextetValue c2, sextetValue c3 ) ) of
                ( ( Just v0, Just v1 ), ( Just v2, Just v3 ) ) ->
                    toBytesHelp rest (modBy 256 (v2 * 64 + v3) :: modBy 256 (v1 * 16 + v2 // 4) :: (v0 * 4 + v1 // 16) :: acc)

                ( ( Just v0, Just v1 ), ( Just v2, Nothing ) ) ->
                    if c3 == '=' && List.isEmpty rest then
                        Just (List.reverse (modBy 256 (v1 * 16 + v2 // 4) :: (v0 * 4 + v1 // 16) :: acc))

                    else
                        Nothing

                ( ( Just v0, Just v1 ), ( Nothing, Nothing ) ) ->
                    if c2 == '=' && c3 == '=' && List.isEmpty rest then
                        Just (List.reverse ((v0 * 4 + v1 // 16) :: acc))

                    else
                        Nothing

                _ ->
                    Nothing

        _ ->
            Nothing


encodeUtf8 : String -> List Int
encodeUtf8 text =
    String.foldr (\char acc -> codePointToBytes (Char.toCode char) ++ acc) [] text


codePointToBytes : Int -> List Int
codePointToBytes cp =
    if cp < 0x80 then
        [ cp ]

    else if cp < 0x0800 then
        [ 0xC0 + cp // 0x40, 0x80 + modBy 0x40 cp ]

    else if cp < 0x00010000 then
        [ 0xE0 + cp // 0x1000, 0x80 + modBy 0x40 (cp // 0x40), 0x80 + modBy 0x40 cp ]

    else
        [ 0xF0 + cp // 0x00040000, 0x80 + modBy 0x40 (cp // 0x1000), 0x80 + modBy 0x40 (cp // 0x40), 0x80 + modBy 0x40 cp ]


isContinuation : Int -> Bool
isContinuation byte =
    0x80 <= byte && byte <= 0xBF


decodeUtf8 : List Int -> Maybe String
decodeUtf8 bytes =
    decodeUtf8Help bytes []


decodeUtf8Help : List Int -> List Char -> Maybe String
decodeUtf8Help bytes acc =
    case bytes of
        [] ->
            Just (String.fromList (List.reverse acc))

        b0 :: rest ->
            if b0 < 0x80 then
                decodeUtf8Help rest (Char.fromCode b0 :: acc)

            else if 0xC2 <= b0 && b0 <= 0xDF then
                case rest of
                    b1 :: rest1 ->
                        if isContinuation b1 then
                            decodeUtf8Help rest1 (Char.fromCode ((b0 - 0xC0) * 64 + (b1 - 0x80)) :: acc)

                        else
                            Nothing

                    _ ->
                        Nothing

            else if 0xE0 <= b0 && b0 <= 0xEF then
                case rest of
                    b1 :: b2 :: rest2 ->
                        let
                            cp =
                                (b0 - 0xE0) * 4096 + (b1 - 0x80) * 64 + (b2 - 0x80)
                        in
                        if isContinuation b1 && isContinuation b2 && cp >= 0x0800 && (cp < 0xD800 || cp > 0xDFFF) then
                            decodeUtf8Help rest2 (Char.fromCode cp :: acc)

                        else
                            Nothing

                    _ ->
                        Nothing

            else if 0xF0 <= b0 && b0 <= 0xF4 then
                case rest of
                    b1 :: b2 :: b3 :: rest3 ->
                        let
                            cp =
                                (b0 - 0xF0) * 262144 + (b1 - 0x80) * 4096 + (b2 - 0x80) * 64 + (b3 - 0x80)
                        in
                        if isContinuation b1 && isContinuation b2 && isContinuation b3 && cp >= 0x00010000 && cp <= 0x0010FFFF then
                            decodeUtf8Help rest3 (Char.fromCode cp :: acc)

                        else
                            Nothing

                    _ ->
                        Nothing

            else
                Nothing
