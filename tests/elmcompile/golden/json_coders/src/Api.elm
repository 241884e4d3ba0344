module Api exposing (Dimensions, Request, Response(..), Shape(..), Visibility(..), echo, reject)

{-| The HTTP API of a test app whose coders come from `CompilationInterface.GenerateJsonCoders`.
`Shape` and `Response` do not expose their tags: the lowering must expose them, as the host did.
-}

import Dict
import Set


type alias Request =
    { id : Int
    , shape : Shape
    , tags : List String
    , note : Maybe String
    , visibility : Visibility
    , scores : Dict.Dict String (List Float)
    , pair : ( Int, Bool )
    , members : Set.Set Int
    , outcome : Result String Int
    , nothing : ()
    }


type Shape
    = Circle Float
    | Rect Dimensions
    | Labelled String Shape
    | Empty


type alias Dimensions =
    { width : Float, height : Float }


type Visibility
    = Public
    | Private


type Response
    = Echo Request
    | Rejected String


echo : Request -> Response
echo =
    Echo


reject : String -> Response
reject =
    Rejected
