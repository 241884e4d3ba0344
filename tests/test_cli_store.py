"""The store commands of the CLI: ``elmreplay summary`` and ``elmreplay events`` (exit codes, formats)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from elmreplay.cli import main
from elmreplay.store import open_store
from elmreplay.store.writer import StoreWriter, WriterEra

T0 = 1626180000000
COLUMNS = [
    "index", "record_hash", "parent_hash", "kind", "reverted", "has_reduction", "app_config_hash",
    "event_type", "posix_time_milli", "time", "http_method", "http_uri", "http_request_id",
    "payload_size", "revert_target", "event_count", "location", "problem",
]  # fmt: skip


def http(t: int, method: str, uri: str) -> str:
    return json.dumps({"HttpRequestEvent": {"posixTimeMilli": t, "httpRequestId": f"{t}-1", "request": {"method": method, "uri": uri, "bodyAsBase64": "", "headers": []}}})


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small E5 store: deploy, three requests (one reverted), a task event, a reduction, a torn tail."""
    root = tmp_path_factory.mktemp("cli") / "store"
    w = StoreWriter.new_store(root, WriterEra.E5)
    _, config = w.append_deploy({"elm.json": b"{}", "src/Backend/Main.elm": b"module Backend.Main exposing (..)"}, migrate=False, time_ms=T0)
    a = w.append_app_event(http(T0 + 1, "POST", "http://localhost/a"), T0 + 1)
    w.append_app_event(http(T0 + 2, "GET", "http://localhost/ä"), T0 + 60_001)
    w.append_revert(a.record_hash, T0 + 60_002)
    w.append_app_event(json.dumps({"TaskCompleteEvent": {"taskId": "t", "taskResult": {"CompleteWithoutResult": {}}}}), T0 + 60_003)
    w.write_reduction(a.record_hash, state_json=b"1", app_config_hash=config)
    w.append_torn(b'{"par', T0 + 60_004)
    return root


@pytest.fixture(scope="module")
def bad_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli-bad") / "store"
    w = StoreWriter.new_store(root, WriterEra.E5)
    w.append_app_event(http(T0, "GET", "/"), T0)
    log = next(p for p in (root / "composition-log").rglob("*") if p.is_file())
    log.write_bytes(log.read_bytes() + b"{not json\n")
    return root


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# --- success ---------------------------------------------------------------------------------------------


def test_summary_text(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["summary", str(store_dir)], capsys)
    assert code == 0 and err == ""
    assert "E5+" in out and "5 records (1 reverted), 1 reductions" in out and "torn last append: 5 bytes" in out
    assert open_store(store_dir).head_hash in out  # type: ignore[operator]


def test_summary_json(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["summary", str(store_dir), "--json"], capsys)
    s = json.loads(out)
    assert code == 0
    assert s == json.loads(json.dumps(open_store(store_dir).summary()))
    assert (s["record_count"], s["reverted_count"], s["reduction_count"], s["torn_tail_bytes"]) == (5, 1, 1, 5)


def check_rows(rows: list[dict[str, object]], store_dir: Path) -> None:
    store = open_store(store_dir)
    assert len(rows) == len(store)
    assert all(list(r) == COLUMNS for r in rows)
    assert [r["record_hash"] for r in rows] == [rec.hash for rec in store.records]
    assert [r["index"] for r in rows] == list(range(5))
    assert [r["reverted"] for r in rows] == [False, False, True, False, False]
    assert [r["has_reduction"] for r in rows] == [False, True, False, False, False]
    assert [r["kind"] for r in rows] == [
        "DeployAppConfigAndInitElmAppState",
        "UpdateElmAppStateForEvent",
        "UpdateElmAppStateForEvent",
        "RevertProcessTo",
        "UpdateElmAppStateForEvent",
    ]
    assert rows[1]["posix_time_milli"] == T0 + 1 and rows[0]["posix_time_milli"] is None
    assert rows[1]["time"] == "2021-07-13T12:40:00.001Z"
    assert (rows[2]["http_method"], rows[2]["http_uri"]) == ("GET", "http://localhost/ä")
    assert rows[4]["event_type"] == "TaskCompleteEvent" and rows[4]["http_method"] is None
    assert rows[0]["app_config_hash"] == store.deployments()["app_config_hash"][0]
    assert rows[1]["payload_size"] == len(http(T0 + 1, "POST", "http://localhost/a").encode())
    assert rows[3]["revert_target"] == rows[1]["record_hash"]


