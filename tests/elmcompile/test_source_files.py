"""`SourceFiles` compilation-interface modules: functions that name a file get its content."""

from __future__ import annotations

import base64

import pytest

from elmreplay.elmcompile import build_runtime, lower_app_config
from elmreplay.elmcompile.errors import CompilationInterfaceError, MissingElmDependency
from elmreplay.elmcompile.interfaces import PLACEHOLDER_PATTERN
from elmreplay.elmcompile.sourcefiles import file_path_representation

from .conftest import APPS, app_files, main_with_state, make_app, require_elm

APP = APPS / "source_files"
MODULE = "CompilationInterface.SourceFiles"
BYTES_DEPS = {
    "danfishgold/base64-bytes": "1.0.3",
    "elm/bytes": "1.0.8",
    "elm/core": "1.0.5",
    "elm/json": "1.1.3",
}


def test_path_representation_is_the_hosts() -> None:
    assert file_path_representation("static/index.html") == "static_index_html"
    assert file_path_representation("a-file.txt") == "a_file_txt"
    assert file_path_representation("dir/Grüße.txt") == "dir_Gr__e_txt"  # ASCII letters only


def test_every_function_is_replaced() -> None:
    lowered = lower_app_config(app_files("source_files"))
    text = lowered.files["src/CompilationInterface/SourceFiles.elm"].decode()
    assert not PLACEHOLDER_PATTERN.search(text)
    assert "\nimport Base64\n" in text


def _app(functions: str, files: dict[str, bytes] | None = None, imports: str = "import Bytes\n") -> dict[str, bytes]:
    app = make_app(
        {
            "Backend.Main": main_with_state("type alias State =\n    Int\n"),
            MODULE: f"module {MODULE} exposing (..)\n\n{imports}\n\n{functions}",
        },
        direct=BYTES_DEPS,
    )
    app.update(files or {"static/a-b.txt": b"text\n"})
    return app


def _function(name: str, annotation: str | None) -> str:
    head = f"{name} : {annotation}\n" if annotation else ""
    return f'{head}{name} =\n    "The compiler replaces this declaration."\n'


@pytest.mark.parametrize(
    ("name", "annotation", "files", "message"),
    [
        ("file____static_c_txt", "Bytes.Bytes", None, "no file of the app config has a path spelled 'static_c_txt'"),
        ("file____a_b_txt", "Bytes.Bytes", {"a-b.txt": b"1", "a_b.txt": b"2"}, r"matches 2 files \(a-b.txt, a_b.txt\)"),
        ("fileAbout", "Bytes.Bytes", None, "does not have the form"),
        ("readme____static_a_b_txt", "Bytes.Bytes", None, "does not have the form"),
        ("file____static_a_b_txt", "String", None, "needs exactly one of the flags"),
        ("file__utf8__base64____static_a_b_txt", "String", None, "needs exactly one of the flags"),
        ("file__utf8____static_a_b_txt", "Int", None, "`Int` is neither"),
        ("file__utf8____bin", "String", {"bin": b"\xff\xfe"}, "not valid UTF-8"),
        ("file__gzip____static_a_b_txt", None, None, "unknown flag 'gzip'"),
    ],
)
def test_names_and_annotations_the_host_would_not_have_read_are_errors(
    name: str, annotation: str | None, files: dict[str, bytes] | None, message: str
) -> None:
    with pytest.raises(CompilationInterfaceError, match=message) as info:
        lower_app_config(_app(_function(name, annotation), files))
    assert info.value.module == MODULE and info.value.function == name


@pytest.mark.parametrize(
    ("name", "annotation", "expected"),
    [
        # The annotation picks the host generation's reading of the flags.
        ("file__gzip____static_a_b_txt", "Bytes.Bytes", "\"dGV4dAo=\"\n    |> Base64.toBytes"),  # unknown flags ignored (2021-03)
        ("file__utf8____static_a_b_txt", "Bytes.Bytes", "\"dGV4dAo=\"\n    |> Base64.toBytes"),  # before utf8 existed
        ("file__BASE64____static_a_b_txt", "String", '"dGV4dAo="'),  # flags in lower case (2021-05-20)
        ("file__utf8____static_a_b_txt", "String", '"text\\n"'),
        ("file__utf8____static_a_b_txt", None, '"text\\n"'),
        ("file____static_a_b_txt", None, "\"dGV4dAo=\"\n    |> Base64.toBytes"),
    ],
)
def test_the_annotation_decides_between_the_hosts_readings(
    name: str, annotation: str | None, expected: str
) -> None:
    lowered = lower_app_config(_app(_function(name, annotation)))
    text = lowered.files["src/CompilationInterface/SourceFiles.elm"].decode()
    assert f"\n{name} =\n    {expected}" in text


def test_bytes_need_a_base64_module() -> None:
    files = _app(_function("file____static_a_b_txt", "Bytes.Bytes"))
    files["elm.json"] = make_app({}, direct={"elm/core": "1.0.5", "elm/json": "1.1.3", "elm/bytes": "1.0.8"})["elm.json"]
    with pytest.raises(MissingElmDependency, match=r"CompilationInterface.SourceFiles holds Bytes.Bytes\).*`Base64` module"):
        lower_app_config(files)


@pytest.mark.elm
def test_compiled_app_serves_each_file_exactly() -> None:
    from .test_compile_run import load

    require_elm(("elm/bytes@1.0.8", "danfishgold/base64-bytes@1.0.3"))
    expected = {
        "file____static_index_html": base64.b64encode((APP / "static/index.html").read_bytes()).decode(),
        "file__utf8____static_index_html": (APP / "static/index.html").read_bytes().decode("utf-8"),
        "file__base64____data_blob_bin": base64.b64encode((APP / "data/blob.bin").read_bytes()).decode(),
        "file____data_blob_bin": base64.b64encode((APP / "data/blob.bin").read_bytes()).decode(),
        "file__BASE64____a_file_txt": base64.b64encode((APP / "a-file.txt").read_bytes()).decode(),
        "file__utf8____a_file_txt": (APP / "a-file.txt").read_text(encoding="utf-8"),
    }
    for app in load(build_runtime(app_files("source_files"))):
        for event, value in expected.items():
            assert app.event(event) == value, event
