"""Sessions over the bundled sample histories, shared per module (closed at the end)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import matplotlib
import pytest

import elmreplay
from elmreplay.replay.session import ReplaySession
from elmreplay.store.store import Store

matplotlib.use("Agg")  # no display in CI; set before pyplot is imported anywhere

SAMPLES = Path(__file__).resolve().parents[2] / "sample_histories"


def open_sample(name: str) -> Store:
    return elmreplay.open_store(SAMPLES / name / "store")


@pytest.fixture(scope="module")
def tracker() -> Store:
    return open_sample("tracker")


@pytest.fixture(scope="module")
def counter() -> Store:
    return open_sample("counter")


@pytest.fixture(scope="module")
def counter_admin() -> Store:
    return open_sample("counter_admin")


@pytest.fixture(scope="module")
def tracker_session(tracker: Store) -> Iterator[ReplaySession]:
    with elmreplay.replay(tracker, checkpoint_every=250) as session:
        yield session


@pytest.fixture()
def admin_session(counter_admin: Store) -> Iterator[ReplaySession]:
    with elmreplay.replay(counter_admin) as session:
        yield session
