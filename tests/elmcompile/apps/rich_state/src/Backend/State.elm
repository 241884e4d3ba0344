module Backend.State exposing (Bag, CustomType(..), Opaque, Pair, State, Tree(..), init)

import Dict exposing (Dict)
import Set


type alias State =
    { counter : Int
    , name : String
    , ratio : Float
    , flag : Bool
    , maybeText : Maybe String
    , result : Result String Int
    , tags : List CustomType
    , opaque : Opaque
    , tree : Tree Int
    , set : Set.Set String
    , dict : Dict Int { label : String, pair : Pair String }
    , tuple2 : ( Int, String )
    , tuple3 : ( Int, String, Bool )
    , unit : ()
    , emptyRecord : {}
    , nested : { inner : { deeper : List (Maybe Int) } }
    , records : List { id : Int, main : List String }
    , bag : Bag String
    , outcome : Result CustomType (Maybe ( Int, Float ))
    }


type CustomType
    = TagA
    | TagB String
    | TagC Int (List String)
    | TagD { x : Int, y : Maybe CustomType }


{-| A generic type whose parameter is used as a `Set` element and a `Dict` key.
-}
type Bag a
    = Bag (Set.Set a) (Dict a Int)


{-| Exposed without its tag: the host exposed the tag on its copy of the sources.
-}
type Opaque
    = Opaque Int


type Tree a
    = Leaf a
    | Node (List (Tree a))


type alias Pair a =
    { first : a, second : a }


init : State
init =
    { counter = 0
    , name = ""
    , ratio = 0.5
    , flag = True
    , maybeText = Nothing
    , result = Err "none yet"
    , tags = [ TagA, TagD { x = 1, y = Just TagA } ]
    , opaque = Opaque 7
    , tree = Leaf 0
    , set = Set.empty
    , dict = Dict.empty
    , tuple2 = ( 1, "one" )
    , tuple3 = ( 3, "three", False )
    , unit = ()
    , emptyRecord = {}
    , nested = { inner = { deeper = [ Just 1, Nothing ] } }
    , records = [ { id = 1, main = [ "x" ] } ]
    , bag = Bag (Set.fromList [ "b", "a" ]) (Dict.fromList [ ( "a", 1 ) ])
    , outcome = Ok (Just ( 1, 2.5 ))
    }
