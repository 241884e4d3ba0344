"""Scripted, deterministic histories for the sample Elm apps under ``sample_histories/apps``.

Pure Python (no elmreplay imports).  ``SCENARIOS`` maps a scenario name to a function that
returns the list of steps a recorder turns into a process store.  Each step is a dict:

* ``{"op": "deploy_init", "app": "counter/v1", "time_ms": T}``
* ``{"op": "deploy_migrate", "app": "counter/v2_string_builder", "time_ms": T}``
* ``{"op": "event", "json": "<event JSON exactly as the host stores it>", "time_ms": T}``
* ``{"op": "set_state", "state": "<state JSON>", "time_ms": T}``
* ``{"op": "revert", "to_step": K, "time_ms": T}`` (back to the record produced by step K)
* ``{"op": "torn_append", "bytes_hex": "...", "time_ms": T}`` (garbage, no newline, at the end)

``app`` paths are relative to ``sample_histories/apps``.  Events follow the 2020-06-20+
interface (store-format.md section 7.2) serialized like the host's Newtonsoft settings:
properties in declaration order, null members and numeric zeros omitted, compact.  HTTP
bodies are base64 of UTF-8; ``httpRequestId`` is ``"<posixTimeMilli>-<counter>"`` with a
counter that starts at 1 when the host process starts (the scenarios restart the host at
every deployment).  Step times (``time_ms``) are the host clock when the record is written.

Scenarios
---------
``counter``
    2020-11-16: counter/v1 (Int state, ``{"addition":N}`` bodies) for 300 requests (three of
    them malformed, answered 400), then deploy+migrate to counter/v2_string_builder (Int ->
    String via ``String.fromInt``) and 100 requests appending text (including non-ASCII).
``counter_admin``
    2021-07-26: a short counter history with a set-state, a revert and a torn append at the end.
``small_2020``
    2020-11-20: a few counter requests around one deploy+migrate, for quick tests.
``tracker``
    2021-07-19 .. 2021-08-02: a team's issue tracker, about 4000 events.
``scheduler``
    2021-10-12: a ``backendMain`` app (2021-09+ host, era 1b): reminders over HTTP, time events
    every ~10 s, deliveries through a volatile process (task completions with the task ids the
    host's root module gave), deploy+init, deploy+migrate to scheduler/v2, set-state.
    ``scheduler/candidate_ok`` migrates the final state; ``scheduler/candidate_reject`` declares
    the new state as its migration input and is rejected (no ``lastFiredMilli``).
``notes``
    2021-08-09 .. 2021-08-10: a notes API whose requests and responses go through
    ``CompilationInterface.GenerateJsonCoders`` (2021 decoders: one-argument tags only as
    ``{"Tag":[a]}``, tags tried alphabetically) and whose ``GET`` page comes from
    ``CompilationInterface.SourceFiles``.  notes/v1 for 150 requests (some of them in forms the
    2021 decoders refuse, one with two tag keys in each phase), deploy+migrate to notes/v2 (pinned notes),
    100 more.  ``notes/candidate_ok`` (tags as a Set) migrates the final state;
    ``notes/candidate_reject`` declares the new state as its migration input and is rejected
    (no ``archived`` field).

The tracker incident
--------------------
(Step numbers are indexes into ``SCENARIOS["tracker"]()``; ``TRACKER_INCIDENT`` holds them
and a test checks them against the generated steps and the app behaviour.)

The team starts on tracker/v1 on Monday 2021-07-19 (step 0).  On Thursday 2021-07-22 at
19:30 (step 1481) they deploy v2 with issue priorities; its migration turns the "urgent"
label into priority ``Urgent``.  On Wednesday 2021-07-28 at 07:50 (step 2537) they deploy
v3_bug, whose ``rename`` can also change a user's id and rewrites the reporter, assignee and
comment authors of all issues.  Its assignee rewrite has a bug: every issue *not* assigned
to the renamed user gets its assignee cleared (``else Nothing`` instead of
``else issue.assignee``).  The response is still 200, so nobody notices at first.

The first rename after that deployment is step 2625 (Wednesday 10:07, Dave changes his
display name): it is the first step that corrupts the state, clearing the assignee of every
in-progress and closed issue that was not assigned to Dave (133 of the 142 assigned issues
lose their assignee; 39 issues are left in progress with nobody assigned).  Two more renames
follow on Thursday 2021-07-29 (step 2961, Erin changes her user id to "erin.m"; step 3203,
Grace fixes her display name), each clearing the assignees that were set in between.  People
comment that their assignments vanished; that evening at 19:30 (step 3269) v4_fix is
deployed.  Its code keeps assignees on rename, and its migration labels every issue that is
in progress but has no assignee with "assignee-lost" (52 issues; the lost assignees cannot
be recovered from the state, but replaying the history with v4_fix's code in place of
v3_bug's recovers them).  The history continues on v4_fix until Monday 2021-08-02 (3973 steps).

``tracker/candidate_ok`` (users get a role) migrates the final state successfully;
``tracker/candidate_reject`` declares the new state type as its migration input and is
rejected with a decode error naming the missing field ``role``.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable
from datetime import datetime, timezone

Step = dict[str, object]

__all__ = ["SCENARIOS", "TRACKER_INCIDENT", "Step", "http_request_event_json"]

#: Step indexes of the tracker incident (see the module docstring).
TRACKER_INCIDENT: dict[str, int] = {
    "deploy_v2_step": 1481,
    "deploy_v3_bug_step": 2537,
    "first_corrupting_step": 2625,
    "deploy_v4_fix_step": 3269,
    # issues with an assignee just before / after the first corrupting step
    "assigned_issues_before": 142,
    "assigned_issues_after": 9,
    # issues in progress with nobody assigned right after it
    "in_progress_unassigned_after": 39,
    # issues v4_fix's migration labels "assignee-lost"
    "flagged_by_v4_migration": 52,
}


def _ms(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=timezone.utc).timestamp() * 1000)


def _compact(value: object) -> str:
    # Newtonsoft writes non-ASCII characters as they are; all event strings here are ASCII.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def http_request_event_json(
    *,
    posix_time_milli: int,
    request_counter: int,
    client_address: str,
    method: str,
    uri: str,
    body: bytes,
    headers: list[tuple[str, list[str]]],
) -> str:
    """Serialize an ``HttpRequestEvent`` the way the 2020-2021 host did."""
    event = {
        "HttpRequestEvent": {
            "posixTimeMilli": posix_time_milli,
            "httpRequestId": f"{posix_time_milli}-{request_counter}",
            "requestContext": {"clientAddress": client_address},
            "request": {
                "method": method,
                "uri": uri,
                "bodyAsBase64": base64.b64encode(body).decode("ascii"),
                "headers": [{"name": name, "values": values} for name, values in headers],
            },
        }
    }
    return _compact(event)


def _arrived_at_time_json(posix_time_milli: int) -> str:
    return _compact({"ArrivedAtTimeEvent": {"posixTimeMilli": posix_time_milli}})


def _task_complete_json(task_id: str, task_result: dict[str, object]) -> str:
    return _compact({"TaskCompleteEvent": {"taskId": task_id, "taskResult": task_result}})


class _Host:
    """Builds steps with the host's clock and per-process HTTP request counter."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.steps: list[Step] = []
        self.request_counter = 0

    def deploy(self, op: str, app: str, time_ms: int) -> int:
        self.request_counter = 0  # the host process restarts with the new deployment
        self.steps.append({"op": op, "app": app, "time_ms": time_ms})
        return len(self.steps) - 1

    def event(self, event_json: str, posix_time_milli: int) -> int:
        # The record is written a few milliseconds after the request arrived.
        self.steps.append({"op": "event", "json": event_json, "time_ms": posix_time_milli + self.rng.randint(0, 3)})
        return len(self.steps) - 1

    def http(
        self,
        time_ms: int,
        *,
        method: str,
        uri: str,
        body: bytes,
        headers: list[tuple[str, list[str]]],
        client_address: str,
    ) -> int:
        self.request_counter += 1
        return self.event(
            http_request_event_json(
                posix_time_milli=time_ms,
                request_counter=self.request_counter,
                client_address=client_address,
                method=method,
                uri=uri,
                body=body,
                headers=headers,
            ),
            time_ms,
        )


