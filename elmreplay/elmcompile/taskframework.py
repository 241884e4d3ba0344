"""The host's task framework around a `backendMain` / web-service app state, as Elm text.

From 2021-09-03 (``ec1891b9``, ``CompileFullstackApp.elm``) the generated root module, and from
2023-03 the web-service shim (``Backend.Generated.WebServiceShim`` in ``CompileBackendApp.elm``
@ ``ad129458``, ``0ae86d63``), kept the same bookkeeping around the app state
(docs/modern-eras-replay.md §2.2):

* ``posixTimeMilli`` := max(itself, event time) for HTTP and time events, before handling;
* task IDs ``"<posixTimeMilli>-<nextTaskIndex>"``, one per ``CreateVolatileProcess``,
  ``RequestToVolatileProcess`` and ``TerminateVolatileProcess`` command, in command order;
* answers collected by prepending, after the one from the subscriptions of the new state, so
  started tasks and HTTP responses come out in reverse command order;
* a time event before the subscription's minimum, or without a subscription, and a task
  completion of an unknown ID are discarded (answered with the subscriptions only).

:func:`framework_text` is elmreplay's own Elm for it, shared by the era-1b root
(:mod:`.backendmain`) and the 2023 root (:mod:`.webservice`); the app's platform module (the
2021 app-side ``ElmFullstack``, the 2023 ``Platform.WebServer`` / ``Platform.WebService``) names
the types.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FRAMEWORK_NAMES", "PlatformNames", "framework_text"]


@dataclass(frozen=True)
class PlatformNames:
    """How the app's platform module names the types the framework uses."""

    module: str  # qualifier in the generated module (a module name or an import alias)
    commands: str  # `BackendCmds` (2021) / `Commands` (2023)
    command: str  # `BackendCmd` / `Command`
    subscriptions: str  # `BackendSubs` / `Subscriptions`
    config: str  # the app's qualified declaration, e.g. `Backend.Main.backendMain`


#: Top-level names :func:`framework_text` defines (kept free for the generated coders).
FRAMEWORK_NAMES = (
    "freshFramework",
    "rememberEventTime",
    "applyAppEvent",
    "updateApp",
    "unchangedApp",
    "runCommands",
    "runCommand",
    "nextTaskId",
    "subscriptionsResponse",
    "emptyResponse",
    "combineResponses",
)


def framework_text(names: PlatformNames) -> str:
    """Types ``AppUpdate``, ``Framework``, ``AppEvent``, ``TaskResult``, ``StartedTask``,
    ``Response`` and the functions of :data:`FRAMEWORK_NAMES` (needs a type alias ``AppState``
    and the imports ``Dict`` and ``names.module``)."""
    text = _FRAMEWORK
    for key, value in (
        ("{P}", names.module),
        ("{CMDS}", names.commands),
        ("{CMD}", names.command),
        ("{SUBS}", names.subscriptions),
        ("{CONFIG}", names.config),
    ):
        text = text.replace(key, value)
    return text


