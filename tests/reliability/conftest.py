"""Fixtures for the reliability tests: small recorder-made stores of both layouts, copies of the
sample stores (with their runtimes), and the switch for the slow profile.

Set ``ELMREPLAY_SLOW=1`` to run the tests marked ``slow`` and to scale every fuzz test up
(``ELMREPLAY_FUZZ_SCALE``, default 1, or 25 with ``ELMREPLAY_SLOW=1``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from tests.reliability.stores import BaseStore, build_small_stores, sample_base

SLOW = os.environ.get("ELMREPLAY_SLOW") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SLOW:
        return
    skip = pytest.mark.skip(reason="slow: set ELMREPLAY_SLOW=1 to run")
    here = Path(__file__).parent
    for item in items:
        if "slow" in item.keywords and Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def small_stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BaseStore]:
    """The pristine recorder-made stores ("chain": E3 head-hash chain, "literal": E5 log files)."""
    return build_small_stores(tmp_path_factory.mktemp("reliability-bases"))


@pytest.fixture(scope="session")
def bases(small_stores: dict[str, BaseStore]) -> dict[str, BaseStore]:
    """Every pristine base store by name: the small ones and the three sample histories."""
    out = dict(small_stores)
    for name in ("counter", "counter_admin", "tracker"):
        out[name] = sample_base(name)
    return out


@pytest.fixture
def copy_of(tmp_path: Path, bases: dict[str, BaseStore]) -> Iterator[object]:
    """``copy_of(name)``: a writable copy of a base store in a fresh directory."""
    made: list[Path] = []

    def make(name: str) -> BaseStore:
        base = bases[name]
        dest = tmp_path / f"{name}-{len(made)}"
        made.append(dest)
        return base.copy_to(dest)

    yield make
    for d in made:  # tests may leave read-only directories behind
        for dirpath, _, _ in os.walk(d):
            os.chmod(dirpath, 0o755)
        shutil.rmtree(d, ignore_errors=True)
