"""The sample Elm apps follow the host conventions of their dates: the 2020-2021 interface
(store-format.md sections 6, 9.1) or the 2021-09 ``backendMain`` interface
(docs/modern-eras-replay.md section 2.1)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from elmreplay.elmcompile import elm_toolchain_status
from elmreplay.elmcompile.toolchain import find_elm

from .harness import APP_VERSIONS, APPS, BACKEND_MAIN_VERSIONS, OLD_INTERFACE_VERSIONS, PORTS, WEB_SERVICE_VERSIONS, has_migration

# What the host of the samples' dates (2020-11 .. 2021-07) could deploy: its generated modules
# import Base64, Bytes, Bytes.Decode and Bytes.Encode (from 2020-05-27), so its apps depend on
# elm/bytes and danfishgold/base64-bytes, at the versions the host's own example apps pinned.
SAMPLE_DEPENDENCIES = {"danfishgold/base64-bytes": "1.0.3", "elm/bytes": "1.0.8", "elm/core": "1.0.5", "elm/json": "1.1.3"}
EXPECTED_ELM_JSON = {
    "type": "application",
    "source-directories": ["src"],
    "elm-version": "0.19.1",
    "dependencies": {"direct": SAMPLE_DEPENDENCIES, "indirect": {}},
    "test-dependencies": {"direct": {}, "indirect": {}},
}

WITH_MIGRATION = {
    "counter/v2_string_builder", "counter/candidate_ok", "counter/candidate_reject",
    "tracker/v2", "tracker/v3_bug", "tracker/v4_fix", "tracker/candidate_ok", "tracker/candidate_reject",
    "notes/v2", "notes/candidate_ok", "notes/candidate_reject",
}

# The host's regexes (ElmApp.StateTypeNameFromRootElmModule, PrepareMigrateSerializedValue).
STATE_TYPE_PATTERN = re.compile(r"^interfaceToHost_processEvent\s*:\s*String\s*->\s*([\w\d_]+)\s*->\s*\(\s*", re.M)
MIGRATE_ANNOTATION_PATTERN = re.compile(r"^\s*([\w\d_\.]+)\s*->\s*([\w\d_\.]+)\s*$")


def test_all_versions_are_present() -> None:
    assert APP_VERSIONS == sorted([
        "counter/v1", "counter/v2_string_builder", "counter/candidate_ok", "counter/candidate_reject",
        "tracker/v1", "tracker/v2", "tracker/v3_bug", "tracker/v4_fix", "tracker/candidate_ok", "tracker/candidate_reject",
        "notes/v1", "notes/v2", "notes/candidate_ok", "notes/candidate_reject",
        "scheduler/v1", "scheduler/v2", "scheduler/candidate_ok", "scheduler/candidate_reject",
        "ledger/v1", "ledger/v2", "ledger/candidate_ok", "ledger/candidate_reject",
    ])
    assert BACKEND_MAIN_VERSIONS == [a for a in APP_VERSIONS if a.startswith("scheduler/")]
    assert WEB_SERVICE_VERSIONS == [a for a in APP_VERSIONS if a.startswith("ledger/")]


@pytest.mark.parametrize("app", APP_VERSIONS)
def test_elm_json_pins_what_the_host_could_deploy(app: str) -> None:
    assert json.loads((APPS / app / "elm.json").read_text()) == EXPECTED_ELM_JSON


@pytest.mark.parametrize("app", APP_VERSIONS)
def test_no_own_base64_module(app: str) -> None:
    # Base64 comes from the package, as in the host's apps (an own module would shadow nothing
    # but would differ from what the host's generated imports were written against).
    assert sorted(p.relative_to(APPS / app).as_posix() for p in (APPS / app).rglob("*.elm") if p.name == "Base64.elm") == []


@pytest.mark.parametrize("app", OLD_INTERFACE_VERSIONS)
def test_backend_main_declares_the_old_interface(app: str) -> None:
    text = (APPS / app / "src" / "Backend" / "Main.elm").read_text(encoding="utf-8")
    assert text.startswith("module Backend.Main exposing (..)\n")
    match = STATE_TYPE_PATTERN.search(text)
    assert match is not None and match.group(1) == "State"
    assert "\ninterfaceToHost_initState : State\n" in text
    # The host's generator finds type definitions up to the next blank line and has no leaf
    # for Char or Array: the state types must not use them.
    assert not re.search(r"\b(Char|Array\.Array)\b", text)


@pytest.mark.parametrize("app", OLD_INTERFACE_VERSIONS)
def test_migration_module_where_expected(app: str) -> None:
    assert has_migration(app) == (app in WITH_MIGRATION)
    if not has_migration(app):
        return
    text = (APPS / app / "src" / "MigrateBackendState.elm").read_text(encoding="utf-8")
    assert text.startswith("module MigrateBackendState exposing (migrate)\n")
    annotation = re.search(r"^migrate\s*:(.*)$", text, re.M)
    assert annotation is not None
    match = MIGRATE_ANNOTATION_PATTERN.match(annotation.group(1))
    assert match is not None and match.group(2) == "Backend.Main.State"


@pytest.mark.parametrize("module", ["src/Backend/InterfaceToHost.elm"])
def test_shared_modules_are_identical_in_every_version(module: str) -> None:
    reference = (APPS / OLD_INTERFACE_VERSIONS[0] / module).read_bytes()
    different = [app for app in OLD_INTERFACE_VERSIONS if (APPS / app / module).read_bytes() != reference]
    assert different == []


# --- the 2021-09 backendMain apps ------------------------------------------------------------------

#: ``Backend.MigrateState.migrate : Old -> ( New, BackendCmds New )`` (from f6a9cde9, 2021-09-01).
BACKEND_MAIN_MIGRATE = re.compile(r"^migrate\s*:\s*[\w\d_\.]+\s*->\s*\(\s*Backend\.Main\.State\s*,\s*ElmFullstack\.BackendCmds\s+Backend\.Main\.State\s*\)\s*$", re.M)


@pytest.mark.parametrize("app", BACKEND_MAIN_VERSIONS)
def test_backend_main_apps_declare_backend_main(app: str) -> None:
    text = (APPS / app / "src" / "Backend" / "Main.elm").read_text(encoding="utf-8")
    assert "\nbackendMain : ElmFullstack.BackendConfig State\n" in text
    assert "interfaceToHost_processEvent" not in text and not (APPS / app / "src" / "Backend" / "InterfaceToHost.elm").exists()
    migration = APPS / app / "src" / "Backend" / "MigrateState.elm"
    assert migration.is_file() == (app != "scheduler/v1") and not has_migration(app)
    if migration.is_file():
        assert BACKEND_MAIN_MIGRATE.search(migration.read_text(encoding="utf-8"))


def test_backend_main_apps_share_the_app_side_module() -> None:
    reference = (APPS / BACKEND_MAIN_VERSIONS[0] / "src" / "ElmFullstack.elm").read_bytes()
    assert all((APPS / app / "src" / "ElmFullstack.elm").read_bytes() == reference for app in BACKEND_MAIN_VERSIONS)


@pytest.mark.parametrize("app", WEB_SERVICE_VERSIONS)
def test_web_service_apps_declare_their_entry_point_with_their_platform_module(app: str) -> None:
    """As an Elm-Time host of 2023-02 (webServerMain, Platform.WebServer) or of 2023-05-07 and later
    (webServiceMain, Platform.WebService) compiled them; Backend.ExposeFunctionsToAdmin with functions
    whose last parameter is the state and one other parameter."""
    src = APPS / app / "src"
    text = (src / "Backend" / "Main.elm").read_text(encoding="utf-8")
    server = "\nwebServerMain : Platform.WebServer.WebServerConfig State\n" in text
    service = "\nwebServiceMain : Platform.WebService.WebServiceConfig State\n" in text
    assert server != service and app == "ledger/v1" and server or service
    assert (src / "Platform" / ("WebServer.elm" if server else "WebService.elm")).is_file()
    assert not (src / "Backend" / "InterfaceToHost_Root.elm").exists() and not has_migration(app)
    assert (src / "Backend" / "MigrateState.elm").is_file() == (app != "ledger/v1")
    admin = (src / "Backend" / "ExposeFunctionsToAdmin.elm").read_text(encoding="utf-8")
    annotations = re.findall(r"^(\w+) : (.*)$", admin, re.M)
    assert annotations and all(len(sig.split(" -> ")) == 3 and sig.split(" -> ")[1] == "Backend.Main.State" for _, sig in annotations)


def test_interface_is_the_2020_06_20_shape() -> None:
    text = (APPS / OLD_INTERFACE_VERSIONS[0] / "src" / "Backend" / "InterfaceToHost.elm").read_text()
    # The host treats apps whose InterfaceToHost.elm has this line as pre-2020-06-20 apps.
    assert "DecodeEventSuccess (List ProcessRequest)" not in text
    assert "| DecodeEventSuccess AppEventResponse" in text


@pytest.mark.parametrize("app", APP_VERSIONS)
def test_every_version_has_a_labelled_port(app: str) -> None:
    head = (PORTS / f"{app}.js").read_text(encoding="utf-8")[:400]
    assert "HAND-WRITTEN JavaScript port (not compiler output)" in head
    assert f"sample_histories/apps/{app}" in head


@pytest.mark.elm
@pytest.mark.parametrize("app", APP_VERSIONS)
def test_elm_sources_compile(app: str, tmp_path: Path) -> None:
    # The compiler is found as elmreplay finds it ($ELMREPLAY_ELM, then PATH), and the skip
    # reason names what is missing (the compiler, or which packages in which ELM_HOME).
    ok, reason = elm_toolchain_status(packages=tuple(f"{n}@{v}" for n, v in SAMPLE_DEPENDENCIES.items()))
    if not ok:
        pytest.skip(f"Elm toolchain unavailable: {reason}")
    elm = find_elm()
    copy = tmp_path / "app"
    shutil.copytree(APPS / app, copy)
    modules = ["src/Backend/Main.elm"] + (["src/MigrateBackendState.elm"] if has_migration(app) else [])
    for module in ("MigrateState.elm", "ExposeFunctionsToAdmin.elm"):
        if (copy / "src" / "Backend" / module).is_file():
            modules.append(f"src/Backend/{module}")
    done = subprocess.run(
        [elm, "make", *modules, "--output=/dev/null"], cwd=copy,
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
