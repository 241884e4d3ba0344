"""The runtime cache: keys, atomic writes, corrupt entries rebuilt, concurrent use."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from elmreplay.elmcompile import RuntimeCache, compile_app_config, default_cache_dir
from elmreplay.elmcompile import compile as compile_module
from elmreplay.elmcompile.cache import cache_key

from .conftest import main_with_state, make_app


def test_put_get_and_digest_file(tmp_path: Path) -> None:
    cache = RuntimeCache(tmp_path)
    key = cache_key("ab" * 32, "0.19.1", "g1")
    assert cache.get(key) is None
    path = cache.put(key, "var x = 'é';")
    assert path == tmp_path / "runtimes" / key[:2] / f"{key}.js"
    digest = (path.parent / f"{key}.js.sha256").read_text().strip()
    assert digest == hashlib.sha256("var x = 'é';".encode()).hexdigest()
    assert cache.get(key) == "var x = 'é';"
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("damage", ["truncate", "flip", "no-digest", "bad-digest"])
def test_corrupt_entries_are_not_trusted(tmp_path: Path, damage: str) -> None:
    cache = RuntimeCache(tmp_path)
    key = cache_key("cd" * 32, "0.19.1", "g1")
    path = cache.put(key, "var runtime = 1;")
    digest = path.parent / f"{key}.js.sha256"
    if damage == "truncate":
        path.write_text("var runt")
    elif damage == "flip":
        path.write_text("var runtime = 2;")
    elif damage == "no-digest":
        digest.unlink()
    else:
        digest.write_text("0" * 64)
    assert cache.get(key) is None


def test_keys_depend_on_app_config_compiler_and_generator() -> None:
    base = cache_key("a" * 64, "0.19.1", "g1")
    assert len({base, cache_key("b" * 64, "0.19.1", "g1"), cache_key("a" * 64, "0.19.2", "g1"), cache_key("a" * 64, "0.19.1", "g2")}) == 4


def test_default_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ELMREPLAY_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "elmreplay"
    monkeypatch.setenv("ELMREPLAY_CACHE", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"
    assert RuntimeCache().directory == tmp_path / "mine"


class FakeCompiler:
    """Stands in for elm make: counts builds, returns a deterministic text."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.builds = 0
        monkeypatch.setattr(compile_module, "find_elm", lambda elm=None: "/fake/elm")
        monkeypatch.setattr(compile_module, "elm_version", lambda binary: "0.19.1")

        def fake_build(lowered: object, *, elm: str | None, app_config_hash: str | None) -> object:
            self.builds += 1
            return compile_module._Built(f"// runtime for {app_config_hash}\n", None)

        monkeypatch.setattr(compile_module, "_build", fake_build)


FILES = make_app({"Backend.Main": main_with_state("type alias State =\n    Int")})


def test_compile_uses_the_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = FakeCompiler(monkeypatch)
    first = compile_app_config(FILES, app_config_hash="1" * 64, cache_dir=tmp_path)
    second = compile_app_config(FILES, app_config_hash="1" * 64, cache_dir=tmp_path)
    assert first == second == "// runtime for " + "1" * 64 + "\n"
    assert fake.builds == 1
    compile_app_config(FILES, app_config_hash="2" * 64, cache_dir=tmp_path)
    assert fake.builds == 2


def test_corrupt_cache_entry_is_rebuilt(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = FakeCompiler(monkeypatch)
    compile_app_config(FILES, app_config_hash="3" * 64, cache_dir=tmp_path)
    (entry,) = (tmp_path / "runtimes").rglob("*.js")
    entry.write_text("// tampered\n")
    again = compile_app_config(FILES, app_config_hash="3" * 64, cache_dir=tmp_path)
    assert again == "// runtime for " + "3" * 64 + "\n"
    assert fake.builds == 2
    assert entry.read_text() == again  # repaired in place


def test_concurrent_writers_leave_a_valid_entry(tmp_path: Path) -> None:
    cache = RuntimeCache(tmp_path)
    key = cache_key("e" * 64, "0.19.1", "g1")
    text = "var big = '" + "x" * 200_000 + "';"
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(5):
                cache.put(key, text)
                got = cache.get(key)
                assert got in (None, text)  # a reader never sees a partial file as valid
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert cache.get(key) == text
    leftovers = [p for p in (tmp_path / "runtimes").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
