"""Every case of issue 17's "Why" list, tried as a new user would: hostile output paths, hostile
input files, signals, wrong-typed fields, unreadable reductions, exit codes and CLI conventions.

Each test asserts the exit code, a one-line message (no traceback) and that the store is
byte-for-byte unchanged (:func:`tests.store.helpers.snapshot`: content, listing, mode, mtime).
Commands that could hang (FIFOs) or need real signals run in a subprocess with a timeout.
"""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import pytest

import elmreplay
from elmreplay.cli import EXIT_DIFFERENT, EXIT_INPUT, EXIT_OK, main
from elmreplay.errors import AmbiguousHash, CorruptRecord, UnsafeOutput
from elmreplay.store import StoreWriter, WriterEra, open_store
from elmreplay.store import workers
from tests.store.helpers import snapshot

from .stores import APP_FILES, CANDIDATE, CANDIDATE_HASH, COUNTER_JS, REPO, SAMPLES, T0, BaseStore, http_event

CopyOf = Callable[[str], BaseStore]
PYTHON = sys.executable


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def cli_process(*argv: str, timeout: float = 60, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m elmreplay ...`` in a fresh process (never hangs the test: a timeout fails it)."""
    return subprocess.run([PYTHON, "-m", "elmreplay", *argv], capture_output=True, text=True, timeout=timeout, env=env(), cwd=cwd)


def one_line(err: str, *texts: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for text in texts:
        assert text in lines[0], (text, lines[0])
    return lines[0]


def log_file(store: BaseStore) -> Path:
    return sorted((store.root / "composition-log").rglob("*"))[-1]


# --- 1. writes that cannot hit a store -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "text", "parquet"])
def test_o_hard_link_to_a_store_file_is_refused(copy_of: CopyOf, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    store = copy_of("literal")
    target = log_file(store)
    out = tmp_path / "out"
    os.link(target, out)
    before = snapshot(store.root)
    code, stdout, err = cli(capsys, "events", str(store.root), "--format", fmt, "-o", str(out))
    assert code == EXIT_INPUT and stdout == ""
    one_line(err, "UnsafeOutput", str(out), "same file as composition-log/", "hard link")
    assert snapshot(store.root) == before
    assert os.path.samefile(out, target)  # not even replaced


@pytest.mark.parametrize("where", ["inside", "symlink into", "the store itself", "via a symlinked directory"])
def test_o_inside_the_store_is_refused(copy_of: CopyOf, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str) -> None:
    store = copy_of("literal")
    if where == "inside":
        out = store.root / "composition-log" / "events.csv"
    elif where == "symlink into":
        out = tmp_path / "link.csv"
        out.symlink_to(log_file(store))
    elif where == "the store itself":
        out = store.root
    else:
        (tmp_path / "d").symlink_to(store.root / "composition-log")
        out = tmp_path / "d" / "new.csv"
    before = snapshot(store.root)
    code, _, err = cli(capsys, "events", str(store.root), "--format", "csv", "-o", str(out))
    assert code == EXIT_INPUT
    one_line(err, "UnsafeOutput", "inside the store")
    assert snapshot(store.root) == before


def test_outputs_replace_a_file_by_rename_never_in_place(copy_of: CopyOf, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An existing output is replaced by a new file (new inode); a second name of the old one keeps its bytes."""
    store = copy_of("literal")
    out, other_name = tmp_path / "e.csv", tmp_path / "other-name"
    out.write_text("old\n")
    os.link(out, other_name)
    assert cli(capsys, "events", str(store.root), "--format", "csv", "-o", str(out))[0] == EXIT_OK
    assert other_name.read_text() == "old\n" and not os.path.samefile(out, other_name)
    assert out.read_text().startswith("index,record_hash")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_the_compile_cache_is_never_written_into_a_store(copy_of: CopyOf) -> None:
    from elmreplay.elmcompile.cache import RuntimeCache

    store = copy_of("literal")
    open_store(store.root)
    before = snapshot(store.root)
    with pytest.raises(UnsafeOutput, match="inside the store"):
        RuntimeCache(store.root / "cache").put("ab" * 32, "var x;")
    assert snapshot(store.root) == before


def test_a_new_store_is_never_recorded_inside_an_opened_store(copy_of: CopyOf) -> None:
    store = copy_of("literal")
    open_store(store.root)
    before = snapshot(store.root)
    with pytest.raises(UnsafeOutput):
        elmreplay.Recorder(store.root / "nested", runtimes=[store.runtimes])
    assert snapshot(store.root) == before


# --- 2. one line, exit 2, for every OS-level failure ---------------------------------------------


def test_o_dev_full(copy_of: CopyOf) -> None:
    store = copy_of("literal")
    before = snapshot(store.root)
    done = cli_process("events", str(store.root), "--format", "csv", "-o", "/dev/full")
    assert done.returncode == EXIT_INPUT and done.stdout == ""
    one_line(done.stderr, "OutputError", "/dev/full", "No space left on device")
    assert snapshot(store.root) == before


def test_stdout_to_dev_full(copy_of: CopyOf) -> None:
    store = copy_of("literal")
    with open("/dev/full", "w") as full:
        done = subprocess.run([PYTHON, "-m", "elmreplay", "events", str(store.root)], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60, env=env())
    assert done.returncode == EXIT_INPUT
    one_line(done.stderr, "No space left on device")


@pytest.mark.parametrize("case", ["missing directory", "a directory", "no permission"])
def test_o_os_failures(copy_of: CopyOf, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    store = copy_of("literal")
    out = {"missing directory": tmp_path / "nope" / "e.csv", "a directory": tmp_path, "no permission": tmp_path / "e.csv"}[case]
    if case == "no permission":  # the tests run as root, which ignores modes: the OS's answer is simulated
        real_open = os.open

        def deny(path: Any, flags: int, *a: Any, **k: Any) -> int:
            if str(path).startswith(str(tmp_path)) and flags & os.O_CREAT:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, flags, *a, **k)

        monkeypatch.setattr(os, "open", deny)
    before = snapshot(store.root)
    code, _, err = cli(capsys, "events", str(store.root), "--format", "csv", "-o", str(out))
    assert code == EXIT_INPUT
    one_line(err, "OutputError", {"missing directory": "does not exist", "a directory": "is a directory", "no permission": "Permission denied"}[case])
    assert snapshot(store.root) == before
    assert not (tmp_path / "e.csv").exists()


def _runtime_dir(store: BaseStore) -> tuple[Path, str]:
    js = next(store.runtimes.glob("*.js"))
    return store.runtimes, js.stem


@pytest.mark.parametrize("case", ["js not utf-8", "manifest not utf-8", "manifest entry not utf-8", "manifest of numbers"])
def test_runtime_files_that_are_not_text(copy_of: CopyOf, capsys: pytest.CaptureFixture[str], case: str) -> None:
    store = copy_of("literal")
    runtimes, h = _runtime_dir(store)
    if case == "js not utf-8":
        (runtimes / f"{h}.js").write_bytes(COUNTER_JS.encode() + b"\n// caf\xe9\n")
        texts: tuple[str, ...] = (f"{h}.js", "not valid UTF-8")
    else:
        (runtimes / f"{h}.js").unlink()
        if case == "manifest not utf-8":
            (runtimes / "runtimes.json").write_bytes(b'{"' + h.encode() + b'": ["a\xff.js"]}')
            texts = ("runtimes.json", "not valid UTF-8 JSON")
        elif case == "manifest entry not utf-8":
            (runtimes / "app.js").write_bytes(b"\xff\xfe" + COUNTER_JS.encode("utf-16-le"))
            (runtimes / "runtimes.json").write_text(json.dumps({h: ["app.js"]}))
            texts = ("app.js", "not valid UTF-8")
        else:
            (runtimes / "runtimes.json").write_text(json.dumps({h: [1, 2]}))
            texts = ("runtimes.json", "not a JSON object of file lists")
    before = snapshot(store.root)
    code, out, err = cli(capsys, "verify", str(store.root), "--runtimes", str(runtimes))
    assert code == EXIT_INPUT and out == ""
    one_line(err, *texts)
    assert snapshot(store.root) == before


@pytest.mark.parametrize("case", ["manifest entry", "hash.js", "the manifest itself", "app directory file"])
def test_a_fifo_where_a_file_belongs_never_hangs(copy_of: CopyOf, tmp_path: Path, case: str) -> None:
    store = copy_of("literal")
    runtimes, h = _runtime_dir(store)
    argv = ["verify", str(store.root), "--runtimes", str(runtimes)]
    if case == "manifest entry":
        (runtimes / f"{h}.js").unlink()
        os.mkfifo(runtimes / "app.js")
        (runtimes / "runtimes.json").write_text(json.dumps({h: ["app.js"]}))
        named = "app.js"
    elif case == "hash.js":
        (runtimes / f"{h}.js").unlink()
        os.mkfifo(runtimes / f"{h}.js")
        named = f"{h}.js"
    elif case == "the manifest itself":
        os.mkfifo(runtimes / "runtimes.json")
        named = "runtimes.json"
    else:
        app = tmp_path / "app"
        (app / "src").mkdir(parents=True)
        (app / "elm.json").write_text("{}")
        os.mkfifo(app / "src" / "Main.elm")
        argv = ["what-if-deploy", str(store.root), str(app), "--runtimes", str(runtimes)]
        named = "Main.elm"
    before = snapshot(store.root)
    done = cli_process(*argv, timeout=60)  # a hang fails here
    assert done.returncode == EXIT_INPUT and done.stdout == ""
    one_line(done.stderr, "InputFileError", named, "a FIFO, not a regular file")
    assert snapshot(store.root) == before


# --- 3. signals ------------------------------------------------------------------------------------


def looping_store(root: Path) -> Path:
    """A store whose 3rd app event sends the app into an endless loop, with its runtime beside it."""
    w = StoreWriter.new_store(root / "store", WriterEra.E5)
    _, h = w.append_deploy(APP_FILES, migrate=False, time_ms=T0)
    for k, command in enumerate(["1", "2", "loop", "3"], start=1):
        w.append_app_event(http_event(k, T0 + k, command), T0 + k)
    (root / "runtimes").mkdir()
    (root / "runtimes" / f"{h}.js").write_text(COUNTER_JS, encoding="utf-8")
    return root / "store"


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_verify_of_an_app_in_an_endless_loop(tmp_path: Path, signum: int, code: int) -> None:
    store = looping_store(tmp_path)
    before = snapshot(store)
    proc = subprocess.Popen([PYTHON, "-m", "elmreplay", "verify", str(store)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
    try:
        time.sleep(4)  # well inside the endless loop (the app's timeout is 30 s)
        assert proc.poll() is None
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    assert out == ""
    assert err.splitlines() == ["elmreplay verify: interrupted at record 1 of 5"], err  # the deploy was done
    assert snapshot(store) == before


def interrupt_cli(signum: int, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI, send ``signum`` once it is well inside an endless loop of the app (whose
    timeout is 30 s), and wait for it to end."""
    proc = subprocess.Popen([PYTHON, "-m", "elmreplay", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
    try:
        time.sleep(4)
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def with_candidate(root: Path, migrate_js: str) -> Path:
    """The candidate app's directory, its runtime (the test app plus ``migrate_js``) beside the store's."""
    app = root / "candidate"
    for name, data in CANDIDATE.items():
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        (app / name).write_bytes(data)
    (root / "runtimes" / f"{CANDIDATE_HASH}.js").write_text(COUNTER_JS + "\n" + migrate_js, encoding="utf-8")
    return app


@pytest.mark.parametrize(
    "command, signum",
    [("what-if-deploy", signal.SIGTERM), ("counterfactual", signal.SIGINT), ("counterfactual", signal.SIGTERM), ("find", signal.SIGINT)],
)
def test_a_signal_during_a_long_command_says_how_far_it_got(tmp_path: Path, command: str, signum: int) -> None:
    """what-if-deploy: the candidate's migration loops after record 1 (2 records done); counterfactual:
    the event at record 3 loops in both timelines after the deploy at record 1 (the partial report,
    no event compared, is printed first); find: replaying from the start meets the loop."""
    store = looping_store(tmp_path)
    runtimes = ["--runtimes", str(tmp_path / "runtimes")]
    looping_migration = "function interface_migrate(s) { while (true) {} }"
    ok_migration = "function interface_migrate(s) { return JSON.stringify({Ok: [s]}); }"
    if command == "find":
        argv = ["find", str(store), "--where", "response.status >= 500", *runtimes]
    else:
        app = with_candidate(tmp_path, looping_migration if command == "what-if-deploy" else ok_migration)
        argv = [command, str(store), str(app), "--at", "1", *runtimes]
    before = snapshot(store)
    done = interrupt_cli(signum, *argv)
    assert done.returncode == 128 + signum, done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    if command == "find":
        assert re.fullmatch(r"elmreplay find: interrupted at record [0-3] of 5\n", done.stderr), done.stderr
    else:
        assert done.stderr == f"elmreplay {command}: interrupted at record 2 of 5\n"
    if command == "counterfactual":
        assert "INTERRUPTED after 0 of 3 events" in done.stdout
    else:
        assert done.stdout == ""
    assert snapshot(store) == before


# --- 5. wrong-typed values inside records ----------------------------------------------------------


def wrong_typed_store(root: Path) -> Path:
    w = StoreWriter.new_store(root, WriterEra.E5)
    w.append_deploy(APP_FILES, migrate=False, time_ms=T0)
    w.append_app_event(http_event(1, T0 + 1, "1"), T0 + 1)
    bad = json.loads(http_event(2, T0 + 2, "2"))
    bad["HttpRequestEvent"]["posixTimeMilli"] = str(T0 + 2)
    w.append_app_event(json.dumps(bad, separators=(",", ":")), T0 + 2)
    bad["HttpRequestEvent"]["posixTimeMilli"] = T0 + 3
    bad["HttpRequestEvent"]["request"]["method"] = 7
    w.append_app_event(json.dumps(bad, separators=(",", ":")), T0 + 3)
    return root


def test_a_wrong_typed_time_is_null_with_a_problem_never_1970(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = wrong_typed_store(tmp_path / "s")
    before = snapshot(root)
    df = open_store(root).events()
    assert df["posix_time_milli"].tolist()[1:] == [T0 + 1, pd.NA, T0 + 3]
    assert pd.isna(df.loc[2, "time"])
    assert pd.isna(df.loc[1, "problem"])
    assert df["problem"].tolist()[2:] == ["posixTimeMilli is a string, not an integer", "request.method is an integer, not a string"]
    assert pd.isna(df.loc[3, "http_method"]) and df.loc[3, "posix_time_milli"] == T0 + 3
    code, out, err = cli(capsys, "events", str(root), "--format", "json")
    assert code == EXIT_OK and err == ""
    rows = json.loads(out)
    assert rows[2]["posix_time_milli"] is None and rows[2]["problem"].startswith("posixTimeMilli")
    code, out, err = cli(capsys, "events", str(root), "--strict")
    assert code == EXIT_INPUT and out == ""
    line = one_line(err, "CorruptRecord", "Record #2", "posixTimeMilli is a string, not an integer", df.loc[2, "record_hash"], "1 more")
    assert line.startswith("elmreplay events: error: ")
    with pytest.raises(CorruptRecord, match="posixTimeMilli"):
        open_store(root).events(strict=True)
    assert snapshot(root) == before


def test_the_problem_column_is_the_same_with_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = wrong_typed_store(tmp_path / "s")
    monkeypatch.setenv("ELMREPLAY_WORKERS", "0")
    alone = open_store(root).events()
    monkeypatch.setattr(workers, "MIN_BYTES", 0)
    monkeypatch.setattr(workers, "HEAD_START_BYTES", 0)  # (else this process would take it all)
    monkeypatch.setenv("ELMREPLAY_WORKERS", "1")
    shared = open_store(root).events()
    pd.testing.assert_frame_equal(alone, shared)
    assert shared["problem"].notna().sum() == 2


# --- 6. verify checks everything it can ------------------------------------------------------------


def test_verify_reports_an_unreadable_reduction_and_checks_the_others(copy_of: CopyOf, capsys: pytest.CaptureFixture[str]) -> None:
    store = copy_of("literal")
    reductions = sorted((store.root / "provisional-reduction").iterdir())
    assert len(reductions) > 2
    reductions[1].write_bytes(b"{not json")
    before = snapshot(store.root)
    code, out, err = cli(capsys, "verify", str(store.root))
    assert code == EXIT_DIFFERENT and err == ""
    assert out.startswith(f"FAILED: {len(reductions) - 1} reductions checked, 0 differ, 1 unreadable")
    assert f"unreadable: provisional-reduction/{reductions[1].name}: CorruptReduction" in out
    assert snapshot(store.root) == before


def test_verify_exits_2_only_when_nothing_could_be_checked(copy_of: CopyOf, capsys: pytest.CaptureFixture[str]) -> None:
    store = copy_of("literal")
    for p in (store.root / "provisional-reduction").iterdir():
        p.write_bytes(b"")
    before = snapshot(store.root)
    code, out, err = cli(capsys, "verify", str(store.root), "--json")
    assert code == EXIT_INPUT
    report = json.loads(out)
    assert report["reductions_checked"] == 0 and len(report["failed"]) == len(list((store.root / "provisional-reduction").iterdir()))
    assert snapshot(store.root) == before


# --- 4. exit codes and CLI conventions -------------------------------------------------------------


def sample(name: str) -> list[str]:
    return [str(SAMPLES / name / "store"), "--runtimes", str(SAMPLES / name / "runtimes")]


def test_diff_exits_1_on_a_difference_and_0_without(capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(SAMPLES / "counter" / "store")
    code, out, err = cli(capsys, "diff", *sample("counter"), "--from", "5", "--to", "6")
    assert code == EXIT_DIFFERENT and err == "" and out
    code, out, err = cli(capsys, "diff", *sample("counter"), "--from", "6", "--to", "6")
    assert code == EXIT_OK and err == ""
    assert snapshot(SAMPLES / "counter" / "store") == before


def test_counterfactual_exits_1_when_it_diverges() -> None:
    store = SAMPLES / "tracker" / "store"
    before = snapshot(store)
    done = cli_process("counterfactual", *sample("tracker"), str(SAMPLES / "apps" / "tracker" / "v4_fix"), "--at", "2536", timeout=300)
    assert done.returncode == EXIT_DIFFERENT, done.stderr
    assert "first divergence at record #" in done.stdout and done.stderr == ""
    assert snapshot(store) == before


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_before_or_after_the_subcommand(copy_of: CopyOf, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str) -> None:
    argv = ["summary", str(tmp_path / "missing")]
    argv = ["--debug", *argv] if where == "before" else [*argv, "--debug"]
    code, _, err = cli(capsys, *argv)
    assert code == EXIT_INPUT
    assert "Traceback (most recent call last)" in err and err.splitlines()[-1].startswith("elmreplay summary: error: StoreNotFound")
    code, _, err = cli(capsys, "summary", str(tmp_path / "missing"))
    one_line(err, "StoreNotFound")


def test_python_dash_m_and_version() -> None:
    done = cli_process("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"elmreplay {elmreplay.__version__}"
    done = cli_process("summary", str(SAMPLES / "counter" / "store"), "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["record_count"] > 0
    done = cli_process("bogus")
    assert done.returncode == EXIT_INPUT
    one_line(done.stderr, "invalid choice: 'bogus'", "elmreplay --help")


def test_no_runtime_names_both_ways_out(copy_of: CopyOf, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = copy_of("literal")
    empty = tmp_path / "none"
    empty.mkdir()
    code, _, err = cli(capsys, "verify", str(store.root), "--runtimes", str(empty))
    assert code == EXIT_INPUT
    one_line(err, "RuntimeUnavailable", "No runtime for app config", "--runtimes DIR", "--compile")


def test_hash_prefixes_as_summary_prints_them(capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(SAMPLES / "tracker" / "store")
    code, out, _ = cli(capsys, "summary", str(SAMPLES / "tracker" / "store"))
    shown = [line.split("app config ")[1] for line in out.splitlines() if "app config" in line]
    assert shown and all(s.endswith("…") for s in shown)
    for s in shown:  # exactly as printed, ellipsis and all
        assert store.app_config(s).hash.startswith(s.rstrip("…"))
    head = store.head_hash
    assert head is not None and store.index_of(head[:7].upper()) == len(store) - 1
    with pytest.raises(AmbiguousHash, match="No record hash starts with"):
        store.record_hash("ffffffffff")
    with pytest.raises(AmbiguousHash, match="at least 4"):
        store.record_hash("ab")


def test_hash_prefixes_agree_with_a_plain_scan() -> None:
    """Oracle: for every 4-digit prefix of some record, the resolver answers exactly what a
    scan of all hashes does (one match: that hash; several: AmbiguousHash)."""
    store = open_store(SAMPLES / "tracker" / "store")
    hashes = [store.records.hash(i) for i in range(len(store))]
    for prefix in sorted({h[:4] for h in hashes})[:400]:
        matches = sorted({h for h in hashes if h.startswith(prefix)})
        if len(matches) == 1:
            assert store.record_hash(prefix) == matches[0]
        else:
            with pytest.raises(AmbiguousHash, match=f"{len(matches)} record hashes"):
                store.record_hash(prefix)


@pytest.mark.parametrize("command", ["state", "diff", "verify"])
def test_an_interrupt_says_how_far_the_command_got(copy_of: CopyOf, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str) -> None:
    from elmreplay.runtime.engine import AppProcess

    from .test_interrupts import interrupt_on_call

    store = copy_of("literal")
    n = len(open_store(store.root))
    argv = {"state": ["state", str(store.root)], "diff": ["diff", str(store.root), "--from", "1", "--to", str(n - 1)], "verify": ["verify", str(store.root)]}[command]
    before = snapshot(store.root)
    with monkeypatch.context() as m:
        interrupt_on_call(m, AppProcess, "run_batch", 1 if command == "state" else 2)  # (state starts from a reduction)
        code, out, err = cli(capsys, *argv)
    assert code == 130 and out == ""
    line = one_line(err, f"elmreplay {command}: interrupted at record ")
    done = int(line.split("at record ")[1].split(" of ")[0])
    assert 0 <= done < n and line.endswith(f" of {n}")
    assert snapshot(store.root) == before


def test_a_directory_that_is_not_a_store_is_not_protected(tmp_path: Path) -> None:
    """Trying to open an empty directory as a store does not stop recording a new store into it."""
    from elmreplay.errors import StoreNotFound

    with pytest.raises(StoreNotFound):
        open_store(tmp_path)
    with elmreplay.Recorder(tmp_path, runtimes=[SAMPLES / "counter_admin" / "runtimes"]) as rec:
        rec.deploy(SAMPLES / "apps" / "counter" / "v1", migrate=False, time_ms=T0)
    assert len(open_store(tmp_path)) == 1
