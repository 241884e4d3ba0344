module CompilationInterface.ElmMake exposing (..)

{-| The host's compiler replaced these functions with `elm make` output; so does elmreplay.
-}

import Bytes
import Bytes.Encode
import Base64


elm_make____src_Frontend_Main_elm : Bytes.Bytes
elm_make____src_Frontend_Main_elm =
    "SFRNTCBvZiBzcmMvRnJvbnRlbmQvTWFpbi5lbG0g4oCTIHN0YW5kLWluCg=="
    |> Base64.toBytes
    |> Maybe.withDefault ("Failed to convert from base64" |> Bytes.Encode.string |> Bytes.Encode.encode)


elm_make__debug__base64____src_Frontend_Main_elm : String
elm_make__debug__base64____src_Frontend_Main_elm =
    "SFRNTCBvZiBzcmMvRnJvbnRlbmQvTWFpbi5lbG0gKGRlYnVnKSDigJMgc3RhbmQtaW4K"


elm_make__javascript__utf8____src_Frontend_Main_elm : String
elm_make__javascript__utf8____src_Frontend_Main_elm =
    "JavaScript of src/Frontend/Main.elm – stand-in\n"
