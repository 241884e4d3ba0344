module CompilationInterface.GenerateJsonCoders exposing (..)

{-| The host's compiler replaces these declarations with generated JSON coders.
-}

import Api
import Json.Decode
import Json.Encode
import Base64
import Bytes
import Bytes.Decode
import Bytes.Encode
import Dict
import Set


jsonDecodeRequest : Json.Decode.Decoder Api.Request
jsonDecodeRequest =
    jsonDecode_Api_Request


jsonEncodeResponse : Api.Response -> Json.Encode.Value
jsonEncodeResponse =
    jsonEncode_Api_Response


jsonEncode_Api_Request : Api.Request -> Json.Encode.Value
jsonEncode_Api_Request value =
    case value of
        Api.AddNote a0 ->
            Json.Encode.object
                [ ( "AddNote", Json.Encode.list identity [ jsonEncode_Api_NoteDraft a0 ] ) ]

        Api.ListNotes a0 ->
            Json.Encode.object
                [ ( "ListNotes"
                  , Json.Encode.list identity
                        [ Json.Encode.object [ ( "tag", jsonEncode_Maybe Json.Encode.string a0.tag ) ] ]
                  )
                ]

        Api.RemoveNote a0 ->
            Json.Encode.object
                [ ( "RemoveNote"
                  , Json.Encode.list identity [ Json.Encode.object [ ( "id", Json.Encode.int a0.id ) ] ]
                  )
                ]


jsonDecode_Api_Request : Json.Decode.Decoder Api.Request
jsonDecode_Api_Request =
    Json.Decode.oneOf
        [ Json.Decode.field "AddNote"
              (Json.Decode.map Api.AddNote (Json.Decode.index 0 jsonDecode_Api_NoteDraft))
        , Json.Decode.field "ListNotes"
              (Json.Decode.map Api.ListNotes
                  (Json.Decode.index 0
                      (Json.Decode.succeed (\tag -> { tag = tag })
                          |> jsonDecode_andMap (Json.Decode.field "tag" (jsonDecode_Maybe Json.Decode.string))
                      )
                  )
              )
        , Json.Decode.field "RemoveNote"
              (Json.Decode.map Api.RemoveNote
                  (Json.Decode.index 0
                      (Json.Decode.succeed (\id -> { id = id })
                          |> jsonDecode_andMap (Json.Decode.field "id" Json.Decode.int)
                      )
                  )
              )
        ]


jsonEncode_Api_NoteDraft : Api.NoteDraft -> Json.Encode.Value
jsonEncode_Api_NoteDraft value =
    Json.Encode.object
        [ ( "title", Json.Encode.string value.title )
        , ( "body", jsonEncode_Maybe Json.Encode.string value.body )
        , ( "tags", Json.Encode.list Json.Encode.string value.tags )
        ]


jsonDecode_Api_NoteDraft : Json.Decode.Decoder Api.NoteDraft
jsonDecode_Api_NoteDraft =
    Json.Decode.succeed (\title body tags -> { title = title, body = body, tags = tags })
        |> jsonDecode_andMap (Json.Decode.field "title" Json.Decode.string)
        |> jsonDecode_andMap (Json.Decode.field "body" (jsonDecode_Maybe Json.Decode.string))
        |> jsonDecode_andMap (Json.Decode.field "tags" (Json.Decode.list Json.Decode.string))


jsonEncode_Api_Response : Api.Response -> Json.Encode.Value
jsonEncode_Api_Response value =
    case value of
        Api.NoteAdded a0 ->
            Json.Encode.object
                [ ( "NoteAdded"
                  , Json.Encode.list identity [ Json.Encode.object [ ( "id", Json.Encode.int a0.id ) ] ]
                  )
                ]

        Api.NoteList a0 ->
            Json.Encode.object
                [ ( "NoteList", Json.Encode.list identity [ Json.Encode.list jsonEncode_Api_Note a0 ] ) ]

        Api.NoteRemoved a0 ->
            Json.Encode.object [ ( "NoteRemoved", Json.Encode.list identity [ Json.Encode.int a0 ] ) ]

        Api.Failed a0 ->
            Json.Encode.object [ ( "Failed", Json.Encode.list identity [ jsonEncode_Api_Problem a0 ] ) ]


