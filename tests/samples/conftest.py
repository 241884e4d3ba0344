"""Fixtures shared by the sample-history tests (replays are run once per session)."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest

from .harness import Replay, load_scenarios, replay


@pytest.fixture(scope="session")
def scenarios() -> ModuleType:
    return load_scenarios()


@pytest.fixture(scope="session")
def tracker_replay(scenarios: ModuleType) -> Iterator[Replay]:
    incident = scenarios.TRACKER_INCIDENT
    result = replay(scenarios.SCENARIOS["tracker"](), state_every=80, probes={incident["first_corrupting_step"]})
    yield result
    if result.port is not None:
        result.port.close()


@pytest.fixture(scope="session")
def counter_replay(scenarios: ModuleType) -> Iterator[Replay]:
    result = replay(scenarios.SCENARIOS["counter"]())
    yield result
    if result.port is not None:
        result.port.close()
