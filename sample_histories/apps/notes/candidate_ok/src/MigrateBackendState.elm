module MigrateBackendState exposing (migrate)

{-| v2 -> candidate_ok: tags become a Set (duplicates dropped).
-}

import Backend.Main
import Dict
import Set


type alias PreviousBackendState =
    { notes : Dict.Dict Int PreviousStoredNote
    , nextId : Int
    }


type alias PreviousStoredNote =
    { title : String
    , body : Maybe String
    , tags : List String
    , createdTimeMilli : Int
    , pinned : Bool
    }


migrate : PreviousBackendState -> Backend.Main.State
migrate previous =
    { notes =
        previous.notes
            |> Dict.map
                (\_ note ->
                    { title = note.title
                    , body = note.body
                    , tags = Set.fromList note.tags
                    , createdTimeMilli = note.createdTimeMilli
                    , pinned = note.pinned
                    }
                )
    , nextId = previous.nextId
    }
