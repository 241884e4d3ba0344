"""The base stores the reliability tests damage, and the test app that wrote them.

Two small stores are recorded at test time by the host-faithful recorder (so their reductions
are what the app really computed): ``chain`` in the E3 layout (head-hash chain, ``component/``
and ``deflated-component/``, events as blob components) and ``literal`` in the E5 layout
(literal log files over several minutes, inline events). Both hold a deploy, app events, a
set-state, a revert and reductions every few events. The three sample histories are the other
bases; their runtimes stay where they are.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from elmreplay import Recorder
from elmreplay.runtime.sources import RuntimeDirectory, RuntimeResolver
from elmreplay.store import WriterEra, component_hash
from elmreplay.store.trees import TreeEncoding, build_tree

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_histories"

#: 2021-07-13T12:40:00Z, the first day of the E5 layout.
T0 = 1_626_180_000_000
SECOND = 1000

#: The test app's JavaScript. The last segment of a request's URI is its command: a number is
#: added to the counter; the other commands misbehave on purpose (hostile-app tests).
COUNTER_JS = r"""
var initState = 0;
var app_state;
// The app keeps its own references: the "clobber" command breaks the globals for everyone else.
var ownParse = JSON.parse, ownStringify = JSON.stringify, ownSplit = String.prototype.split;
function reliabilityCommand(eventJson) {
  var ev = ownParse(eventJson);
  if (ev && ev.HttpRequestEvent) { var parts = ownSplit.call(ev.HttpRequestEvent.request.uri, "/"); return parts[parts.length - 1]; }
  return "1";
}
function processEventAndUpdateState(eventJson) {
  var cmd = reliabilityCommand(eventJson);
  if (cmd === "loop") { while (true) {} }
  if (cmd === "grow") { var a = []; while (true) a.push(new Array(100000).fill(cmd)); }
  if (cmd === "recurse") { var f = function (n) { return f(n + 1) + 1; }; f(0); }
  if (cmd === "throw-object") throw { not: "an Error" };
  if (cmd === "throw-undefined") throw undefined;
  if (cmd === "throw-string") throw "a plain string";
  if (cmd === "return-number") return 42;
  if (cmd === "return-null") return null;
  if (cmd === "return-object") return { toString: function () { throw new Error("sneaky"); } };
  if (cmd === "huge-response") { var s = "x"; while (true) s = s + s; }
  if (cmd === "clobber") {
    JSON.parse = function () { throw new Error("clobbered parse"); };
    JSON.stringify = function () { return 17; };
    Array.prototype.push = null;
    Object.keys = null;
    Array.prototype.join = null;
    String.prototype.slice = null;
    String = null;
    Object.defineProperty = null;
    try { globalThis.__elmreplay = null; } catch (e) {}
    try { delete globalThis.__elmreplay; } catch (e) {}
  }
  if (cmd === "log") console.log("counter is", app_state, "x".repeat(5000));
  if (cmd === "probe") {
    var probe = {};
    var names = ["require", "fetch", "XMLHttpRequest", "process", "Deno", "Bun", "WebSocket", "importScripts", "Worker"];
    for (var i = 0; i < names.length; i++) probe[names[i]] = typeof globalThis[names[i]];
    return ownStringify(probe);
  }
  if (cmd === "timer") setTimeout(function () { app_state += 1000; }, 0);
  var n = parseInt(cmd, 10);
  if (!isNaN(n)) app_state += n;
  return ownStringify({ counter: app_state });
}
function getSerializedState() { return ownStringify(app_state); }
function setSerializedState(s) { var v = ownParse(s); app_state = typeof v === "number" ? v : 0; }
"""

APP_FILES: dict[str, bytes] = {
    "elm.json": b'{"type":"application","source-directories":["src"]}',
    "src/Backend/Main.elm": b"module Backend.Main exposing (..)\n-- reliability test counter\n",
    # >= 10000 bytes and compressible: stored in the deflated directory (store-format section 2.6)
    "static/big.txt": b"compressible text " * 1000,
}


def http_event(k: int, t: int, command: str) -> str:
    """A 2021-interface HttpRequestEvent whose URI ends in ``command``."""
    return json.dumps(
        {
            "HttpRequestEvent": {
                "posixTimeMilli": t,
                "httpRequestId": f"{t}-{k}",
                "requestContext": {"clientAddress": "127.0.0.1"},
                "request": {"method": "POST", "uri": f"http://localhost:5000/add/{command}", "bodyAsBase64": "", "headers": []},
            }
        },
        separators=(",", ":"),
    )


class AppRuntimes:
    """A runtime provider that knows the test app under every tree encoding."""

    def __init__(self, extra: Mapping[str, str] | None = None) -> None:
        self.by_hash = {component_hash(build_tree(APP_FILES, enc)): COUNTER_JS for enc in TreeEncoding}
        self.by_hash.update(extra or {})

    def __call__(self, app_config_hash: str, files: Mapping[str, bytes]) -> str | None:
        return self.by_hash.get(app_config_hash)

    def resolver(self) -> RuntimeResolver:
        return RuntimeResolver([self])


@dataclass
class BaseStore:
    """A store directory and where its apps' JavaScript is."""

    name: str
    root: Path
    runtimes: Path
    #: For sample stores the runtimes are not beside the copy: pass them explicitly.
    explicit_runtimes: bool = False
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def cli_runtime_args(self) -> list[str]:
        return ["--runtimes", str(self.runtimes)] if self.explicit_runtimes else []

    def resolver(self) -> RuntimeResolver:
        return RuntimeResolver([RuntimeDirectory(self.runtimes)])

    def copy_to(self, dest: Path) -> BaseStore:
        """A copy of the store at ``dest/store`` (runtimes copied beside it, or referenced)."""
        shutil.copytree(self.root, dest / "store", symlinks=True)
        runtimes = self.runtimes
        if not self.explicit_runtimes:
            runtimes = dest / "runtimes"
            shutil.copytree(self.runtimes, runtimes)
        return BaseStore(self.name, dest / "store", runtimes, self.explicit_runtimes, dict(self.meta))


