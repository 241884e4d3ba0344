"""Purpose-built stores for the replay tests, recorded with small hand-written JS test apps."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Mapping

import pytest

from elmreplay.replay.recorder import Recorder
from elmreplay.runtime.sources import RuntimeResolver
from elmreplay.store import WriterEra, component_hash
from elmreplay.store.trees import build_tree

APPS = Path(__file__).parent / "apps"
T0 = 1_626_180_000_000  # 2021-07-13T12:40Z
MINUTE = 60_000

COUNTER: dict[str, bytes] = {
    "elm.json": b'{"type":"application"}',
    "src/Backend/Main.elm": b"module Backend.Main exposing (..)\n-- counter test app\n",
}
BUILDER: dict[str, bytes] = {
    "elm.json": b'{"type":"application"}',
    "src/Backend/Main.elm": b"module Backend.Main exposing (..)\n-- string builder test app\n",
    "src/MigrateBackendState.elm": b"module MigrateBackendState exposing (migrate)\n",
    "src/Backend/MigrateState.elm": b"module Backend.MigrateState exposing (migrate)\n",
}
BUILDER_WITHOUT_MIGRATION = {k: v for k, v in BUILDER.items() if "Migrate" not in k}


def js(name: str) -> str:
    return (APPS / "b64.js").read_text() + "\n" + (APPS / f"{name}.js").read_text()


class TestApps:
    """A resolver that knows the test apps under every tree encoding."""

    def __init__(self) -> None:
        self.by_hash: dict[str, str] = {}
        from elmreplay.store.trees import TreeEncoding

        for files, name in ((COUNTER, "counter"), (BUILDER, "builder"), (BUILDER_WITHOUT_MIGRATION, "builder")):
            for enc in TreeEncoding:
                self.by_hash[component_hash(build_tree(files, enc))] = js(name)

    def __call__(self, app_config_hash: str, files: Mapping[str, bytes]) -> str | None:
        return self.by_hash.get(app_config_hash)

    def resolver(self) -> RuntimeResolver:
        return RuntimeResolver([self])


def http_event(i: int, t: int, body: str) -> str:
    """An HttpRequestEvent as the 2020-06-20+ host serialized it."""
    return json.dumps(
        {
            "HttpRequestEvent": {
                "posixTimeMilli": t,
                "httpRequestId": f"{t}-{i}",
                "requestContext": {"clientAddress": "127.0.0.1"},
                "request": {
                    "method": "POST",
                    "uri": "http://localhost:5000/",
                    "bodyAsBase64": base64.b64encode(body.encode()).decode(),
                    "headers": [],
                },
            }
        },
        separators=(",", ":"),
    )


def additions(start: int, values: list[int]) -> list[tuple[str, int]]:
    return [(http_event(start + k, T0 + (start + k) * MINUTE, json.dumps({"addition": v})), T0 + (start + k) * MINUTE) for k, v in enumerate(values)]


@pytest.fixture(scope="session")
def test_apps() -> TestApps:
    return TestApps()


@pytest.fixture
def recorder_factory(tmp_path: Path, test_apps: TestApps):  # type: ignore[no-untyped-def]
    made: list[Recorder] = []

    def make(name: str = "store", era: WriterEra = WriterEra.E5, **kw: object) -> Recorder:
        rec = Recorder(tmp_path / name, test_apps.resolver(), era=era, **kw)  # type: ignore[arg-type]
        made.append(rec)
        return rec

    yield make
    for rec in made:
        rec.close()
