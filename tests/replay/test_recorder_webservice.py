"""The recorder with a 2023 web-service app (the ledger sample's apps and ports): function
applications written as ApplyFunctionOnElmAppState records only when committed, the host's texts
when refused, and no record for an app event the state shim refuses (ProcessElmAppEvent @ 4bf750c3)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

import elmreplay
from elmreplay.replay.recorder import AdminRejected, Recorder
from elmreplay.replay.restore import restore
from elmreplay.runtime.sources import RuntimeDirectory, RuntimeResolver
from elmreplay.store.apply_function import parse_apply_function_literal
from elmreplay.store.records import RecordKind
from elmreplay.store.writer import system_text_json

SAMPLES = Path(__file__).resolve().parents[2] / "sample_histories"
APPS = SAMPLES / "apps" / "ledger"
RESOLVER = RuntimeResolver([RuntimeDirectory(SAMPLES / "ledger" / "runtimes")])
T0 = 1_686_000_000_000


def deposit(time_ms: int, account: str, amount: int, *, request_id: str | None = None) -> str:
    body = base64.b64encode(json.dumps({"deposit": {"account": account, "amount": amount}}).encode()).decode()
    event = {"HttpRequestEvent": [{
        "posixTimeMilli": time_ms, "httpRequestId": request_id, "requestContext": {"clientAddress": {"Nothing": []}},
        "request": {"method": "POST", "uri": "/", "bodyAsBase64": {"Just": [body]}, "headers": []},
    }]}  # fmt: skip
    return system_text_json(event).decode("ascii")


@pytest.fixture
def recorder(tmp_path: Path) -> Recorder:
    rec = Recorder(tmp_path / "store", RESOLVER, era="2022-03")
    rec.deploy(APPS / "v2", migrate=False, time_ms=T0)
    return rec


def test_committed_function_application_is_recorded(recorder: Recorder) -> None:
    with recorder:
        recorder.event(deposit(T0 + 1000, "alice", 5, request_id="1"), time_ms=T0 + 1000)
        answer = recorder.apply_function("Backend.ExposeFunctionsToAdmin.creditAll", ["7"], time_ms=T0 + 2000)
        assert json.loads(answer) == {"Ok": {"resultLessStateJson": None, "committedState": True}}
        store = recorder.store()
        last = store.records[-1]
        assert last.kind is RecordKind.APPLY_FUNCTION and len(store) == 3
        literal = last.parsed.event.value.literal_utf8 if last.parsed.event.value else None
        assert literal == '{"functionName":"Backend.ExposeFunctionsToAdmin.creditAll","serializedArgumentsJson":["7"]}'
        assert parse_apply_function_literal(literal).serialized_arguments_json == ("7",)
        restored = restore(store, RESOLVER)
        try:
            assert json.loads(restored.state_json() or "")["balances"] == [["alice", 12]]
        finally:
            restored.close()
        assert elmreplay.verify(store, runtimes=[SAMPLES / "ledger" / "runtimes"], progress=False, jobs=1).ok


@pytest.mark.parametrize(
    ("function", "args", "message"),
    [
        ("Backend.ExposeFunctionsToAdmin.balanceReport", ['"alice"'],
         "Failed to apply function Backend.ExposeFunctionsToAdmin.balanceReport: Function did not return a new state"),
        ("Backend.ExposeFunctionsToAdmin.creditAll", ['"seven"'],
         "Failed to apply function Backend.ExposeFunctionsToAdmin.creditAll: Failed to JSON decode argument: Problem with the given value:\n\n\"seven\"\n\nExpecting an INT"),
        ("Backend.ExposeFunctionsToAdmin.creditAll", ["1", "2"],
         "Failed to apply function Backend.ExposeFunctionsToAdmin.creditAll: Unexpected number of arguments: 2 instead of 1"),
        ("creditAll", ["1"],
         "None of the exposed functions matches name 'creditAll'. This app only exposes the following 6 functions: "
         "Backend.ExposeFunctionsToAdmin.balanceReport, Backend.ExposeFunctionsToAdmin.creditAll, "
         "Backend.ExposeFunctionsToAdmin.payOutFees, init, migrate, processEvent"),
    ],
)  # fmt: skip
def test_refused_function_application_writes_nothing(recorder: Recorder, function: str, args: list[str], message: str) -> None:
    with recorder:
        before = len(recorder.store())
        with pytest.raises(AdminRejected) as e:
            recorder.apply_function(function, args, time_ms=T0 + 2000)
        assert str(e.value) == message and e.value.outcome.http_status == 400
        assert len(recorder.store()) == before


def test_event_the_shim_refuses_is_not_recorded(recorder: Recorder) -> None:
    with recorder:
        before = len(recorder.store())
        answer = recorder.event(deposit(T0 + 1000, "alice", 5, request_id=None), time_ms=T0 + 1000)  # a null id
        assert answer is not None and json.loads(answer)["Err"].startswith("Failed to JSON decode argument: ")
        assert len(recorder.store()) == before
        recorder.event(deposit(T0 + 2000, "alice", 5, request_id="2"), time_ms=T0 + 2000)
        assert len(recorder.store()) == before + 1


def test_function_application_needs_a_2023_writer_and_app(tmp_path: Path) -> None:
    with Recorder(tmp_path / "old", RESOLVER, era="E5") as old:
        with pytest.raises(ValueError, match="System.Text.Json"):
            old.apply_function("Backend.ExposeFunctionsToAdmin.creditAll", ["1"], time_ms=T0)
    with Recorder(tmp_path / "empty", RESOLVER, era="2022-03") as empty:
        with pytest.raises(AdminRejected, match="No application deployed."):
            empty.apply_function("Backend.ExposeFunctionsToAdmin.creditAll", ["1"], time_ms=T0)