_FRAMEWORK = """type alias AppUpdate =
    ( AppState, {P}.{CMDS} AppState )


{-| The app state and the host-side task bookkeeping around it (only `app` is serialized).
-}
type alias Framework =
    { app : AppState
    , nextTaskIndex : Int
    , posixTimeMilli : Int
    , createVolatileProcessTasks : Dict.Dict String ({P}.CreateVolatileProcessResult -> AppState -> AppUpdate)
    , requestToVolatileProcessTasks : Dict.Dict String ({P}.RequestToVolatileProcessResult -> AppState -> AppUpdate)
    , terminateVolatileProcessTasks : Dict.Dict String ()
    }


type AppEvent
    = HttpRequestArrived {P}.HttpRequestEventStruct
    | TaskCompleted String TaskResult
    | TimeArrived Int


type TaskResult
    = CreateVolatileProcessDone {P}.CreateVolatileProcessResult
    | RequestToVolatileProcessDone {P}.RequestToVolatileProcessResult
    | DoneWithoutResult


type StartedTask
    = StartCreateVolatileProcess String
    | StartRequestToVolatileProcess String String
    | StartTerminateVolatileProcess String


type alias Response =
    { notifyWhenPosixTimeHasArrived : Maybe Int
    , startTasks : List ( String, StartedTask )
    , completeHttpResponses : List {P}.RespondToHttpRequestStruct
    , migrateResult : Maybe (Result String ())
    }


freshFramework : AppState -> Framework
freshFramework app =
    { app = app
    , nextTaskIndex = 0
    , posixTimeMilli = 0
    , createVolatileProcessTasks = Dict.empty
    , requestToVolatileProcessTasks = Dict.empty
    , terminateVolatileProcessTasks = Dict.empty
    }


{-| HTTP and time events move the clock forward (never back) before they are handled.
-}
rememberEventTime : AppEvent -> Framework -> Framework
rememberEventTime event framework =
    let
        advance time =
            { framework | posixTimeMilli = max framework.posixTimeMilli time }
    in
    case event of
        HttpRequestArrived request ->
            advance request.posixTimeMilli

        TimeArrived time ->
            advance time

        TaskCompleted _ _ ->
            framework


applyAppEvent : AppEvent -> Framework -> ( Framework, Response )
applyAppEvent event framework =
    let
        subscriptions =
            {CONFIG}.subscriptions framework.app
    in
    case event of
        HttpRequestArrived request ->
            updateApp (subscriptions.httpRequest request) framework

        TimeArrived time ->
            case subscriptions.posixTimeIsPast of
                Just subscription ->
                    if time < subscription.minimumPosixTimeMilli then
                        unchangedApp framework

                    else
                        updateApp (subscription.update { currentPosixTimeMilli = time }) framework

                Nothing ->
                    unchangedApp framework

        TaskCompleted taskId (CreateVolatileProcessDone result) ->
            case Dict.get taskId framework.createVolatileProcessTasks of
                Just callback ->
                    updateApp (callback result) { framework | createVolatileProcessTasks = Dict.remove taskId framework.createVolatileProcessTasks }

                Nothing ->
                    unchangedApp framework

        TaskCompleted taskId (RequestToVolatileProcessDone result) ->
            case Dict.get taskId framework.requestToVolatileProcessTasks of
                Just callback ->
                    updateApp (callback result) { framework | requestToVolatileProcessTasks = Dict.remove taskId framework.requestToVolatileProcessTasks }

                Nothing ->
                    unchangedApp framework

        TaskCompleted taskId DoneWithoutResult ->
            unchangedApp { framework | terminateVolatileProcessTasks = Dict.remove taskId framework.terminateVolatileProcessTasks }


{-| Apply an update of the app state and run the commands it gives.
-}
updateApp : (AppState -> AppUpdate) -> Framework -> ( Framework, Response )
updateApp update framework =
    let
        ( app, commands ) =
            update framework.app
    in
    runCommands commands { framework | app = app }


{-| No update: answer with the subscriptions of the state.
-}
unchangedApp : Framework -> ( Framework, Response )
unchangedApp framework =
    ( framework, subscriptionsResponse ({CONFIG}.subscriptions framework.app) )


{-| Runs the commands in order (each task takes the next ID); the responses are collected by
prepending, after the one from the subscriptions of the new state, so tasks and HTTP responses
come out in reverse command order.
-}
runCommands : {P}.{CMDS} AppState -> Framework -> ( Framework, Response )
runCommands commands framework =
    let
        step command ( frameworkBefore, responses ) =
            let
                ( frameworkAfter, response ) =
                    runCommand command frameworkBefore
            in
            ( frameworkAfter, response :: responses )
    in
    List.foldl step ( framework, [ subscriptionsResponse ({CONFIG}.subscriptions framework.app) ] ) commands
        |> Tuple.mapSecond combineResponses


nextTaskId : Framework -> ( Framework, String )
nextTaskId framework =
    ( { framework | nextTaskIndex = framework.nextTaskIndex + 1 }
    , String.fromInt framework.posixTimeMilli ++ "-" ++ String.fromInt framework.nextTaskIndex
    )


runCommand : {P}.{CMD} AppState -> Framework -> ( Framework, Response )
runCommand command framework =
    case command of
        {P}.RespondToHttpRequest respond ->
            ( framework, { emptyResponse | completeHttpResponses = [ respond ] } )

        {P}.CreateVolatileProcess create ->
            let
                ( withId, taskId ) =
                    nextTaskId framework
            in
            ( { withId | createVolatileProcessTasks = Dict.insert taskId create.update withId.createVolatileProcessTasks }
            , { emptyResponse | startTasks = [ ( taskId, StartCreateVolatileProcess create.programCode ) ] }
            )

        {P}.RequestToVolatileProcess request ->
            let
                ( withId, taskId ) =
                    nextTaskId framework
            in
            ( { withId | requestToVolatileProcessTasks = Dict.insert taskId request.update withId.requestToVolatileProcessTasks }
            , { emptyResponse | startTasks = [ ( taskId, StartRequestToVolatileProcess request.processId request.request ) ] }
            )

        {P}.TerminateVolatileProcess terminate ->
            let
                ( withId, taskId ) =
                    nextTaskId framework
            in
            ( { withId | terminateVolatileProcessTasks = Dict.insert taskId () withId.terminateVolatileProcessTasks }
            , { emptyResponse | startTasks = [ ( taskId, StartTerminateVolatileProcess terminate.processId ) ] }
            )


subscriptionsResponse : {P}.{SUBS} AppState -> Response
subscriptionsResponse subscriptions =
    { emptyResponse | notifyWhenPosixTimeHasArrived = Maybe.map .minimumPosixTimeMilli subscriptions.posixTimeIsPast }


emptyResponse : Response
emptyResponse =
    { notifyWhenPosixTimeHasArrived = Nothing
    , startTasks = []
    , completeHttpResponses = []
    , migrateResult = Nothing
    }


combineResponses : List Response -> Response
combineResponses responses =
    { notifyWhenPosixTimeHasArrived = List.minimum (List.filterMap .notifyWhenPosixTimeHasArrived responses)
    , startTasks = List.concatMap .startTasks responses
    , completeHttpResponses = List.concatMap .completeHttpResponses responses
    , migrateResult = Nothing
    }"""
