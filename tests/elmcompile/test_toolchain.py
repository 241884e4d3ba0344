"""Toolchain manners: app layouts, missing packages named one by one, finding the compiler."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from elmreplay.elmcompile import (
    ElmPackagesUnavailable,
    compile_app_dir,
    lower_app_config,
    read_app_dir,
)
from elmreplay.elmcompile.errors import ElmCompilerMissing, ElmSourceError
from elmreplay.elmcompile.toolchain import (
    ELM_ENV_VAR,
    _classify_failure,
    find_elm,
    missing_packages,
    pinned_packages,
)

from .conftest import APPS, require_elm

PACKAGE_REPORT = json.dumps(
    {
        "type": "error",
        "path": None,
        "title": "PROBLEM LOADING PACKAGE LIST",
        "message": ["I need the list of published packages ...", {"string": "package.elm-lang.org"}],
    }
)

ELM_JSON = {
    "type": "application",
    "source-directories": ["src"],
    "elm-version": "0.19.1",
    "dependencies": {
        "direct": {"elm/core": "1.0.5", "elm/json": "1.1.3", "elm/bytes": "1.0.8"},
        "indirect": {"elm/time": "1.0.0"},
    },
    "test-dependencies": {"direct": {"elm-explorations/test": "1.2.2"}, "indirect": {}},
}


def _lay_out(home: Path, *packages: str) -> None:
    for spec in packages:
        name, version = spec.split(" ")
        target = home / "0.19.1" / "packages" / name / version
        target.mkdir(parents=True)
        (target / "elm.json").write_text("{}", encoding="utf-8")


def test_pinned_packages_cover_every_section() -> None:
    assert pinned_packages(ELM_JSON) == {
        "elm/core": "1.0.5",
        "elm/json": "1.1.3",
        "elm/bytes": "1.0.8",
        "elm/time": "1.0.0",
        "elm-explorations/test": "1.2.2",
    }
    assert pinned_packages("not an object") == {}


def test_missing_packages_checks_each_version_directory(tmp_path: Path) -> None:
    _lay_out(tmp_path, "elm/core 1.0.5", "elm/json 1.1.2")  # the wrong elm/json version
    assert missing_packages(pinned_packages(ELM_JSON), tmp_path) == [
        "elm-explorations/test 1.2.2",
        "elm/bytes 1.0.8",
        "elm/json 1.1.3",
        "elm/time 1.0.0",
    ]


def test_package_failure_is_one_line_naming_each_missing_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    _lay_out(home, "elm/core 1.0.5", "elm/json 1.1.3", "elm/time 1.0.0")
    monkeypatch.setenv("ELM_HOME", str(home))
    project = tmp_path / "project"
    project.mkdir()
    (project / "elm.json").write_text(json.dumps(ELM_JSON), encoding="utf-8")
    error = _classify_failure(PACKAGE_REPORT, "ab" * 32, project)
    assert isinstance(error, ElmPackagesUnavailable)
    message = str(error)
    assert "\n" not in message
    assert "elm/bytes 1.0.8" in message and "elm-explorations/test 1.2.2" in message
    assert "elm/core" not in message and "elm/time" not in message
    assert f"ELM_HOME={home}" in message and "registry.dat" in message
    assert error.missing == ("elm-explorations/test 1.2.2", "elm/bytes 1.0.8")
    assert error.elm_title == "PROBLEM LOADING PACKAGE LIST"
    assert "package.elm-lang.org" in error.elm_message  # Elm's own report, kept aside


def test_package_failure_with_every_package_present_names_the_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    _lay_out(home, *(f"{n} {v}" for n, v in pinned_packages(ELM_JSON).items()))
    monkeypatch.setenv("ELM_HOME", str(home))
    (tmp_path / "elm.json").write_text(json.dumps(ELM_JSON), encoding="utf-8")
    message = str(_classify_failure(PACKAGE_REPORT, None, tmp_path))
    assert "has no 0.19.1/packages/registry.dat" in message and "\n" not in message


def test_other_failures_stay_elm_make_failures(tmp_path: Path) -> None:
    report = json.dumps({"type": "error", "path": "src/A.elm", "title": "MODULE NOT FOUND", "message": ["x"]})
    error = _classify_failure(report, None, tmp_path)
    assert not isinstance(error, ElmPackagesUnavailable)


def test_compiler_is_found_from_the_environment_variable_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "my-elm"
    fake.write_text("#!/bin/sh\necho 0.19.1\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv(ELM_ENV_VAR, str(fake))
    assert find_elm() == str(fake)
    monkeypatch.setenv(ELM_ENV_VAR, str(tmp_path / "absent"))
    with pytest.raises(ElmCompilerMissing, match=ELM_ENV_VAR):
        find_elm()
    monkeypatch.delenv(ELM_ENV_VAR)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ElmCompilerMissing, match="PATH"):
        find_elm()


def _elm_app_layout(tmp_path: Path, name: str) -> Path:
    """A test app in the 2020-04..06 layout: the Elm project under elm-app/."""
    root = tmp_path / name
    shutil.copytree(APPS / name, root / "elm-app")
    (root / "elm-fullstack.json").write_text("{}", encoding="utf-8")
    return root


def test_elm_app_layout_is_read_and_lowered(tmp_path: Path) -> None:
    root = _elm_app_layout(tmp_path, "aliases_and_imports")
    files = read_app_dir(root)
    assert "elm-app/elm.json" in files and "elm-fullstack.json" in files
    plain = lower_app_config(read_app_dir(APPS / "aliases_and_imports"))
    assert lower_app_config(files).generated == plain.generated


def test_directory_without_elm_json_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ElmSourceError, match="elm-app/"):
        read_app_dir(tmp_path)


@pytest.mark.elm
def test_elm_app_layout_compiles_like_the_plain_layout(tmp_path: Path) -> None:
    require_elm()
    root = _elm_app_layout(tmp_path, "aliases_and_imports")
    cache = tmp_path / "cache"
    assert compile_app_dir(root, cache_dir=cache) == compile_app_dir(
        APPS / "aliases_and_imports", cache_dir=cache
    )


@pytest.mark.elm
def test_offline_compile_with_an_empty_elm_home_names_the_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_elm()
    monkeypatch.setenv("ELM_HOME", str(tmp_path / "empty-home"))
    try:
        compile_app_dir(APPS / "aliases_and_imports", cache_dir=tmp_path / "cache")
    except ElmPackagesUnavailable as e:
        assert "\n" not in str(e)
        assert "elm/core 1.0.5" in str(e) and "elm/json 1.1.3" in str(e)
    else:
        pytest.skip("Elm downloaded the packages (network available): nothing to check offline")


def test_cli_compile_offline_prints_one_line(tmp_path: Path) -> None:
    """`elmreplay verify --compile` with no packages anywhere: exit 2 and a single line."""
    try:
        find_elm()
    except ElmCompilerMissing as e:
        pytest.skip(f"needs an Elm compiler to reach the package step: {e}")
    store = Path(__file__).parents[2] / "sample_histories" / "counter_admin" / "store"
    done = subprocess.run(
        [sys.executable, "-m", "elmreplay.cli", "verify", str(store), "--compile"],
        capture_output=True,
        text=True,
        timeout=600,
        env={
            **os.environ,
            "ELM_HOME": str(tmp_path / "empty-home"),
            "ELMREPLAY_CACHE": str(tmp_path / "cache"),
        },
    )
    if done.returncode == 0:
        pytest.skip("Elm downloaded the packages (network available)")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "ElmPackagesUnavailable" in lines[0] and "elm/core" in lines[0]
