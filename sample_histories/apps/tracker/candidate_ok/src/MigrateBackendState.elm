module MigrateBackendState exposing (migrate)

{-| From tracker v4: users get a role. Users who are the assignee of some issue become
maintainers, everyone else a member.
-}

import Backend.Main
import Dict
import Set


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
        assignees =
            previousState.issues
                |> Dict.values
                |> List.filterMap .assignee
                |> Set.fromList
    in
    { users = previousState.users |> Dict.map (\userId user -> migrateUser (Set.member userId assignees) user)
    , issues = previousState.issues
    , nextIssueId = previousState.nextIssueId
    }


migrateUser : Bool -> PreviousUser -> Backend.Main.User
migrateUser isAssignee user =
    { displayName = user.displayName
    , email = user.email
    , joinedTimeMilli = user.joinedTimeMilli
    , role =
        if isAssignee then
            Backend.Main.Maintainer

        else
            Backend.Main.Member
    }
