module MigrateBackendState exposing (migrate, PreviousBackendState, PreviousStoredNote)

{-| v1 -> v2: every note starts unpinned.
-}

import Backend.Main
import Dict


type alias PreviousBackendState =
    { notes : Dict.Dict Int PreviousStoredNote
    , nextId : Int
    }


type alias PreviousStoredNote =
    { title : String
    , body : Maybe String
    , tags : List String
    , createdTimeMilli : Int
    }


migrate : PreviousBackendState -> Backend.Main.State
migrate previous =
    { notes =
        previous.notes
            |> Dict.map
                (\_ note ->
                    { title = note.title
                    , body = note.body
                    , tags = note.tags
                    , createdTimeMilli = note.createdTimeMilli
                    , pinned = False
                    }
                )
    , nextId = previous.nextId
    }