jsonDecode_Api_Response : Json.Decode.Decoder Api.Response
jsonDecode_Api_Response =
    Json.Decode.oneOf
        [ Json.Decode.field "Failed"
              (Json.Decode.map Api.Failed (Json.Decode.index 0 jsonDecode_Api_Problem))
        , Json.Decode.field "NoteAdded"
              (Json.Decode.map Api.NoteAdded
                  (Json.Decode.index 0
                      (Json.Decode.succeed (\id -> { id = id })
                          |> jsonDecode_andMap (Json.Decode.field "id" Json.Decode.int)
                      )
                  )
              )
        , Json.Decode.field "NoteList"
              (Json.Decode.map Api.NoteList (Json.Decode.index 0 (Json.Decode.list jsonDecode_Api_Note)))
        , Json.Decode.field "NoteRemoved"
              (Json.Decode.map Api.NoteRemoved (Json.Decode.index 0 Json.Decode.int))
        ]


jsonEncode_Api_Note : Api.Note -> Json.Encode.Value
jsonEncode_Api_Note value =
    Json.Encode.object
        [ ( "id", Json.Encode.int value.id )
        , ( "title", Json.Encode.string value.title )
        , ( "body", jsonEncode_Maybe Json.Encode.string value.body )
        , ( "tags", Json.Encode.list Json.Encode.string value.tags )
        ]


jsonDecode_Api_Note : Json.Decode.Decoder Api.Note
jsonDecode_Api_Note =
    Json.Decode.succeed (\id title body tags -> { id = id, title = title, body = body, tags = tags })
        |> jsonDecode_andMap (Json.Decode.field "id" Json.Decode.int)
        |> jsonDecode_andMap (Json.Decode.field "title" Json.Decode.string)
        |> jsonDecode_andMap (Json.Decode.field "body" (jsonDecode_Maybe Json.Decode.string))
        |> jsonDecode_andMap (Json.Decode.field "tags" (Json.Decode.list Json.Decode.string))


jsonEncode_Api_Problem : Api.Problem -> Json.Encode.Value
jsonEncode_Api_Problem value =
    case value of
        Api.NoteNotFound a0 ->
            Json.Encode.object [ ( "NoteNotFound", Json.Encode.list identity [ Json.Encode.int a0 ] ) ]

        Api.EmptyTitle ->
            Json.Encode.object [ ( "EmptyTitle", Json.Encode.list identity [] ) ]


jsonDecode_Api_Problem : Json.Decode.Decoder Api.Problem
jsonDecode_Api_Problem =
    Json.Decode.oneOf
        [ Json.Decode.field "EmptyTitle" (jsonDecodeSucceedWhenNotNull Api.EmptyTitle)
        , Json.Decode.field "NoteNotFound"
              (Json.Decode.map Api.NoteNotFound (Json.Decode.index 0 Json.Decode.int))
        ]


jsonEncode_Maybe : (a -> Json.Encode.Value) -> Maybe a -> Json.Encode.Value
jsonEncode_Maybe encodeJust maybe =
    case maybe of
        Nothing ->
            Json.Encode.object [ ( "Nothing", Json.Encode.list identity [] ) ]

        Just just ->
            Json.Encode.object [ ( "Just", Json.Encode.list encodeJust [ just ] ) ]


{-| Also accepts the older forms `{"Just":v}` and `null` (for Nothing), as the host did.
-}
jsonDecode_Maybe : Json.Decode.Decoder a -> Json.Decode.Decoder (Maybe a)
jsonDecode_Maybe decodeJust =
    Json.Decode.oneOf
        [ Json.Decode.field "Nothing" (Json.Decode.succeed Nothing)
        , Json.Decode.field "Just" (Json.Decode.index 0 decodeJust |> Json.Decode.map Just)
        , Json.Decode.field "Just" (decodeJust |> Json.Decode.map Just)
        , Json.Decode.null Nothing
        ]


jsonDecode_andMap : Json.Decode.Decoder a -> Json.Decode.Decoder (a -> b) -> Json.Decode.Decoder b
jsonDecode_andMap =
    Json.Decode.map2 (|>)


{-| A tag without arguments: any value under the tag's key except `null`.
-}
jsonDecodeSucceedWhenNotNull : a -> Json.Decode.Decoder a
jsonDecodeSucceedWhenNotNull valueIfNotNull =
    Json.Decode.value
        |> Json.Decode.andThen
            (\asValue ->
                if asValue == Json.Encode.null then
                    Json.Decode.fail "Is null."

                else
                    Json.Decode.succeed valueIfNotNull
            )
