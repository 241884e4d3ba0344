module CompilationInterface.SourceFiles exposing (..)

{-| The host's compiler replaced these functions with the files' contents; so does elmreplay.
-}

import Bytes
import Bytes.Encode
import Base64


file____static_index_html : Bytes.Bytes
file____static_index_html =
    "PCFET0NUWVBFIGh0bWw+DQo8aHRtbD48Ym9keT4NCgk8cCB0aXRsZT0icSI+R3LDvMOfZSDigJMg4oCccXVvdGVk4oCdIFwgYmFja1xzbGFzaCDwn5iAPC9wPg0KPC9ib2R5PjwvaHRtbD4NCg=="
    |> Base64.toBytes
    |> Maybe.withDefault ("Failed to convert from base64" |> Bytes.Encode.string |> Bytes.Encode.encode)


file__utf8____static_index_html : String
file__utf8____static_index_html =
    "<!DOCTYPE html>\r\n<html><body>\r\n\t<p title=\"q\">Grüße – “quoted” \\ back\\slash 😀</p>\r\n</body></html>\r\n"


file__base64____data_blob_bin : String
file__base64____data_blob_bin =
    "//79/Pv6+fj39vX08/Lx8O/u7ezr6uno5+bl5OPi4eDf3t3c29rZ2NfW1dTT0tHQz87NzMvKycjHxsXEw8LBwL++vby7urm4t7a1tLOysbCvrq2sq6qpqKempaSjoqGgn56dnJuamZiXlpWUk5KRkI+OjYyLiomIh4aFhIOCgYB/fn18e3p5eHd2dXRzcnFwb25tbGtqaWhnZmVkY2JhYF9eXVxbWllYV1ZVVFNSUVBPTk1MS0pJSEdGRURDQkFAPz49PDs6OTg3NjU0MzIxMC8uLSwrKikoJyYlJCMiISAfHh0cGxoZGBcWFRQTEhEQDw4NDAsKCQgHBgUEAwIBAADDKCBub3QgdXRmLTg="


file____data_blob_bin : Bytes.Bytes
file____data_blob_bin =
    "//79/Pv6+fj39vX08/Lx8O/u7ezr6uno5+bl5OPi4eDf3t3c29rZ2NfW1dTT0tHQz87NzMvKycjHxsXEw8LBwL++vby7urm4t7a1tLOysbCvrq2sq6qpqKempaSjoqGgn56dnJuamZiXlpWUk5KRkI+OjYyLiomIh4aFhIOCgYB/fn18e3p5eHd2dXRzcnFwb25tbGtqaWhnZmVkY2JhYF9eXVxbWllYV1ZVVFNSUVBPTk1MS0pJSEdGRURDQkFAPz49PDs6OTg3NjU0MzIxMC8uLSwrKikoJyYlJCMiISAfHh0cGxoZGBcWFRQTEhEQDw4NDAsKCQgHBgUEAwIBAADDKCBub3QgdXRmLTg="
    |> Base64.toBytes
    |> Maybe.withDefault ("Failed to convert from base64" |> Bytes.Encode.string |> Bytes.Encode.encode)


file__BASE64____a_file_txt : String
file__BASE64____a_file_txt =
    "YSB0ZXh0IGZpbGUKd2l0aCB0d28gbGluZXMK"


file__utf8____a_file_txt : String
file__utf8____a_file_txt =
    "a text file\nwith two lines\n"
