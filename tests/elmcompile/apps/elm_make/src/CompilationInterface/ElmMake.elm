module CompilationInterface.ElmMake exposing (..)

{-| The host's compiler replaced these functions with `elm make` output; so does elmreplay.
-}

import Bytes
import Bytes.Encode


elm_make____src_Frontend_Main_elm : Bytes.Bytes
elm_make____src_Frontend_Main_elm =
    "The compiler replaces this declaration."
        |> Bytes.Encode.string
        |> Bytes.Encode.encode


elm_make__debug__base64____src_Frontend_Main_elm : String
elm_make__debug__base64____src_Frontend_Main_elm =
    "The compiler replaces this declaration."


elm_make__javascript__utf8____src_Frontend_Main_elm : String
elm_make__javascript__utf8____src_Frontend_Main_elm =
    "The compiler replaces this declaration."
