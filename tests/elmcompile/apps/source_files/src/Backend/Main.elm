module Backend.Main exposing
    ( State
    , interfaceToHost_initState
    , interfaceToHost_processEvent
    )

{-| Each event names a function of `CompilationInterface.SourceFiles`; the response is its
value, `Bytes` given as base64. The state counts the events answered.
-}

import Base64
import Bytes
import CompilationInterface.SourceFiles as SourceFiles


type alias State =
    Int


interfaceToHost_initState : State
interfaceToHost_initState =
    0


bytesAsBase64 : Bytes.Bytes -> String
bytesAsBase64 =
    Base64.fromBytes >> Maybe.withDefault "(not base64)"


interfaceToHost_processEvent : String -> State -> ( State, String )
interfaceToHost_processEvent event state =
    ( state + 1
    , case event of
        "file____static_index_html" ->
            bytesAsBase64 SourceFiles.file____static_index_html

        "file__utf8____static_index_html" ->
            SourceFiles.file__utf8____static_index_html

        "file__base64____data_blob_bin" ->
            SourceFiles.file__base64____data_blob_bin

        "file____data_blob_bin" ->
            bytesAsBase64 SourceFiles.file____data_blob_bin

        "file__BASE64____a_file_txt" ->
            SourceFiles.file__BASE64____a_file_txt

        "file__utf8____a_file_txt" ->
            SourceFiles.file__utf8____a_file_txt

        _ ->
            "unknown: " ++ event
    )
