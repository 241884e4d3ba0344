module MigrateBackendState exposing (migrate)

{-| From tracker v3: the state type did not change, but v3's `rename` cleared assignees.
The lost assignees cannot be recovered from the state; issues still in progress without an
assignee are labelled "assignee-lost" so that people can re-assign them. (Closed issues that
lost their assignee cannot be told apart from closed issues that never had one.)
-}

import Backend.Main
import Dict
import Set


type alias PreviousBackendState =
    Backend.Main.State


migrate : PreviousBackendState -> Backend.Main.State
migrate previousState =
    { previousState | issues = previousState.issues |> Dict.map (\_ issue -> flagLostAssignee issue) }


flagLostAssignee : Backend.Main.Issue -> Backend.Main.Issue
flagLostAssignee issue =
    case ( issue.status, issue.assignee ) of
        ( Backend.Main.InProgress _, Nothing ) ->
            { issue | labels = Set.insert "assignee-lost" issue.labels }

        _ ->
            issue