# --- counter ---------------------------------------------------------------------------------

_COUNTER_URI = "http://localhost:5000/"
_STRING_PIECES = ["-part-a", "-part-b", " hello", " world", ",", " grüße", " 😀", " naïve", "-x", " über", "."]


def _counter_request(host: _Host, time_ms: int, body: str, method: str = "POST") -> int:
    return host.http(
        time_ms, method=method, uri=_COUNTER_URI, body=body.encode("utf-8"), headers=[], client_address="127.0.0.1"
    )


def _counter_additions(host: _Host, start_ms: int, count: int, malformed_at: set[int]) -> int:
    time_ms = start_ms
    for index in range(count):
        time_ms += host.rng.randint(200, 90_000)
        if index in malformed_at:
            body = host.rng.choice(['{"addition":"1"}', '{"add":1}', "addition=1"])
        else:
            body = _compact({"addition": host.rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 7, -1, -2])})
        _counter_request(host, time_ms, body)
    return time_ms


def _counter_appends(host: _Host, start_ms: int, count: int) -> int:
    time_ms = start_ms
    for index in range(count):
        time_ms += host.rng.randint(500, 120_000)
        if index % 25 == 12:
            _counter_request(host, time_ms, "", method="GET")
        else:
            _counter_request(host, time_ms, host.rng.choice(_STRING_PIECES))
    return time_ms


def counter_scenario() -> list[Step]:
    """Counter v1 for 300 requests, deploy+migrate to the string builder, 100 more."""
    host = _Host(random.Random(20201116))
    start = _ms(2020, 11, 16, 9)
    host.deploy("deploy_init", "counter/v1", start)
    time_ms = _counter_additions(host, start + 5_000, 300, malformed_at={41, 170, 233})
    time_ms += 3_600_000
    host.deploy("deploy_migrate", "counter/v2_string_builder", time_ms)
    _counter_appends(host, time_ms + 10_000, 100)
    return host.steps


def counter_admin_scenario() -> list[Step]:
    """A short counter history with set-state, revert and a torn append at the end."""
    host = _Host(random.Random(20210726))
    start = _ms(2021, 7, 26, 10)
    host.deploy("deploy_init", "counter/v1", start)
    time_ms = _counter_additions(host, start + 2_000, 12, malformed_at=set())
    time_ms += 60_000
    host.steps.append({"op": "set_state", "state": "100", "time_ms": time_ms})
    time_ms = _counter_additions(host, time_ms + 1_000, 8, malformed_at=set())
    revert_target = len(host.steps) - 4
    time_ms += 30_000
    host.steps.append({"op": "revert", "to_step": revert_target, "time_ms": time_ms})
    time_ms = _counter_additions(host, time_ms + 1_000, 5, malformed_at=set())
    host.steps.append({"op": "torn_append", "bytes_hex": b'{"parentHashBase16":"3f1a'.hex(), "time_ms": time_ms + 500})
    return host.steps


