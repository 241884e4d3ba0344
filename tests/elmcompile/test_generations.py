"""The host period chosen for a deployment time (elmcompile/generations.py), without Elm."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from elmreplay.elmcompile.generations import HOST_GENERATIONS, choose_host_generation, host_generation_at
from elmreplay.elmcompile.interfaces import HOST_FORMS
from elmreplay.store.recordtimes import TimeBounds

UTC = timezone.utc
CODERS_2021 = HOST_FORMS["CompilationInterface.GenerateJsonCoders"]
CODERS_2020_NAME = HOST_FORMS["ElmFullstackCompilerInterface.GenerateJsonCoders"]
LOWERING = HOST_FORMS["ElmFullstackLoweringInterface.GenerateJsonCoders"]


def at(*parts: int) -> TimeBounds:
    moment = datetime(*parts, tzinfo=UTC)  # type: ignore[misc]
    return TimeBounds(moment, moment + timedelta(minutes=1), "test")


@pytest.mark.parametrize(("moment", "commit", "state", "migration"), [
    ((2020, 11, 16), "a9e04a4e", "2020", "2020"),
    ((2021, 5, 15, 7, 50), "df9d2d41", "2020", "2020"),  # minutes before 70bab634
    ((2021, 5, 16), "70bab634", "2021-04", "2020"),
    ((2021, 5, 18, 12), "52a2ecb0", "2021", "2020"),
    ((2021, 5, 19), "da027786", "2021", "2021"),
    ((2021, 12, 1), "da027786", "2021", "2021"),  # past the old interface's end: its last code
])
def test_a_known_moment_gives_its_period(moment: tuple[int, ...], commit: str, state: str, migration: str) -> None:
    host, note = choose_host_generation(at(*moment), [], True)
    assert (host.commit, host.state_coders, host.migration_coders, note) == (commit, state, migration, None)
    assert host_generation_at(datetime(*moment, tzinfo=UTC)) == host  # type: ignore[misc]


def test_before_2020_05_27_no_bytes_imports_and_before_the_first_period_its_code() -> None:
    assert not choose_host_generation(at(2020, 5, 1, 13), [], True)[0].bytes_imports
    assert choose_host_generation(at(2019, 12, 1), [], True)[0] == HOST_GENERATIONS[0]


def test_an_interval_takes_the_period_covering_most_of_it_among_those_that_could_compile() -> None:
    e4_chain = TimeBounds(datetime(2021, 2, 14, tzinfo=UTC), datetime(2021, 7, 14, tzinfo=UTC), "literal-element/")
    host, note = choose_host_generation(e4_chain, [], True)
    assert host.commit == "a9e04a4e" and note is not None and "da027786" in note
    # CompilationInterface.GenerateJsonCoders was read only from df9d2d41: the 2021 periods remain.
    host, note = choose_host_generation(e4_chain, [CODERS_2021], True)
    assert host.commit == "da027786" and note is not None and "df9d2d41" in note
    # An app without Bytes support: only the host before 2020-05-27 could compile it.
    e1_chain = TimeBounds(datetime(2020, 5, 5, tzinfo=UTC), datetime(2021, 2, 14, tzinfo=UTC), "component/")
    assert choose_host_generation(e1_chain, [], False) == (HOST_GENERATIONS[0], None)
    assert choose_host_generation(e1_chain, [], True) == (HOST_GENERATIONS[1], None)  # same decoders: no note


def test_without_a_date_the_module_names_decide() -> None:
    host, note = choose_host_generation(None, [LOWERING], True)  # 2020 decoders wherever the name was read
    assert (host.interface_coders, host.state_coders, host.migration_coders, note) == ("2020", "2020", "2020", None)
    host, note = choose_host_generation(None, [CODERS_2020_NAME], True)
    assert host.commit == "a9e04a4e" and note is not None and note.startswith("no deploy time is known")
    assert choose_host_generation(None, [CODERS_2021], True)[0].commit == "da027786"