def record_small_store(directory: Path, era: WriterEra) -> dict[str, object]:
    """Record the small history; returns facts about it (record hashes, indices of interest)."""
    rec = Recorder(directory / "store", AppRuntimes().resolver(), era=era, reduction_every_events=6)
    try:
        t = T0
        rec.deploy(APP_FILES, migrate=False, time_ms=t)

        def events(first: int, n: int) -> None:
            nonlocal t
            batch = []
            for k in range(first, first + n):
                t += 25 * SECOND  # about two records per minute: several log files in E5
                batch.append((http_event(k, t, str(k)), t))
            rec.events(batch)

        events(1, 12)
        t += SECOND
        rec.set_state("100", time_ms=t)
        events(13, 8)
        t += SECOND
        revert_target_index = 5
        rec.revert(rec.records[revert_target_index], time_ms=t)
        events(21, 8)
        config_hash = rec.app_config_hash(APP_FILES)
    finally:
        rec.close()
    runtimes = directory / "runtimes"
    runtimes.mkdir()
    (runtimes / f"{config_hash}.js").write_text(COUNTER_JS, encoding="utf-8")
    return {"app_config_hash": config_hash, "revert_target_index": revert_target_index}


def build_small_stores(root: Path) -> dict[str, BaseStore]:
    out = {}
    for name, era in (("chain", WriterEra.E3), ("literal", WriterEra.E5)):
        meta = record_small_store(root / name, era)
        out[name] = BaseStore(name, root / name / "store", root / name / "runtimes", meta=meta)
    return out


#: A next version of the test app with a migration module (what-if and counterfactual tests).
CANDIDATE = {**APP_FILES, "src/Backend/MigrateState.elm": b"module Backend.MigrateState exposing (migrate)\n"}
CANDIDATE_HASH = component_hash(build_tree(CANDIDATE, TreeEncoding.CODEPOINTS))


def candidate_runtimes(migrate_js: str) -> RuntimeResolver:
    """Runtimes for the test app and for the candidate, whose migration is ``migrate_js``."""
    return AppRuntimes({CANDIDATE_HASH: COUNTER_JS + "\n" + migrate_js}).resolver()


def sample_base(name: str) -> BaseStore:
    return BaseStore(name, SAMPLES / name / "store", SAMPLES / name / "runtimes", explicit_runtimes=True)
