module Api exposing (Note, NoteDraft, Problem(..), Request(..), Response(..), emptyTitle, noteNotFound)

{-| The HTTP API: requests and responses go through `CompilationInterface.GenerateJsonCoders`.
`Problem` does not expose its tags; the host's lowering exposed them so the generated coders
could use them.
-}


type alias NoteDraft =
    { title : String
    , body : Maybe String
    , tags : List String
    }


type alias Note =
    { id : Int
    , title : String
    , body : Maybe String
    , tags : List String
    }


type Request
    = AddNote NoteDraft
    | ListNotes { tag : Maybe String }
    | RemoveNote { id : Int }


type Response
    = NoteAdded { id : Int }
    | NoteList (List Note)
    | NoteRemoved Int
    | Failed Problem


type Problem
    = NoteNotFound Int
    | EmptyTitle


noteNotFound : Int -> Problem
noteNotFound =
    NoteNotFound


emptyTitle : Problem
emptyTitle =
    EmptyTitle
