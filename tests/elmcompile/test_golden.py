"""Golden tests of the generated Elm: root modules and rewritten exposing lists.

Expected outputs live under tests/elmcompile/golden/<app>/<path>; for the versions of the
sample app family ``notes`` (sample_histories/apps/notes, whose API goes through
GenerateJsonCoders and SourceFiles) under golden/sample-notes-<version>/. After an intended change
of the generator, regenerate them with ``ELMREPLAY_UPDATE_GOLDEN=1 pytest tests/elmcompile``
and review the diff.
"""

from __future__ import annotations

import os

import pytest

from elmreplay.elmcompile import lower_app_config, read_app_dir

from .conftest import APPS, GOLDEN, SAMPLE_APPS, fake_elm_make, sample_deploy_times

UPDATE = os.environ.get("ELMREPLAY_UPDATE_GOLDEN") == "1"
APP_DIRS = {p.name: p for p in APPS.iterdir() if (p / "elm.json").is_file()}
APP_NAMES = sorted(APP_DIRS)
SAMPLE_GOLDEN_FAMILY = "notes"
APP_DIRS.update({
    f"sample-{SAMPLE_GOLDEN_FAMILY}-{p.name}": p
    for p in (SAMPLE_APPS / SAMPLE_GOLDEN_FAMILY).iterdir()
    if (p / "elm.json").is_file()
})
# The tracker's rejected candidate: the 2021 state and migration decoders of its sample's host.
APP_DIRS["sample-tracker-candidate_reject"] = SAMPLE_APPS / "tracker" / "candidate_reject"


def expected_outputs(name: str) -> dict[str, str]:
    """Generated modules plus every source file whose text the lowering changed. A sample app
    is lowered as the host of its sample history's date did; test apps without a date."""
    files = dict(read_app_dir(APP_DIRS[name]))
    deployed = None
    if name.startswith("sample-"):
        (deployed,) = sample_deploy_times(name.split("-")[1]).values()
    lowered = lower_app_config(files, deployed=deployed, elm_make=fake_elm_make)  # ElmMake: a stand-in output
    outputs = dict(lowered.generated)
    for path, content in lowered.files.items():
        if path not in lowered.generated and files.get(path) != content:
            outputs[path] = content.decode("utf-8")
    return outputs


@pytest.mark.parametrize("name", sorted(APP_DIRS))
def test_generated_elm_matches_golden_files(name: str) -> None:
    outputs = expected_outputs(name)
    folder = GOLDEN / name
    if UPDATE:
        for path, text in outputs.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    stored = {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*.elm"))
    }
    assert sorted(stored) == sorted(outputs), "golden files differ in which files exist"
    for path, text in outputs.items():
        assert text == stored[path], f"{name}/{path} differs from its golden file"


def test_sample_golden_files_hold_the_interface_modules() -> None:
    # The notes sample's goldens show the lowered GenerateJsonCoders and SourceFiles modules,
    # the root modules, and Api with the tags of `Problem` exposed.
    for version in ("v1", "v2", "candidate_ok", "candidate_reject"):
        outputs = expected_outputs(f"sample-notes-{version}")
        assert {"src/Backend/InterfaceToHost_Root.elm", "src/Api.elm",
                "src/CompilationInterface/GenerateJsonCoders.elm", "src/CompilationInterface/SourceFiles.elm"} <= set(outputs)
        assert "Problem(..)" in outputs["src/Api.elm"]
        assert "The compiler replaces" not in "".join(outputs.values())


def test_generation_is_deterministic() -> None:
    for name in APP_DIRS:
        assert expected_outputs(name) == expected_outputs(name)


def test_golden_set_covers_the_type_features() -> None:
    text = "\n".join(t for name in APP_NAMES for t in expected_outputs(name).values())
    for feature in [
        "jsonDecode_Maybe",
        "jsonDecode_Result",
        "jsonDecode_Dict",
        "jsonDecode_Set",
        "jsonDecode_Tuple2",
        "jsonDecode_Tuple3",
        "jsonDecode_Bytes",
        "jsonDecode_andMap",
        "Json.Decode.lazy",
        "jsonDecode_singleTagArgument",
        "Json.Decode.succeed ()",
        "Json.Decode.succeed {}",
        "comparable_a",
        "decodeMigrateAndEncodeAndSerializeResult",
        "Interface_DeserializeFailed",
    ]:
        assert feature in text, feature
