"""The corruption corpus through the API and the CLI.

For every kind of damage: the exact exception type and the file / record / line it names; the
CLI prints one line (a traceback only with ``--debug``) and exits 2; where well-defined,
``events --lenient`` lists the readable part and says where it stopped.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

import elmreplay
from elmreplay.cli import EXIT_DIFFERENT, EXIT_INPUT, EXIT_OK, main
from elmreplay.errors import CorruptRecord, ElmReplayError, HashMismatch
from elmreplay.store import open_store
from elmreplay.store.store import Store

from .corpus import KINDS, Ctx, Expect, apply
from .fuzzing import DictFiles
from .stores import BaseStore, sample_base

KIND_NAMES = sorted(KINDS)
CopyOf = Callable[[str], BaseStore]

#: The CLI commands that must fail for damage found at each stage.
FAILING_COMMANDS = {
    "open": ("summary", "events", "state", "verify"),
    "events": ("events", "verify"),
    "reductions": (),  # verify reports the reduction and checks the others (exit 1, see below)
    "app_config": ("verify",),
}


def damaged(name: str, copy_of: CopyOf) -> tuple[Ctx, Expect]:
    return apply(name, copy_of(KINDS[name][0]))


def trigger(store_root: Path, expect: Expect) -> None:
    """Do what finds the damage at its stage (opening must work for the later stages)."""
    store = open_store(store_root)
    if expect.stage == "events":
        store.events()
    elif expect.stage == "reductions":
        store.reductions(check_usable=True)
    elif expect.stage == "app_config":
        assert expect.config_hash is not None
        store.app_config(expect.config_hash)


def assert_error(exc: BaseException, error: type[Exception], where: tuple[str, ...]) -> None:
    assert type(exc) is error, f"{type(exc).__name__} instead of {error.__name__}: {exc}"
    for text in where:
        assert text in str(exc), f"{text!r} not in the message: {exc}"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def cli_args(command: str, ctx: Ctx) -> list[str]:
    args = [command, str(ctx.root)]
    if command in ("state", "verify"):
        args += ctx.base.cli_runtime_args
    return args


def test_the_corpus_has_at_least_30_kinds_over_both_layouts() -> None:
    distinct = {n.split(":", 1)[1] for n in KIND_NAMES}
    assert len(distinct) >= 30, sorted(distinct)
    bases = {b for b, _ in KINDS.values()}
    assert {"chain", "literal", "counter", "counter_admin", "tracker"} <= bases


@pytest.mark.parametrize("name", KIND_NAMES)
def test_api_raises_the_documented_error(name: str, copy_of: CopyOf) -> None:
    ctx, expect = damaged(name, copy_of)
    if expect.error is None:
        store = open_store(ctx.root)
        store.summary()
        assert expect.check is not None
        expect.check(store)
        return
    with pytest.raises(ElmReplayError) as info:
        trigger(ctx.root, expect)
    assert_error(info.value, expect.error, expect.where)


@pytest.mark.parametrize("name", [n for n in KIND_NAMES if KINDS[n][0] in ("chain", "literal", "counter_admin")])
def test_a_whole_replay_raises_the_documented_error(name: str, copy_of: CopyOf) -> None:
    ctx, expect = damaged(name, copy_of)
    runtimes = [ctx.base.runtimes]
    if expect.error is None:
        report = elmreplay.verify(open_store(ctx.root), runtimes=runtimes, progress=False)
        assert report.ok, str(report)
        return
    if expect.stage == "reductions":  # reported with its file; the other reductions are still checked
        report = elmreplay.verify(open_store(ctx.root), runtimes=runtimes, progress=False)
        assert not report.ok and len(report.failed) == 1, str(report)
        file, message = report.failed[0]
        assert file in message and message.startswith(f"{expect.error.__name__}: "), report.failed
        for text in expect.where:
            assert text in message
        assert report.checks and not report.mismatches, str(report)
        return
    with pytest.raises(ElmReplayError) as info:
        elmreplay.verify(open_store(ctx.root), runtimes=runtimes, progress=False)
    if expect.stage == "app_config":
        assert_error(info.value, expect.replay_error or expect.error, expect.replay_where or expect.where)
    else:
        assert_error(info.value, expect.error, expect.where)


@pytest.mark.parametrize("name", KIND_NAMES)
def test_cli_prints_one_line_and_exits_2(name: str, copy_of: CopyOf, capsys: pytest.CaptureFixture[str]) -> None:
    ctx, expect = damaged(name, copy_of)
    if expect.error is None:
        for command in ("summary", "events"):
            code, _, err = run_cli(capsys, *cli_args(command, ctx))
            assert code == EXIT_OK, err
        return
    if expect.stage == "reductions":
        code, out, err = run_cli(capsys, *cli_args("verify", ctx))
        assert code == EXIT_DIFFERENT and err == "", (out, err)
        assert f"unreadable: {expect.where[0]}" in out and expect.error.__name__ in out, out
        return
    for command in FAILING_COMMANDS[expect.stage]:
        code, out, err = run_cli(capsys, *cli_args(command, ctx))
        assert code == EXIT_INPUT, (command, out, err)
        assert out == "", (command, out)
        lines = err.splitlines()
        assert len(lines) == 1, (command, err)
        assert "Traceback" not in err
        error = expect.error if command != "verify" or expect.stage == "open" else (expect.replay_error or expect.error)
        assert lines[0].startswith(f"elmreplay {command}: error: {error.__name__}: "), (command, lines[0])
    # --debug shows where in the code
    code, _, err = run_cli(capsys, "--debug", *cli_args(FAILING_COMMANDS[expect.stage][0], ctx))
    assert code == EXIT_INPUT and "Traceback (most recent call last)" in err


@pytest.mark.parametrize("name", KIND_NAMES)
def test_lenient_events_list_the_readable_part(name: str, copy_of: CopyOf, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ctx, expect = damaged(name, copy_of)
    store = open_store(ctx.root, lenient=True)  # lenient opening never raises for damage inside the store
    df = store.events(lenient=True)
    stopped = df.attrs["stopped"]
    if expect.error is None or expect.stage in ("reductions", "app_config"):
        # the log itself is intact: everything is listed
        assert stopped is None and list(df["record_hash"]) == [r.hash for r in open_store(ctx.root).records]
        return
    assert stopped is not None and stopped["error"] == expect.error.__name__ and stopped["after"] == len(df)
    for text in expect.where:
        assert text in stopped["message"]
    if expect.lenient is None:
        return  # what comes before this damage is not well-defined; it is still reported
    assert list(df["record_hash"]) == expect.lenient
    out = tmp_path / "events.json"
    code, _, err = run_cli(capsys, "events", str(ctx.root), "--lenient", "--format", "json", "-o", str(out))
    assert code == EXIT_INPUT
    assert [row["record_hash"] for row in json.loads(out.read_text())] == expect.lenient
    (line,) = err.splitlines()
    assert line.startswith(f"elmreplay events: stopped after {len(expect.lenient)} records: {expect.error.__name__}: ")
    for text in expect.where:
        assert text in line


def test_lenient_events_of_an_intact_store_are_complete(copy_of: CopyOf, capsys: pytest.CaptureFixture[str]) -> None:
    base = copy_of("counter_admin")
    df = open_store(base.root, lenient=True).events(lenient=True)
    assert df.attrs["stopped"] is None and len(df) == len(open_store(base.root))
    code, out, err = run_cli(capsys, "events", str(base.root), "--lenient", "--format", "csv")
    assert code == EXIT_OK and err == "" and out.count("\n") == len(df) + 1


@pytest.mark.parametrize("name", ["literal:line-cut-in-the-middle", "chain:head-points-at-a-list", "literal:deflate-bomb-declared-size"])
def test_the_installed_command_prints_one_line(name: str, copy_of: CopyOf) -> None:
    """The real process (not main() in this one): one stderr line, exit 2, no traceback."""
    ctx, expect = damaged(name, copy_of)
    command = "verify" if expect.stage != "open" else "summary"
    proc = subprocess.run(
        [sys.executable, "-m", "elmreplay.cli", *cli_args(command, ctx)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == EXIT_INPUT, proc.stderr
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("argv", [["state", "--at", "999"], ["diff", "--from", "0", "--to", "999"]])
def test_an_out_of_range_index_is_an_input_error(argv: list[str], copy_of: CopyOf, capsys: pytest.CaptureFixture[str]) -> None:
    base = copy_of("counter_admin")
    code, _, err = run_cli(capsys, argv[0], str(base.root), *argv[1:], *base.cli_runtime_args)
    assert code == EXIT_INPUT and len(err.splitlines()) == 1


def cut_each_record(files: DictFiles, store: Store, indices: list[int]) -> None:
    """Cut record ``i``'s line (or flip a byte of its component) for each i: the error names it,
    and lenient reading lists exactly the records before it (literal log files)."""
    for i in indices:
        rec = store.records[i]
        damaged = files.copy()
        segs = tuple(rec.location.path.split("/"))
        if rec.location.line is None:  # a head-hash chain record: its component file
            data = damaged.files[segs]
            damaged.files[segs] = data[:-1] + bytes([data[-1] ^ 1])
            with pytest.raises(HashMismatch, match=rec.location.path):
                Store(damaged)
            assert Store(damaged, lenient=True).stopped is not None
            continue
        lines = damaged.files[segs].split(b"\n")
        lines[rec.location.line - 1] = rec.raw[: len(rec.raw) // 2]
        damaged.files[segs] = b"\n".join(lines)
        with pytest.raises(CorruptRecord) as info:
            Store(damaged)
        assert f"file {rec.location.path} line {rec.location.line}" in str(info.value)
        lenient = Store(damaged, lenient=True)
        assert [r.hash for r in lenient.records] == [r.hash for r in store.records[:i]]
        assert lenient.stopped is not None and lenient.stopped.line == rec.location.line


@pytest.mark.parametrize("layout", ["literal", "chain"])
def test_damage_at_every_record_is_found_where_it_is(small_stores: dict[str, BaseStore], layout: str) -> None:
    files = DictFiles.from_directory(small_stores[layout].root)
    store = Store(files)
    cut_each_record(files, store, list(range(len(store))))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["tracker", "counter_admin", "counter"])
def test_damage_at_sampled_records_of_the_samples(name: str) -> None:
    files = DictFiles.from_directory(sample_base(name).root)
    store = Store(files)
    cut_each_record(files, store, sorted(random.Random(name).sample(range(len(store)), min(len(store), 400))))
