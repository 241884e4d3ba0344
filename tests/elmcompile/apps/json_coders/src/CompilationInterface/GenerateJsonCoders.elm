module CompilationInterface.GenerateJsonCoders exposing (..)

{-| The host's compiler replaced these functions; so does elmreplay.
-}

import Api
import Json.Decode
import Json.Encode


jsonDecodeRequest : Json.Decode.Decoder Api.Request
jsonDecodeRequest =
    Json.Decode.fail "The compiler replaces this declaration."


jsonEncodeResponse : Api.Response -> Json.Encode.Value
jsonEncodeResponse =
    always (Json.Encode.string "The compiler replaces this declaration.")


jsonDecodeShapes : Json.Decode.Decoder (List Api.Shape)
jsonDecodeShapes =
    Json.Decode.fail "The compiler replaces this declaration."


jsonEncodeShapes : List Api.Shape -> Json.Encode.Value
jsonEncodeShapes =
    always (Json.Encode.string "The compiler replaces this declaration.")