def small_2020_scenario() -> list[Step]:
    """Five counter requests, deploy+migrate to the string builder, three appends."""
    host = _Host(random.Random(20201120))
    start = _ms(2020, 11, 20, 14)
    host.deploy("deploy_init", "counter/v1", start)
    time_ms = _counter_additions(host, start + 1_000, 5, malformed_at=set())
    host.deploy("deploy_migrate", "counter/v2_string_builder", time_ms + 20_000)
    _counter_appends(host, time_ms + 30_000, 3)
    return host.steps


# --- tracker ---------------------------------------------------------------------------------

_TRACKER_URI = "http://tracker.example.com/api"

# (userId, displayName, email or None, client address)
_TEAM: list[tuple[str, str, str | None, str]] = [
    ("alice", "Alice Liddell", "alice@example.com", "203.0.113.10"),
    ("bob", "Bob Kelso", "bob@example.com", "203.0.113.11"),
    ("carol", "Carol Jiménez", "carol@example.com", "203.0.113.12"),
    ("dave", "Dave", None, "203.0.113.13"),
    ("erin", "Erin Müller", "erin@example.com", "198.51.100.7"),
    ("frank", "Frank Ó Briain", None, "198.51.100.8"),
    ("grace", "Grace Hoper", "grace@example.com", "203.0.113.14"),
    ("heidi", "Heidi 🚀", "heidi@example.com", "198.51.100.9"),
    ("ivan", "Иван Петров", None, "203.0.113.15"),
    ("judy", "Judy 李", "judy@example.com", "203.0.113.16"),
    ("mallory", "Mallory", None, "192.0.2.66"),
    ("oscar", "Oscar", "oscar@example.com", "203.0.113.17"),
]

_TITLE_SUBJECTS = ["Login page", "Search", "CSV export", "Dark mode", "Settings dialog", "Notifications",
                   "Password reset", "Dashboard", "API rate limit", "Upload", "Mobile layout", "Report view",
                   "Invoice PDF", "Time zone handling", "Émoji in names", "Keyboard shortcuts"]
_TITLE_PROBLEMS = ["crashes on empty input", "is slow with many items", "shows wrong totals", "needs a loading state",
                   "ignores the locale", "breaks after refresh", "should remember the last choice",
                   "has a typo", "times out", "looks off on small screens", "loses data on back navigation"]
_COMMENTS = ["I can reproduce this.", "Looking into it.", "Fixed in my branch, needs review.", "Can you add steps?",
             "Works for me on Firefox.", "This blocks the release.", "Duplicate of something?", "👍",
             "Ich schaue mir das an.", "Probably related to the cache.", "Added a test.", "Deployed to staging.",
             "Who is working on this?", "Let's pair on it tomorrow.", "Closing soon unless someone objects."]
_LABELS = ["bug", "feature", "ui", "backend", "docs", "urgent", "good first issue", "performance", "i18n"]
_USER_AGENTS = ["Mozilla/5.0 (X11; Linux x86_64; rv:86.0) Gecko/20100101 Firefox/86.0",
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 11_2_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.0.3 Safari/605.1.15",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/89.0.4389.82 Safari/537.36"]