def test_events_json_to_stdout(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["events", str(store_dir), "--format", "json"], capsys)
    assert code == 0 and err == ""
    rows = json.loads(out)
    assert isinstance(rows, list)
    check_rows(rows, store_dir)


def test_events_json_to_file(store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "events.json"
    code, out, _ = run(["events", str(store_dir), "--format", "json", "-o", str(out_file)], capsys)
    assert code == 0 and out == ""
    check_rows(json.loads(out_file.read_text(encoding="utf-8")), store_dir)


def test_events_csv(store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["events", str(store_dir), "--format", "csv"], capsys)
    assert code == 0
    reader = csv.DictReader(io.StringIO(out))
    rows = list(reader)
    assert reader.fieldnames == COLUMNS and len(rows) == 5
    assert [r["reverted"] for r in rows] == ["False", "False", "True", "False", "False"]
    assert rows[2]["http_uri"] == "http://localhost/ä" and rows[1]["posix_time_milli"] == str(T0 + 1)
    out_file = tmp_path / "events.csv"
    assert main(["events", str(store_dir), "--format", "csv", "-o", str(out_file)]) == 0
    assert out_file.read_text(encoding="utf-8") == out


def test_events_parquet(store_dir: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "events.parquet"
    assert main(["events", str(store_dir), "--format", "parquet", "-o", str(out_file)]) == 0
    df = pd.read_parquet(out_file)
    expected = open_store(store_dir).events().reset_index(drop=True)
    assert list(df.columns) == COLUMNS
    assert df["record_hash"].tolist() == expected["record_hash"].tolist()
    assert df["reverted"].tolist() == expected["reverted"].tolist()
    assert df["posix_time_milli"].tolist() == expected["posix_time_milli"].tolist()
    assert df["time"].tolist() == expected["time"].tolist()


def test_events_text(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["events", str(store_dir)], capsys)
    assert code == 0
    assert "RevertProcessTo" in out and "TaskCompleteEvent" in out and len(out.splitlines()) >= 6


def test_parquet_without_output_is_a_usage_error(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["events", str(store_dir), "--format", "parquet"]) == 2
    err = capsys.readouterr().err
    assert "needs -o FILE" in err and len(err.strip().splitlines()) == 1


def test_unknown_format_is_a_usage_error(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["events", str(store_dir), "--format", "xml"])
    assert e.value.code == 2


# --- bad input -------------------------------------------------------------------------------------------


def assert_one_line_error(code: int, out: str, err: str, command: str, cls: str, *fragments: str) -> None:
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"elmreplay {command}: error: {cls}: ")
    for f in fragments:
        assert f in lines[0]


@pytest.mark.parametrize("command", [["summary"], ["summary", "--json"], ["events"], ["events", "--format", "json"]])
def test_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    missing = tmp_path / "nope"
    code, out, err = run([command[0], str(missing), *command[1:]], capsys)
    assert_one_line_error(code, out, err, command[0], "StoreNotFound", str(missing))


def test_not_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "readme.txt").write_text("x")
    code, out, err = run(["summary", str(tmp_path)], capsys)
    assert_one_line_error(code, out, err, "summary", "StoreNotFound", str(tmp_path))


@pytest.mark.parametrize("command", ["summary", "events"])
def test_corrupt_record(bad_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    out_file = tmp_path / "out.csv"
    argv = [command, str(bad_store)] + (["--format", "csv", "-o", str(out_file)] if command == "events" else [])
    code, out, err = run(argv, capsys)
    assert_one_line_error(code, out, err, command, "CorruptRecord", "composition-log/literal/2021-07-13/2021-07-13T12-40 line 2")
    assert not out_file.exists()


def test_debug_shows_the_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["--debug", "summary", str(tmp_path / "nope")], capsys)
    assert code == 2 and "Traceback" in err


@pytest.mark.skipif(shutil.which("elmreplay", path=str(Path(sys.executable).parent)) is None, reason="console script not installed")
def test_console_script(store_dir: Path, tmp_path: Path) -> None:
    exe = shutil.which("elmreplay", path=str(Path(sys.executable).parent))
    assert exe is not None
    ok = subprocess.run([exe, "summary", str(store_dir), "--json"], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and json.loads(ok.stdout)["record_count"] == 5
    bad = subprocess.run([exe, "events", str(tmp_path / "missing")], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stdout == "" and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and "StoreNotFound" in bad.stderr
