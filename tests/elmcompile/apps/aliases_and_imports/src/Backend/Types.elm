module Backend.Types exposing (Id, Role(..), User)


type alias User =
    { name : String
    , role : Role
    , id : Id
    }


type Role
    = Admin
    | Member Int


{-| Exposed without its tag (an opaque type).
-}
type Id
    = Id Int