class _TrackerClient:
    """The team's browsers: a rough model of the tracker state to pick sensible requests."""

    def __init__(self, host: _Host) -> None:
        self.host = host
        self.rng = host.rng
        self.users: list[str] = []
        self.address = {user_id: address for user_id, _, _, address in _TEAM}
        self.agent = {user_id: self.rng.choice(_USER_AGENTS) for user_id, _, _, _ in _TEAM}
        self.issues: dict[int, dict[str, object]] = {}
        self.next_issue_id = 1
        self.version = 1

    def post(self, time_ms: int, user: str, body: dict[str, object]) -> int:
        return self.send(time_ms, user, _compact(body).encode("utf-8"))

    def send(self, time_ms: int, user: str, body_bytes: bytes, method: str = "POST") -> int:
        headers: list[tuple[str, list[str]]] = [
            ("Accept", ["application/json"]),
            ("Host", ["tracker.example.com"]),
            ("User-Agent", [self.agent[user]]),
        ]
        if method == "POST":
            headers += [("Content-Type", ["application/json"]), ("Content-Length", [str(len(body_bytes))])]
        return self.host.http(
            time_ms, method=method, uri=_TRACKER_URI, body=body_bytes, headers=headers,
            client_address=self.address[user],
        )

    def open_issue_ids(self, *statuses: str) -> list[int]:
        return [issue_id for issue_id, issue in self.issues.items() if issue["status"] in statuses]

    def add_user(self, time_ms: int, index: int) -> int:
        user_id, display_name, email, _ = _TEAM[index]
        self.users.append(user_id)
        body: dict[str, object] = {"op": "addUser", "userId": user_id, "displayName": display_name}
        if email is not None:
            body["email"] = email
        return self.post(time_ms, user_id, body)

    def random_action(self, time_ms: int) -> int:
        rng = self.rng
        user = rng.choice(self.users)
        roll = rng.random()
        active = self.open_issue_ids("open", "inProgress")
        if roll < 0.15 or not active:
            return self.create_issue(time_ms, user)
        if roll < 0.43:
            issue_id = rng.choice(active if rng.random() < 0.85 else list(self.issues))
            return self.post(time_ms, user, {"op": "comment", "issueId": issue_id, "author": user,
                                             "text": rng.choice(_COMMENTS)})
        if roll < 0.54:
            issue_id = rng.choice(active)
            assignee = None if rng.random() < 0.1 else rng.choice(self.users)
            issue = self.issues[issue_id]
            issue["assignee"] = assignee
            if assignee is not None and issue["status"] == "open":
                issue["status"] = "inProgress"
            elif assignee is None and issue["status"] == "inProgress":
                issue["status"] = "open"
            return self.post(time_ms, user, {"op": "assign", "issueId": issue_id, "assignee": assignee})
        if roll < 0.64:
            issue_id = rng.choice(active)
            self.issues[issue_id]["status"] = "closed"
            resolution_roll = rng.random()
            body: dict[str, object] = {"op": "close", "issueId": issue_id, "resolution": "fixed"}
            if resolution_roll < 0.15:
                body["resolution"] = "wontfix"
            elif resolution_roll < 0.25 and len(self.issues) > 1:
                body["resolution"] = "duplicate"
                body["duplicateOf"] = rng.choice([i for i in self.issues if i != issue_id])
            return self.post(time_ms, user, body)
        if roll < 0.71:
            issue_id = rng.choice(list(self.issues))
            add = rng.sample(_LABELS, rng.randint(0, 2))
            remove = rng.sample(_LABELS, rng.randint(0, 1))
            return self.post(time_ms, user, {"op": "label", "issueId": issue_id, "add": add, "remove": remove})
        if roll < 0.83:
            return self.post(time_ms, user, {"op": "getIssue", "issueId": rng.randint(1, self.next_issue_id)})
        if roll < 0.87:
            if rng.random() < 0.5:
                return self.send(time_ms, user, b"", method="GET")
            return self.post(time_ms, user, {"op": "stats"})
        if roll < 0.89:
            closed = self.open_issue_ids("closed")
            if closed:
                issue_id = rng.choice(closed)
                issue = self.issues[issue_id]
                issue["status"] = "inProgress" if issue["assignee"] is not None else "open"
                return self.post(time_ms, user, {"op": "reopen", "issueId": issue_id})
            return self.create_issue(time_ms, user)
        if roll < 0.95 and self.version >= 2:
            priority = rng.choice(["low", "normal", "normal", "high", "urgent", None])
            return self.post(time_ms, user, {"op": "setPriority", "issueId": rng.choice(active), "priority": priority})
        if roll < 0.975:
            return self.malformed(time_ms, user)
        return self.post(time_ms, user, {"op": "comment", "issueId": rng.choice(active), "author": user,
                                         "text": rng.choice(_COMMENTS)})

    def create_issue(self, time_ms: int, user: str) -> int:
        rng = self.rng
        title = f"{rng.choice(_TITLE_SUBJECTS)} {rng.choice(_TITLE_PROBLEMS)}"
        body: dict[str, object] = {"op": "createIssue", "reporter": user, "title": title}
        if rng.random() < 0.7:
            body["description"] = f"Seen by {user} on {rng.choice(['staging', 'production', 'my laptop'])}."
        if rng.random() < 0.8:
            body["labels"] = rng.sample(_LABELS, rng.randint(1, 3))
        if self.version >= 2 and rng.random() < 0.4:
            body["priority"] = rng.choice(["low", "normal", "high", "urgent"])
        self.issues[self.next_issue_id] = {"status": "open", "assignee": None}
        self.next_issue_id += 1
        return self.post(time_ms, user, body)

    def malformed(self, time_ms: int, user: str) -> int:
        rng = self.rng
        choice = rng.randint(0, 6)
        if choice == 0:
            return self.send(time_ms, user, b'{"op":"createIssue","reporter":"' + user.encode() + b'","title":')
        if choice == 1:
            return self.post(time_ms, user, {"op": "archive", "issueId": 1})
        if choice == 2:
            return self.post(time_ms, user, {"op": "assign", "issueId": "7", "assignee": user})
        if choice == 3:
            return self.post(time_ms, user, {"op": "close", "issueId": rng.randint(1, self.next_issue_id),
                                             "resolution": "done"})
        if choice == 4:
            return self.post(time_ms, user, {"op": "comment", "issueId": self.next_issue_id + 40, "author": user,
                                             "text": "hello?"})
        if choice == 5:
            return self.post(time_ms, user, {"op": "createIssue", "reporter": "nobody", "title": "Spam"})
        return self.send(time_ms, user, b"", method="DELETE")


def _working_time(rng: random.Random, time_ms: int, mean_gap_ms: int) -> int:
    """Next event time: exponential gaps, only on weekdays between 08:00 and 18:00 UTC."""
    time_ms += max(150, int(rng.expovariate(1 / mean_gap_ms)))
    while True:
        moment = datetime.fromtimestamp(time_ms / 1000, tz=timezone.utc)
        if moment.weekday() >= 5:
            time_ms = _ms(moment.year, moment.month, moment.day) + (7 - moment.weekday()) * 86_400_000 + 8 * 3_600_000
            time_ms += rng.randint(0, 1_800_000)
        elif moment.hour < 8:
            time_ms = _ms(moment.year, moment.month, moment.day, 8) + rng.randint(0, 1_800_000)
        elif moment.hour >= 18:
            time_ms = _ms(moment.year, moment.month, moment.day, 8) + 86_400_000 + rng.randint(0, 1_800_000)
        else:
            return time_ms


def _deploy_time(after_ms: int, *, evening: bool) -> int:
    """Deployments happen outside working hours: 19:30 that day, or 07:50 the next morning."""
    moment = datetime.fromtimestamp(after_ms / 1000, tz=timezone.utc)
    if evening:
        return _ms(moment.year, moment.month, moment.day, 19, 30)
    return _ms(moment.year, moment.month, moment.day, 7, 50) + 86_400_000


