module CompilationInterface.SourceFiles exposing (..)

{-| The host's compiler replaces these declarations with the files' contents.
-}


file__base64____static_index_html : String
file__base64____static_index_html =
    "The compiler replaces this declaration."
