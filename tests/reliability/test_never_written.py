"""Nothing is ever written, proven for every entry point.

Every CLI command and every public API entry point runs on a read-only copy of each sample store
(files 0444, directories 0555). Because the tests run as root, permissions alone prove nothing,
so every Python-level open for writing and every mutating ``os`` call on a path inside the store
is also recorded. Afterwards the byte-for-byte hash of every file, every directory listing,
mode and mtime must be unchanged — including when the command fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

import elmreplay
from elmreplay.cli import main
from elmreplay.errors import ElmReplayError
from elmreplay.store import open_store
from tests.store.helpers import WriteAudit, make_read_only, make_writable, snapshot

from .stores import SAMPLES, BaseStore, sample_base

STORES = ["counter", "counter_admin", "tracker"]
FAMILY = {"counter": "counter", "counter_admin": "counter", "tracker": "tracker"}


@pytest.fixture(scope="module")
def read_only(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Read-only copies of the sample stores (made once; every test checks they stay as they are)."""
    made: dict[str, BaseStore] = {}
    root = tmp_path_factory.mktemp("read-only")
    for name in STORES:
        made[name] = sample_base(name).copy_to(root / name)
        make_read_only(made[name].root)
    yield made
    for base in made.values():
        make_writable(base.root)


def app_dir(store: str, version: str = "candidate_ok") -> str:
    return str(SAMPLES / "apps" / FAMILY[store] / version)


def mid(store: BaseStore) -> int:
    return len(open_store(store.root)) // 2


# --- the entry points ---------------------------------------------------------------------------------

Cli = Callable[[BaseStore, Path], list[str]]

CLI: dict[str, Cli] = {
    "summary": lambda s, out: ["summary", str(s.root)],
    "summary --json": lambda s, out: ["summary", str(s.root), "--json"],
    "events": lambda s, out: ["events", str(s.root), "-o", str(out / "e.txt")],
    "events json": lambda s, out: ["events", str(s.root), "--format", "json", "-o", str(out / "e.json")],
    "events csv": lambda s, out: ["events", str(s.root), "--format", "csv", "-o", str(out / "e.csv")],
    "events parquet": lambda s, out: ["events", str(s.root), "--format", "parquet", "-o", str(out / "e.parquet")],
    "events --lenient": lambda s, out: ["events", str(s.root), "--lenient", "--format", "json", "-o", str(out / "l.json")],
    "state": lambda s, out: ["state", str(s.root), *s.cli_runtime_args],
    "state --at": lambda s, out: ["state", str(s.root), "--at", str(mid(s)), *s.cli_runtime_args],
    "verify": lambda s, out: ["verify", str(s.root), "--json", *s.cli_runtime_args],
    "diff": lambda s, out: ["diff", str(s.root), "--from", "1", "--to", str(mid(s)), *s.cli_runtime_args],
    "what-if-deploy": lambda s, out: ["what-if-deploy", str(s.root), app_dir(s.name), *s.cli_runtime_args],
    "what-if-deploy reject": lambda s, out: ["what-if-deploy", str(s.root), app_dir(s.name, "candidate_reject"), "--json", *s.cli_runtime_args],
    "what-if-deploy --at init": lambda s, out: ["what-if-deploy", str(s.root), app_dir(s.name), "--at", "3", "--mode", "init", *s.cli_runtime_args],
    "counterfactual": lambda s, out: ["counterfactual", str(s.root), app_dir(s.name), "--at", str(len(open_store(s.root)) - 20), *s.cli_runtime_args],
    # failing commands must not write either
    "fails: no runtimes": lambda s, out: ["verify", str(s.root), "--runtimes", str(out)],
    "fails: no app dir": lambda s, out: ["what-if-deploy", str(s.root), str(out / "nothing-here"), *s.cli_runtime_args],
    "fails: version without runtime": lambda s, out: ["counterfactual", str(s.root), app_dir(s.name, "v1"), "--at", "2", "--runtimes", str(out)],
}