def tracker_scenario() -> list[Step]:
    """About 4000 tracker events over three weeks of July/August 2021, with the v3 incident."""
    host = _Host(random.Random(20210719))
    rng = host.rng
    client = _TrackerClient(host)
    time_ms = _ms(2021, 7, 19, 7, 45)
    host.deploy("deploy_init", "tracker/v1", time_ms)
    mean_gap = 95_000

    def run(count: int, *, add_users_until: int = 0) -> None:
        nonlocal time_ms
        for _ in range(count):
            time_ms = _working_time(rng, time_ms, mean_gap)
            if len(client.users) < add_users_until and (not client.users or rng.random() < 0.04):
                client.add_user(time_ms, len(client.users))
            else:
                client.random_action(time_ms)

    def housekeeping_events() -> None:
        # Events the host sends on its own; the apps answer them with an empty response.
        nonlocal time_ms
        time_ms += rng.randint(1_000, 60_000)
        host.event(_arrived_at_time_json(time_ms), time_ms)
        time_ms += rng.randint(1_000, 60_000)
        host.event(_task_complete_json(f"{time_ms}-0", {"CompleteWithoutResult": {}}), time_ms)

    run(700, add_users_until=10)
    housekeeping_events()
    run(778, add_users_until=10)
    # That evening: v2 with priorities.
    time_ms = _deploy_time(time_ms, evening=True)
    assert len(host.steps) == TRACKER_INCIDENT["deploy_v2_step"]
    host.deploy("deploy_migrate", "tracker/v2", time_ms)
    client.version = 2
    run(400, add_users_until=11)
    time_ms += rng.randint(1_000, 60_000)
    host.event(_task_complete_json(f"{time_ms}-0", {"CreateVolatileHostResponse": {"Ok": {"hostId": "1"}}}), time_ms)
    time_ms += rng.randint(100, 5_000)
    host.event(_task_complete_json(f"{time_ms}-1", {"RequestToVolatileHostResponse": {
        "Ok": {"returnValueToString": "ok", "durationInMilliseconds": 12}}}), time_ms)
    run(653, add_users_until=11)
    # Next morning: v3 with user-id renames (and the bug).
    time_ms = _deploy_time(time_ms, evening=False)
    assert len(host.steps) == TRACKER_INCIDENT["deploy_v3_bug_step"]
    host.deploy("deploy_migrate", "tracker/v3_bug", time_ms)
    client.version = 3
    run(87, add_users_until=12)
    time_ms = _working_time(rng, time_ms, mean_gap)
    assert len(host.steps) == TRACKER_INCIDENT["first_corrupting_step"]
    client.post(time_ms, "dave", {"op": "rename", "userId": "dave", "displayName": "Dave Kowalski"})
    run(335, add_users_until=12)
    time_ms = _working_time(rng, time_ms, mean_gap)
    client.post(time_ms, "erin", {"op": "rename", "userId": "erin", "displayName": "Erin Müller", "newUserId": "erin.m"})
    client.users = [("erin.m" if u == "erin" else u) for u in client.users]
    client.address["erin.m"] = client.address["erin"]
    client.agent["erin.m"] = client.agent["erin"]
    run(241, add_users_until=12)
    time_ms = _working_time(rng, time_ms, mean_gap)
    client.post(time_ms, "grace", {"op": "rename", "userId": "grace", "displayName": "Grace Hopper"})
    for author in ["bob", "carol", "ivan"]:
        time_ms = _working_time(rng, time_ms, mean_gap)
        issue_id = rng.choice(client.open_issue_ids("inProgress") or list(client.issues))
        client.post(time_ms, author, {"op": "getIssue", "issueId": issue_id})
        time_ms = _working_time(rng, time_ms, mean_gap)
        client.post(time_ms, author, {"op": "comment", "issueId": issue_id, "author": author,
                                      "text": "Why is nobody assigned here any more? I was working on this."})
    run(59, add_users_until=12)
    # That evening: v4 fixes rename and flags issues that lost their assignee.
    time_ms = _deploy_time(time_ms, evening=True)
    assert len(host.steps) == TRACKER_INCIDENT["deploy_v4_fix_step"]
    host.deploy("deploy_migrate", "tracker/v4_fix", time_ms)
    client.version = 4
    housekeeping_events()
    time_ms = _working_time(rng, time_ms, mean_gap)
    client.post(time_ms, "frank", {"op": "rename", "userId": "frank", "displayName": "Frank Ó Briain"})
    run(700, add_users_until=12)
    return host.steps


# --- notes -----------------------------------------------------------------------------------

_NOTES_API = "http://localhost:5000/api"
_NOTE_TITLES = ["Buy milk", "Call Ann", "Fix the bike", "Grüße an Oma", "Read RFC 4648", "Plan trip 😀", "Water plants"]
_NOTE_TAGS = ["home", "work", "errands", "family", "reading"]


