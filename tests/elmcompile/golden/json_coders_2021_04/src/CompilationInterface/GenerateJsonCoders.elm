module CompilationInterface.GenerateJsonCoders exposing (..)

{-| The host's compiler replaced these functions; so does elmreplay.
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


jsonDecodeShapes : Json.Decode.Decoder (List Api.Shape)
jsonDecodeShapes =
    Json.Decode.list jsonDecode_Api_Shape


jsonEncodeShapes : List Api.Shape -> Json.Encode.Value
jsonEncodeShapes =
    Json.Encode.list jsonEncode_Api_Shape


jsonEncode_Api_Request : Api.Request -> Json.Encode.Value
jsonEncode_Api_Request value =
    Json.Encode.object
        [ ( "id", Json.Encode.int value.id )
        , ( "shape", jsonEncode_Api_Shape value.shape )
        , ( "tags", Json.Encode.list Json.Encode.string value.tags )
        , ( "note", jsonEncode_Maybe Json.Encode.string value.note )
        , ( "visibility", jsonEncode_Api_Visibility value.visibility )
        , ( "scores"
          , jsonEncode_Dict Json.Encode.string (Json.Encode.list Json.Encode.float) value.scores
          )
        , ( "pair", jsonEncode_Tuple2 Json.Encode.int Json.Encode.bool value.pair )
        , ( "members", jsonEncode_Set Json.Encode.int value.members )
        , ( "outcome", jsonEncode_Result Json.Encode.string Json.Encode.int value.outcome )
        , ( "nothing", Json.Encode.list identity [] )
        ]


jsonDecode_Api_Request : Json.Decode.Decoder Api.Request
jsonDecode_Api_Request =
    Json.Decode.succeed (\id shape tags note visibility scores pair members outcome nothing ->
        { id = id
        , shape = shape
        , tags = tags
        , note = note
        , visibility = visibility
        , scores = scores
        , pair = pair
        , members = members
        , outcome = outcome
        , nothing = nothing
        }
    )
        |> jsonDecode_andMap (Json.Decode.field "id" Json.Decode.int)
        |> jsonDecode_andMap (Json.Decode.field "shape" jsonDecode_Api_Shape)
        |> jsonDecode_andMap (Json.Decode.field "tags" (Json.Decode.list Json.Decode.string))
        |> jsonDecode_andMap (Json.Decode.field "note" (jsonDecode_Maybe Json.Decode.string))
        |> jsonDecode_andMap (Json.Decode.field "visibility" jsonDecode_Api_Visibility)
        |> jsonDecode_andMap (Json.Decode.field "scores"
            (jsonDecode_Dict Json.Decode.string (Json.Decode.list Json.Decode.float))
        )
        |> jsonDecode_andMap (Json.Decode.field "pair" (jsonDecode_Tuple2 Json.Decode.int Json.Decode.bool))
        |> jsonDecode_andMap (Json.Decode.field "members" (jsonDecode_Set Json.Decode.int))
        |> jsonDecode_andMap (Json.Decode.field "outcome" (jsonDecode_Result Json.Decode.string Json.Decode.int))
        |> jsonDecode_andMap (Json.Decode.field "nothing" (Json.Decode.succeed ()))


jsonEncode_Api_Shape : Api.Shape -> Json.Encode.Value
jsonEncode_Api_Shape value =
    case value of
        Api.Circle a0 ->
            Json.Encode.object [ ( "Circle", Json.Encode.list identity [ Json.Encode.float a0 ] ) ]

        Api.Rect a0 ->
            Json.Encode.object
                [ ( "Rect", Json.Encode.list identity [ jsonEncode_Api_Dimensions a0 ] ) ]

        Api.Labelled a0 a1 ->
            Json.Encode.object
                [ ( "Labelled", Json.Encode.list identity [ Json.Encode.string a0, jsonEncode_Api_Shape a1 ] )
                ]

        Api.Empty ->
            Json.Encode.object [ ( "Empty", Json.Encode.list identity [] ) ]


jsonDecode_Api_Shape : Json.Decode.Decoder Api.Shape
jsonDecode_Api_Shape =
    Json.Decode.oneOf
        [ Json.Decode.field "Circle"
              (Json.Decode.lazy (\_ -> Json.Decode.map Api.Circle (Json.Decode.index 0 Json.Decode.float)))
        , Json.Decode.field "Empty" (Json.Decode.succeed Api.Empty)
        , Json.Decode.field "Labelled"
              (Json.Decode.lazy
                  (\_ ->
                      Json.Decode.map2 Api.Labelled
                          (Json.Decode.index 0 Json.Decode.string)
                          (Json.Decode.index 1 jsonDecode_Api_Shape)
                  )
              )
        , Json.Decode.field "Rect"
              (Json.Decode.lazy
                  (\_ -> Json.Decode.map Api.Rect (Json.Decode.index 0 jsonDecode_Api_Dimensions))
              )
        ]


jsonEncode_Api_Visibility : Api.Visibility -> Json.Encode.Value
jsonEncode_Api_Visibility value =
    case value of
        Api.Public ->
            Json.Encode.object [ ( "Public", Json.Encode.list identity [] ) ]

        Api.Private ->
            Json.Encode.object [ ( "Private", Json.Encode.list identity [] ) ]


jsonDecode_Api_Visibility : Json.Decode.Decoder Api.Visibility
jsonDecode_Api_Visibility =
    Json.Decode.oneOf
        [ Json.Decode.field "Private" (Json.Decode.succeed Api.Private)
        , Json.Decode.field "Public" (Json.Decode.succeed Api.Public)
        ]


jsonEncode_Api_Dimensions : Api.Dimensions -> Json.Encode.Value
jsonEncode_Api_Dimensions value =
    Json.Encode.object
        [ ( "width", Json.Encode.float value.width ), ( "height", Json.Encode.float value.height ) ]


jsonDecode_Api_Dimensions : Json.Decode.Decoder Api.Dimensions
jsonDecode_Api_Dimensions =
    Json.Decode.succeed (\width height -> { width = width, height = height })
        |> jsonDecode_andMap (Json.Decode.field "width" Json.Decode.float)
        |> jsonDecode_andMap (Json.Decode.field "height" Json.Decode.float)


jsonEncode_Api_Response : Api.Response -> Json.Encode.Value
jsonEncode_Api_Response value =
    case value of
        Api.Echo a0 ->
            Json.Encode.object [ ( "Echo", Json.Encode.list identity [ jsonEncode_Api_Request a0 ] ) ]

        Api.Rejected a0 ->
            Json.Encode.object [ ( "Rejected", Json.Encode.list identity [ Json.Encode.string a0 ] ) ]


jsonDecode_Api_Response : Json.Decode.Decoder Api.Response
jsonDecode_Api_Response =
    Json.Decode.oneOf
        [ Json.Decode.field "Echo"
              (Json.Decode.map Api.Echo (Json.Decode.index 0 jsonDecode_Api_Request))
        , Json.Decode.field "Rejected"
              (Json.Decode.map Api.Rejected (Json.Decode.index 0 Json.Decode.string))
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


jsonEncode_Result : (e -> Json.Encode.Value) -> (a -> Json.Encode.Value) -> Result e a -> Json.Encode.Value
jsonEncode_Result encodeErr encodeOk result =
    case result of
        Err err ->
            Json.Encode.object [ ( "Err", Json.Encode.list encodeErr [ err ] ) ]

        Ok ok ->
            Json.Encode.object [ ( "Ok", Json.Encode.list encodeOk [ ok ] ) ]


{-| Also accepts the older forms without the array, as the host did.
-}
jsonDecode_Result : Json.Decode.Decoder e -> Json.Decode.Decoder a -> Json.Decode.Decoder (Result e a)
jsonDecode_Result decodeErr decodeOk =
    Json.Decode.oneOf
        [ Json.Decode.field "Err" (Json.Decode.index 0 decodeErr) |> Json.Decode.map Err
        , Json.Decode.field "Ok" (Json.Decode.index 0 decodeOk) |> Json.Decode.map Ok
        , Json.Decode.field "Err" decodeErr |> Json.Decode.map Err
        , Json.Decode.field "Ok" decodeOk |> Json.Decode.map Ok
        ]


jsonEncode_Set : (a -> Json.Encode.Value) -> Set.Set a -> Json.Encode.Value
jsonEncode_Set encodeElement =
    Set.toList >> Json.Encode.list encodeElement


jsonDecode_Set : Json.Decode.Decoder comparable -> Json.Decode.Decoder (Set.Set comparable)
jsonDecode_Set decodeElement =
    Json.Decode.list decodeElement |> Json.Decode.map Set.fromList


jsonEncode_Dict : (k -> Json.Encode.Value) -> (v -> Json.Encode.Value) -> Dict.Dict k v -> Json.Encode.Value
jsonEncode_Dict encodeKey encodeValue =
    Dict.toList >> Json.Encode.list (jsonEncode_Tuple2 encodeKey encodeValue)


jsonDecode_Dict : Json.Decode.Decoder comparable -> Json.Decode.Decoder v -> Json.Decode.Decoder (Dict.Dict comparable v)
jsonDecode_Dict decodeKey decodeValue =
    Json.Decode.list (jsonDecode_Tuple2 decodeKey decodeValue)
        |> Json.Decode.map Dict.fromList


jsonEncode_Tuple2 : (a -> Json.Encode.Value) -> (b -> Json.Encode.Value) -> ( a, b ) -> Json.Encode.Value
jsonEncode_Tuple2 encodeA encodeB ( a, b ) =
    Json.Encode.list identity [ encodeA a, encodeB b ]


jsonDecode_Tuple2 : Json.Decode.Decoder a -> Json.Decode.Decoder b -> Json.Decode.Decoder ( a, b )
jsonDecode_Tuple2 decodeA decodeB =
    Json.Decode.map2 Tuple.pair
        (Json.Decode.index 0 decodeA)
        (Json.Decode.index 1 decodeB)


jsonDecode_andMap : Json.Decode.Decoder a -> Json.Decode.Decoder (a -> b) -> Json.Decode.Decoder b
jsonDecode_andMap =
    Json.Decode.map2 (|>)
