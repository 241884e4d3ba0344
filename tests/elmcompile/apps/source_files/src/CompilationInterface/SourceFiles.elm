module CompilationInterface.SourceFiles exposing (..)

{-| The host's compiler replaced these functions with the files' contents; so does elmreplay.
-}

import Bytes
import Bytes.Encode


file____static_index_html : Bytes.Bytes
file____static_index_html =
    "The compiler replaces this declaration."
        |> always (Bytes.Encode.encode (Bytes.Encode.sequence []))


file__utf8____static_index_html : String
file__utf8____static_index_html =
    "The compiler replaces this declaration."


file__base64____data_blob_bin : String
file__base64____data_blob_bin =
    "The compiler replaces this declaration."


file____data_blob_bin : Bytes.Bytes
file____data_blob_bin =
    "The compiler replaces this declaration."
        |> always (Bytes.Encode.encode (Bytes.Encode.sequence []))


file__BASE64____a_file_txt : String
file__BASE64____a_file_txt =
    "The compiler replaces this declaration."


file__utf8____a_file_txt : String
file__utf8____a_file_txt =
    "The compiler replaces this declaration."