def _notes_scenario_requests(host: _Host, start_ms: int, count: int, *, pin: bool) -> int:
    rng = host.rng
    time_ms = start_ms
    next_id = 1 + sum(1 for s in host.steps if s.get("op") == "event" and '"AddNote"' in _body_of(s))
    for index in range(count):
        time_ms += rng.randint(2_000, 400_000)
        roll = rng.random()
        if index % 40 == 7:
            host.steps.append({"op": "event", "json": _arrived_at_time_json(time_ms), "time_ms": time_ms + rng.randint(0, 3)})
            continue
        if index % 30 == 3:
            host.http(time_ms, method="GET", uri="http://localhost:5000/", body=b"", headers=[], client_address="10.0.0.5")
            continue
        body_text: str
        if index % 23 == 11:
            # Forms the 2021 decoders refuse (or a body that is no JSON at all): answered 400.
            body_text = rng.choice([
                '{"RemoveNote":{"id":2}}',
                '{"AddNote":[{"title":"no body field","tags":[]}]}',
                '{"ListNotes":[]}',
                '{"Archive":[{"id":1}]}',
                "remove 3",
            ])
        elif index == 17:
            # Two tag keys: the generated decoder tries tags alphabetically, AddNote wins.
            body_text = _compact({"ListNotes": [{"tag": None}], "AddNote": [{"title": "Both keys", "body": None, "tags": []}]})
        elif roll < 0.4:
            body = rng.choice([{"Nothing": []}, {"Just": [rng.choice(["details", "ask first", "naïve"])]}, None, {"Just": "legacy form"}])
            title = rng.choice(_NOTE_TITLES + ["   "])
            body_text = _compact({"AddNote": [{"title": title, "body": body, "tags": rng.sample(_NOTE_TAGS, rng.randint(0, 2))}]})
        elif roll < 0.65:
            tag = rng.choice([None, {"Nothing": []}, {"Just": [rng.choice(_NOTE_TAGS)]}])
            body_text = _compact({"ListNotes": [{"tag": tag}]})
        elif roll < 0.8 or not pin:
            body_text = _compact({"RemoveNote": [{"id": rng.randint(1, next_id + 2)}]})
        else:
            body_text = _compact({"PinNote": [{"id": rng.randint(1, next_id + 1), "pinned": rng.random() < 0.7}]})
        if '"AddNote"' in body_text:
            next_id += 1
        host.http(
            time_ms, method="POST", uri=_NOTES_API, body=body_text.encode("utf-8"),
            headers=[("Content-Type", ["application/json"])], client_address="10.0.0.5",
        )
    return time_ms


def _body_of(step: Step) -> str:
    event = json.loads(str(step["json"]))
    request = event.get("HttpRequestEvent", {}).get("request")
    return base64.b64decode(request["bodyAsBase64"]).decode("utf-8", "replace") if request else ""


def notes_scenario() -> list[Step]:
    """notes/v1 for 150 requests, deploy+migrate to notes/v2, 100 more."""
    host = _Host(random.Random(20210809))
    start = _ms(2021, 8, 9, 8)
    host.deploy("deploy_init", "notes/v1", start)
    time_ms = _notes_scenario_requests(host, start + 3_000, 150, pin=False)
    time_ms += 1_800_000
    host.deploy("deploy_migrate", "notes/v2", time_ms)
    _notes_scenario_requests(host, time_ms + 5_000, 100, pin=True)
    return host.steps


# --- ledger (2023 Elm-Time web service) ------------------------------------------------------

_LEDGER_ACCOUNTS = ["alice", "bob", "carol", "dave", "erin"]
_LEDGER_CLIENTS = ["203.0.113.7", "198.51.100.23", None]


def _ledger_event_2023_02_27(kind: str, time_ms: int, **request: object) -> dict[str, object]:
    """An app event as the 2023-02-27 Elm-Time host stored it (the 2021-09 shape: nulls and zeros omitted)."""
    if kind == "time":
        return {"ArrivedAtTimeEvent": {"posixTimeMilli": time_ms}}
    context = {} if request["client"] is None else {"clientAddress": request["client"]}
    properties: dict[str, object] = {"method": request["method"], "uri": request["uri"]}
    if request["body"] is not None:
        properties["bodyAsBase64"] = request["body"]
    properties["headers"] = request["headers"]
    return {"HttpRequestEvent": {"posixTimeMilli": time_ms, "httpRequestId": request["id"], "requestContext": context, "request": properties}}


def _ledger_event_tagged(kind: str, time_ms: int, **request: object) -> dict[str, object]:
    """An app event as the 2023-03-13+ hosts stored it (``BackendEventStruct``, modern-eras §2c)."""

    def maybe(value: object) -> dict[str, list[object]]:
        return {"Nothing": []} if value is None else {"Just": [value]}

    if kind == "time":
        return {"PosixTimeHasArrivedEvent": [{"posixTimeMilli": time_ms}]}
    return {
        "HttpRequestEvent": [
            {
                "posixTimeMilli": time_ms,
                "httpRequestId": request["id"],
                "requestContext": {"clientAddress": maybe(request["client"])},
                "request": {"method": request["method"], "uri": request["uri"], "bodyAsBase64": maybe(request["body"]), "headers": request["headers"]},
            }
        ]
    }


