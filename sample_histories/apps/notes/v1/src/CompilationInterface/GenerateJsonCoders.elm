module CompilationInterface.GenerateJsonCoders exposing (..)

{-| The host's compiler replaces these declarations with generated JSON coders.
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
