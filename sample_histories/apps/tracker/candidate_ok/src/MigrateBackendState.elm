module MigrateBackendState exposing (migrate)

{-| From tracker v4: users get a role. The founding team, the users who joined before the
first issue was reported, become maintainers; everyone else a member.
-}

import Backend.Main
import Dict


type alias PreviousBackendState =
    { users : Dict.Dict String PreviousUser
    , issues : Dict.Dict Int Backend.Main.Issue
    , nextIssueId : Int
    }


type alias PreviousUser =
    { displayName : String
    , email : Maybe String
    , joinedTimeMilli : Int
    }


migrate : PreviousBackendState -> Backend.Main.State
migrate previousState =
    let
        firstIssueTimeMilli =
            previousState.issues
                |> Dict.values
                |> List.map .createdTimeMilli
                |> List.minimum
                |> Maybe.withDefault 0
    in
    { users = previousState.users |> Dict.map (\_ user -> migrateUser (user.joinedTimeMilli < firstIssueTimeMilli) user)
    , issues = previousState.issues
    , nextIssueId = previousState.nextIssueId
    }


migrateUser : Bool -> PreviousUser -> Backend.Main.User
migrateUser isFounder user =
    { displayName = user.displayName
    , email = user.email
    , joinedTimeMilli = user.joinedTimeMilli
    , role =
        if isFounder then
            Backend.Main.Maintainer

        else
            Backend.Main.Member
    }