class _LedgerHost(_Host):
    """Ledger traffic; ``shape`` is how the host of the moment stored app events."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__(rng)
        self.shape: Callable[..., dict[str, object]] = _ledger_event_2023_02_27
        self.balances: dict[str, int] = {}
        self.fee = 0

    def value_event(self, value: dict[str, object], time_ms: int) -> None:
        # "value": written by the recorder with its era's serializer (System.Text.Json in 2023).
        self.steps.append({"op": "event", "value": value, "time_ms": time_ms + self.rng.randint(0, 3)})

    def time(self, time_ms: int) -> None:
        self.value_event(self.shape("time", time_ms), time_ms)

    def request(self, time_ms: int, method: str, body: object | None) -> None:
        self.request_counter += 1
        encoded = None if body is None else base64.b64encode(json.dumps(body, separators=(",", ":")).encode()).decode("ascii")
        headers = [] if body is None else [{"name": "Content-Type", "values": ["application/json"]}]
        event = self.shape(
            "http", time_ms, id=f"{time_ms}-{self.request_counter}", client=self.rng.choice(_LEDGER_CLIENTS),
            method=method, uri="https://ledger.example.com/api", body=encoded, headers=headers,
        )  # fmt: skip
        self.value_event(event, time_ms)

    def random_request(self, time_ms: int) -> None:
        roll = self.rng.random()
        accounts = [a for a in _LEDGER_ACCOUNTS if self.balances.get(a, 0) > self.fee]
        if roll < 0.15:
            self.request(time_ms, "GET", None)
        elif roll < 0.45 or not accounts:
            account, amount = self.rng.choice(_LEDGER_ACCOUNTS), self.rng.randint(1, 60)
            self.balances[account] = self.balances.get(account, 0) + amount
            self.request(time_ms, "POST", {"deposit": {"account": account, "amount": amount}})
        elif roll < 0.95:
            source = self.rng.choice(accounts)
            target = self.rng.choice(_LEDGER_ACCOUNTS)
            amount = self.rng.randint(1, self.balances[source] - self.fee)
            self.balances[source] -= amount + self.fee
            self.balances[target] = self.balances.get(target, 0) + amount
            self.request(time_ms, "POST", {"transfer": {"from": source, "to": target, "amount": amount}})
        elif roll < 0.98:  # more than the account holds: 409, state unchanged
            source = self.rng.choice(_LEDGER_ACCOUNTS)
            self.request(time_ms, "POST", {"transfer": {"from": source, "to": "bob", "amount": self.balances.get(source, 0) + 100}})
        else:  # JSON, but no operation: 400
            self.request(time_ms, "POST", {"withdraw": {"account": "alice", "amount": 5}})

    def traffic(self, start_ms: int, count: int) -> int:
        """``count`` requests a few minutes apart, a clock tick at least every 20 minutes."""
        time_ms, last_tick = start_ms, start_ms
        for _ in range(count):
            time_ms += self.rng.randint(60_000, 15 * 60_000)
            while time_ms - last_tick >= 20 * 60_000:
                last_tick += 20 * 60_000
                self.time(last_tick)
            self.random_request(time_ms)
        return time_ms


def ledger_scenario() -> list[Step]:
    """ledger/v1 on a 2023-02-27 Elm-Time host (events in the old shape), the host upgraded in
    June 2023 (tagged events, ExposeFunctionsToAdmin applied), deploy+migrate to ledger/v2."""
    host = _LedgerHost(random.Random(20230220))
    start = _ms(2023, 2, 20, 9)
    host.deploy("deploy_init", "ledger/v1", start)
    host.time(start + 1_000)
    time_ms = host.traffic(start + 2_000, 80)
    # 2023-06-05: the host is upgraded; from now on events are stored tagged.
    host.shape = _ledger_event_tagged
    host.request_counter = 0
    time_ms = host.traffic(_ms(2023, 6, 5, 8), 40)
    host.steps.append({"op": "apply_function", "function": "Backend.ExposeFunctionsToAdmin.creditAll", "args": ["10"], "time_ms": time_ms + 60_000})
    host.balances = {a: b + 10 for a, b in host.balances.items()}
    time_ms = host.traffic(time_ms + 120_000, 20)
    host.deploy("deploy_migrate", "ledger/v2", time_ms + 3_600_000)
    host.fee = 1
    time_ms = host.traffic(time_ms + 3_700_000, 50)
    host.steps.append({"op": "apply_function", "function": "Backend.ExposeFunctionsToAdmin.payOutFees", "args": ['"erin"'], "time_ms": time_ms + 60_000})
    host.traffic(time_ms + 120_000, 15)
    return host.steps


# --- scheduler (backendMain, 2021-09+ host) ---------------------------------------------------

_SCHEDULER_URI = "https://scheduler.example.com/reminders"
_SCHEDULER_TEXTS = ["water the plants", "call Ana", "stand-up", "backup check", "tea", "review PR 42", "Grüße an Jörg"]
#: The host's timer raised a time event at least every 10 seconds (StartupPublicApp.cs @ ec1891b9).
_TICK_MS = 10_000


class _SchedulerHost(_Host):
    """The 2021-09+ host in front of the scheduler app, as far as the log shows it.

    It mirrors what the scenario needs to write task completions with the right task ids: the
    generated root module's task framework (restarted fresh at every admin operation, ids
    ``"<posixTimeMilli>-<nextTaskIndex>"`` with the time raised by HTTP and time events only),
    the reminders the app holds, and the volatile processes of the current public app (they
    end with it at every restart).
    """

    def __init__(self, rng: random.Random) -> None:
        super().__init__(rng)
        self.due: dict[int, int] = {}  # reminder id -> due time
        self.next_id = 1
        self.process_id: str | None = None  # the id the app holds
        self.live_processes: set[str] = set()  # processes of the current public app
        self.process_counter = 0
        self._restart()

    def _restart(self) -> None:
        self.framework_time = 0
        self.next_task = 0
        self.request_counter = 0
        self.live_processes = set()

    def _task_id(self) -> str:
        task_id = f"{self.framework_time}-{self.next_task}"
        self.next_task += 1
        return task_id

    def event(self, event_json: str, posix_time_milli: int) -> int:
        # The host processed events one at a time: a record is never written before the one
        # before it, even when its event arrived while the previous one was being processed.
        index = super().event(event_json, posix_time_milli)
        if index > 0:
            self.steps[index]["time_ms"] = max(int(self.steps[index]["time_ms"]), int(self.steps[index - 1]["time_ms"]))
        return index

    def admin(self, step: Step) -> None:
        self.steps.append(step)
        self._restart()

    def create_process(self, time_ms: int, task_id: str) -> None:
        """The host runs a CreateVolatileProcess task; its completion enters the log."""
        self.process_counter += 1
        pid = f"{self.process_counter:02d}c1f7e0a3"
        self.live_processes.add(pid)
        self.process_id = pid
        result = {"CreateVolatileProcessResponse": {"Ok": {"processId": pid}}}
        self.event(_task_complete_json(task_id, result), time_ms)

    def post(self, time_ms: int, due_ms: int, text: str) -> None:
        self.framework_time = max(self.framework_time, time_ms)
        self.http(time_ms, method="POST", uri=_SCHEDULER_URI, body=f"{due_ms} {text}".encode("utf-8"),
                  headers=[("Content-Type", ["text/plain; charset=utf-8"])], client_address="198.51.100.23")
        self.due[self.next_id] = due_ms
        self.next_id += 1

    def get(self, time_ms: int) -> None:
        self.framework_time = max(self.framework_time, time_ms)
        self.http(time_ms, method="GET", uri=_SCHEDULER_URI, body=b"", headers=[], client_address="198.51.100.23")

    def tick(self, time_ms: int, *, zero_duration_at: set[int]) -> None:
        """A time event; due reminders fire and their deliveries complete a few ms later."""
        self.framework_time = max(self.framework_time, time_ms)
        self.event(_arrived_at_time_json(time_ms), time_ms)
        fired = sorted(i for i, due in self.due.items() if due <= time_ms)
        if not fired:  # the subscription's minimum is the earliest due time
            return
        for i in fired:
            del self.due[i]
        if self.process_id is None:
            return
        task_ids = [self._task_id() for _ in fired]
        done_ms = time_ms
        for task_id, reminder in reversed(list(zip(task_ids, fired))):  # the response lists them reversed
            done_ms += self.rng.randint(3, 40)
            if self.process_id not in self.live_processes:
                result: dict[str, object] = {"RequestToVolatileProcessResponse": {"Err": {"ProcessNotFound": {}}}}
            else:
                duration = 0 if reminder in zero_duration_at else self.rng.randint(1, 25)
                complete: dict[str, object] = {"returnValueToString": f"delivered #{reminder}"}
                if duration:  # the host's serializer omitted a zero (DefaultValueHandling.Ignore)
                    complete["durationInMilliseconds"] = duration
                result = {"RequestToVolatileProcessResponse": {"Ok": complete}}
            self.event(_task_complete_json(task_id, result), done_ms)


def _scheduler_traffic(host: _SchedulerHost, start_ms: int, stop_ms: int, *, zero_duration_at: set[int] = set()) -> None:
    """Time events every ~10 s, reminders posted now and then (due 1-6 minutes later), a GET sometimes."""
    time_ms = start_ms
    next_tick = start_ms + host.rng.randint(0, _TICK_MS)
    while time_ms < stop_ms:
        time_ms += host.rng.randint(15_000, 150_000)
        while next_tick < min(time_ms, stop_ms):
            host.tick(next_tick, zero_duration_at=zero_duration_at)
            next_tick += _TICK_MS - host.rng.randint(0, 40)
        if time_ms >= stop_ms:
            break
        time_ms = max(time_ms, int(host.steps[-1]["time_ms"]) + 5)  # after the deliveries of a tick just before
        if host.rng.random() < 0.2:
            host.get(time_ms)
        else:
            host.post(time_ms, time_ms + host.rng.randint(60_000, 360_000), host.rng.choice(_SCHEDULER_TEXTS))


def scheduler_scenario() -> list[Step]:
    """A ``backendMain`` reminder scheduler on a 2021-10 host: deploy+init (init creates the
    delivery process), reminders fired by the time subscription and delivered through task
    completions (one answered in 0 ms, whose completion the app cannot decode), deploy+migrate to
    v2 (its migration creates a new delivery process), a set-state, and more traffic; after the
    set-state's restart the delivery process is gone, so deliveries come back ProcessNotFound."""
    host = _SchedulerHost(random.Random(20211012))
    t0 = _ms(2021, 10, 12, 9)
    host.admin({"op": "deploy_init", "app": "scheduler/v1", "time_ms": t0})
    host.create_process(t0 + 420, host._task_id())  # init's CreateVolatileProcess: task "0-0"
    _scheduler_traffic(host, t0 + 1_000, t0 + 40 * 60_000, zero_duration_at={4})
    t1 = t0 + 41 * 60_000
    host.admin({"op": "deploy_migrate", "app": "scheduler/v2", "time_ms": t1})
    host.process_id = None  # the migration forgets the old process and creates a new one
    host.create_process(t1 + 380, host._task_id())
    _scheduler_traffic(host, t1 + 1_000, t1 + 30 * 60_000)
    t2 = t1 + 31 * 60_000
    state = {
        "reminders": [[1000, {"text": "maintenance window", "dueMilli": t2 + 90_000}]],
        "nextId": 1001,
        "volatileProcessId": {"Just": [host.process_id]},
        "delivered": [],
        "firedCount": 0,
    }
    host.admin({"op": "set_state", "state": _compact(state), "time_ms": t2})
    host.due = {1000: t2 + 90_000}
    host.next_id = 1001
    _scheduler_traffic(host, t2 + 1_000, t2 + 20 * 60_000)
    return host.steps


SCENARIOS: dict[str, Callable[[], list[Step]]] = {
    "counter": counter_scenario,
    "counter_admin": counter_admin_scenario,
    "small_2020": small_2020_scenario,
    "tracker": tracker_scenario,
    "notes": notes_scenario,
    "ledger": ledger_scenario,
    "scheduler": scheduler_scenario,
}
