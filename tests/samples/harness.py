"""Helpers for the sample-history tests: load the hand-written ports into V8 and drive them
through scenario steps the way the host would (deploy+init, deploy+migrate, set-state, revert).
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from py_mini_racer import MiniRacer

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_histories"
APPS = SAMPLES / "apps"
PORTS = SAMPLES / "ports"
PORT_LIB = PORTS / "lib" / "elm_port_lib.js"

APP_VERSIONS = sorted(f"{family.name}/{version.name}" for family in APPS.iterdir() for version in family.iterdir())
#: Families of apps with the 2021-09 ``backendMain`` interface (ports after backend_main_2021.js).
BACKEND_MAIN_FAMILIES = ("scheduler",)
BACKEND_MAIN_LIB = PORTS / "lib" / "backend_main_2021.js"
BACKEND_MAIN_VERSIONS = [a for a in APP_VERSIONS if a.split("/")[0] in BACKEND_MAIN_FAMILIES]
#: Families of 2023 web-service apps (ports after webservice_2023.js and the family's own library).
WEB_SERVICE_FAMILIES = ("ledger",)
WEB_SERVICE_VERSIONS = [a for a in APP_VERSIONS if a.split("/")[0] in WEB_SERVICE_FAMILIES]
#: The apps of the 2020 - 2021-08 interface.
OLD_INTERFACE_VERSIONS = [a for a in APP_VERSIONS if a not in BACKEND_MAIN_VERSIONS and a not in WEB_SERVICE_VERSIONS]

# JS that checks serialize -> deserialize -> serialize is the identity, leaving app_state as it was.
_ROUNDTRIP_JS = """(function () {
  var saved = app_state, s = getSerializedState();
  setSerializedState(s);
  var t = getSerializedState();
  app_state = saved;
  return s === t;
})()"""


def load_scenarios() -> ModuleType:
    """Import ``sample_histories/scenarios.py`` (not a package) by path."""
    spec = importlib.util.spec_from_file_location("sample_scenarios", SAMPLES / "scenarios.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def has_migration(app: str) -> bool:
    return (APPS / app / "src" / "MigrateBackendState.elm").is_file()


class Port:
    """One app version's port in a fresh V8 context (library + port file, as the runtime does)."""

    def __init__(self, app: str) -> None:
        self.app = app
        self.ctx = MiniRacer()
        libs = [PORT_LIB] + ([BACKEND_MAIN_LIB] if app in BACKEND_MAIN_VERSIONS else [])
        self.ctx.eval("\n".join(p.read_text(encoding="utf-8") for p in [*libs, PORTS / f"{app}.js"]))

    def init(self) -> None:
        self.ctx.eval("app_state = initState")

    def process(self, event_json: str) -> str:
        return str(self.ctx.call("processEventAndUpdateState", event_json))

    def process_batch(self, events: list[str]) -> list[str]:
        """Process events in order inside V8 (one call); returns the responses."""
        responses = self.ctx.eval(
            f"JSON.stringify({json.dumps(events)}.map(function (e) {{ return processEventAndUpdateState(e); }}))"
        )
        return [str(r) for r in json.loads(str(responses))]

    def state(self) -> str:
        return str(self.ctx.eval("getSerializedState()"))

    def set_state(self, state_json: str) -> None:
        self.ctx.eval(f"setSerializedState({json.dumps(state_json)})")

    def migrate(self, previous_state_json: str) -> str:
        return str(self.ctx.call("interface_migrate", previous_state_json))

    def eval(self, js: str) -> Any:
        return self.ctx.eval(js)

    def roundtrip_is_identity(self) -> bool:
        return bool(self.ctx.eval(_ROUNDTRIP_JS))

    def close(self) -> None:
        self.ctx.close()


def migrate_into(app: str, previous_state_json: str) -> Port:
    """Deploy+migrate: run the new app's migration, then load its result into the new app."""
    port = Port(app)
    result = json.loads(port.migrate(previous_state_json))
    if "Ok" not in result:
        raise AssertionError(f"migration to {app} failed: {result['Err'][0][:500]}")
    migrated = result["Ok"][0]
    port.init()
    port.set_state(migrated)
    if port.state() != migrated:  # the host's check that the new app accepts the migrated state
        raise AssertionError(f"{app} does not load its own migration result")
    return port


@dataclass
class Replay:
    """Result of running scenario steps through the ports."""

    responses: dict[int, str] = field(default_factory=dict)
    states: dict[int, str] = field(default_factory=dict)
    apps: list[str] = field(default_factory=list)
    roundtrips_checked: int = 0
    port: Port | None = None


def replay(steps: list[dict[str, Any]], *, state_every: int = 1, probes: set[int] | None = None) -> Replay:
    """Run steps; keep the serialized state (and check its round trip) every ``state_every`` steps,
    at every non-event step, at the last step and at the ``probes`` (also the step before each).
    Runs of events between kept states go to V8 as one batch (one Python -> V8 call)."""
    result = Replay()
    port: Port | None = None
    app = ""
    wanted = set(probes or ()) | {p - 1 for p in probes or ()}
    pending: list[int] = []

    def keep(index: int) -> bool:
        return steps[index]["op"] != "event" or index % state_every == 0 or index == len(steps) - 1 or index in wanted

    def flush() -> None:
        nonlocal pending
        if pending:
            assert port is not None
            for done, response in zip(pending, port.process_batch([str(steps[i]["json"]) for i in pending])):
                result.responses[done] = response
        pending = []

    for index, step in enumerate(steps):
        op = step["op"]
        if op == "event":
            pending.append(index)
            result.apps.append(app)
            if not keep(index):
                continue
            flush()
        else:
            flush()
            if op == "deploy_init":
                if port is not None:
                    port.close()
                app = str(step["app"])
                port = Port(app)
                port.init()
            elif op == "deploy_migrate":
                assert port is not None
                previous = port.state()
                port.close()
                app = str(step["app"])
                port = migrate_into(app, previous)
            elif op == "set_state":
                assert port is not None
                port.set_state(str(step["state"]))
            elif op == "revert":
                assert port is not None
                port.set_state(result.states[int(str(step["to_step"]))])
            result.apps.append(app)
        assert port is not None
        result.states[index] = port.state()
        assert port.roundtrip_is_identity(), f"round trip changes the state at step {index} ({app})"
        result.roundtrips_checked += 1
    result.port = port
    return result
