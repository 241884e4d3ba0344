module MigrateBackendState exposing (migrate)

{-| From tracker v1: issues get a priority. Issues labelled "urgent" become `Just Urgent`,
all others `Nothing`.
-}

import Backend.Main
import Dict
import Set


type alias PreviousBackendState =
    { users : Dict.Dict String Backend.Main.User
    , issues : Dict.Dict Int PreviousIssue
    , nextIssueId : Int
    }


type alias PreviousIssue =
    { title : String
    , description : String
    , reporter : String
    , assignee : Maybe String
    , status : Backend.Main.Status
    , labels : Set.Set String
    , comments : List Backend.Main.Comment
    , createdTimeMilli : Int
    }


migrate : PreviousBackendState -> Backend.Main.State
migrate previousState =
    { users = previousState.users
    , issues = previousState.issues |> Dict.map (\_ issue -> migrateIssue issue)
    , nextIssueId = previousState.nextIssueId
    }


migrateIssue : PreviousIssue -> Backend.Main.Issue
migrateIssue issue =
    { title = issue.title
    , description = issue.description
    , reporter = issue.reporter
    , assignee = issue.assignee
    , status = issue.status
    , priority =
        if Set.member "urgent" issue.labels then
            Just Backend.Main.Urgent

        else
            Nothing
    , labels = issue.labels
    , comments = issue.comments
    , createdTimeMilli = issue.createdTimeMilli
    }