def api_events(s: BaseStore) -> object:
    store = open_store(s.root)
    return (store.events(), store.deployments(), store.reductions(check_usable=True), store.summary(), repr(store), store._repr_html_())


def api_app_configs(s: BaseStore) -> object:
    store = open_store(s.root)
    return [store.app_config(h).to_zip() for h in store.deployments()["app_config_hash"]]


def api_replay(s: BaseStore) -> object:
    store = open_store(s.root)
    with elmreplay.replay(store, runtimes=[s.runtimes]) as session:
        states = [session.state_at(i) for i in (0, len(store) // 2, -1)]
        return states, session.events(), elmreplay.diff_states(states[0] or "null", states[-1] or "null")


def api_verify(s: BaseStore) -> object:
    return elmreplay.verify(open_store(s.root), runtimes=[s.runtimes], progress=False)


def api_what_if(s: BaseStore) -> object:
    store = open_store(s.root)
    return [
        elmreplay.what_if_deploy(store, app_dir(s.name, v), runtimes=[s.runtimes]).to_json()
        for v in ("candidate_ok", "candidate_reject")
    ]


def api_counterfactual(s: BaseStore) -> object:
    store = open_store(s.root)
    return elmreplay.counterfactual(store, app_dir(s.name), at=len(store) - 20, runtimes=[s.runtimes]).to_json()


def api_lenient(s: BaseStore) -> object:
    return open_store(s.root, lenient=True).events(lenient=True)


def api_timeline(s: BaseStore) -> object:
    timeline = pytest.importorskip("elmreplay.ui.timeline")
    widget = timeline.Timeline(open_store(s.root), runtimes=[s.runtimes], debounce_s=0)
    try:
        widget.show(len(widget.store) - 1)
        return repr(widget)
    finally:
        widget.session.close()


def api_fails(s: BaseStore) -> object:
    return elmreplay.verify(open_store(s.root), runtimes=[SAMPLES / "apps"], progress=False)


API: dict[str, Callable[[BaseStore], object]] = {
    "open_store/events/deployments/reductions/summary": api_events,
    "app_config/to_zip": api_app_configs,
    "replay/state_at/events/diff_states": api_replay,
    "verify": api_verify,
    "what_if_deploy": api_what_if,
    "counterfactual": api_counterfactual,
    "lenient events": api_lenient,
    "timeline": api_timeline,
    "fails: verify without runtimes": api_fails,
}


def audited(store: BaseStore, monkeypatch: pytest.MonkeyPatch, run: Callable[[], object]) -> None:
    before = snapshot(store.root)
    with monkeypatch.context() as m:
        audit = WriteAudit(store.root).install(m)
        try:
            run()
        except (ElmReplayError, SystemExit):
            pass  # failing is allowed; writing is not
    assert audit.violations == []
    assert audit.read_opens > 0, "the audit saw no read of the store: it was not live"
    assert snapshot(store.root) == before


@pytest.mark.parametrize("command", sorted(CLI))
@pytest.mark.parametrize("name", STORES)
def test_cli_writes_nothing(read_only: dict[str, BaseStore], name: str, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    store = read_only[name]
    audited(store, monkeypatch, lambda: main(CLI[command](store, tmp_path)))
    capsys.readouterr()


@pytest.mark.parametrize("entry", sorted(API))
@pytest.mark.parametrize("name", STORES)
def test_api_writes_nothing(read_only: dict[str, BaseStore], name: str, entry: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = read_only[name]
    audited(store, monkeypatch, lambda: API[entry](store))


def test_the_audit_catches_a_write(read_only: dict[str, BaseStore], monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit must be able to fail: an explicit write into the store is recorded (then undone)."""
    target = read_only["counter_admin"].root / "provisional-reduction" / "intruder"
    with monkeypatch.context() as m:
        audit = WriteAudit(read_only["counter_admin"].root).install(m)
        target.write_bytes(b"x")  # root ignores the 0555 directory, so only the audit can tell
    target.unlink()
    assert len(audit.violations) == 1 and "intruder" in audit.violations[0]
