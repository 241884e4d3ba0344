"""Plots return matplotlib Axes, count what they claim, mark deployments, and are reproducible."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import matplotlib.pyplot as plt
import numpy as np
import pytest

import elmreplay
from elmreplay.store.store import Store
from elmreplay.ui import plots


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _vlines(ax: plt.Axes) -> list[float]:
    return [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"]


# The sample's app-config hashes, as sample_histories/build.py recorded them (not hardcoded:
# they change whenever an app version of the sample changes).
TRACKER_VERSIONS = Path(__file__).resolve().parents[2] / "sample_histories" / "tracker" / "runtimes" / "versions.json"


def test_events_per_bucket_counts_every_timed_event(tracker: Store) -> None:
    v3_bug = json.loads(TRACKER_VERSIONS.read_text())["v3_bug"]
    ax = plots.events_per_bucket(tracker, freq="1D", names={v3_bug: "v3_bug"})
    assert isinstance(ax, plt.Axes) and ax.figure is not None
    heights = sum(p.get_height() for p in ax.patches)
    assert heights == tracker.events()["time"].notna().sum()
    assert len(_vlines(ax)) == 4  # one line per deployment
    assert any("migrate v3_bug" in t.get_text() for t in ax.texts)


def test_state_size_from_reductions_and_replay(tracker: Store) -> None:
    ax = plots.state_size(tracker)
    assert len(_vlines(ax)) == 4
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"][0]
    assert list(dots.get_xdata()) == sorted(tracker.reductions()["index"].dropna().astype(int))
    with elmreplay.replay(tracker) as session:
        ax = plots.state_size(tracker, session=session, samples=10)
    replayed = [line for line in ax.get_lines() if line.get_label() == "replayed state"][0]
    xs = list(replayed.get_xdata())
    assert xs[0] == 0 and xs[-1] == len(tracker) - 1 and 2536 in xs and 2537 in xs  # around each deployment
    assert np.all(np.diff(replayed.get_ydata()) > -1)  # the sample's states only grow


def test_plots_are_reproducible(counter: Store) -> None:
    def pixels() -> bytes:
        ax = plots.events_per_bucket(counter, freq="1h")
        ax.figure.canvas.draw()
        data = bytes(ax.figure.canvas.buffer_rgba())
        plt.close(ax.figure)
        return data

    assert pixels() == pixels()


def test_plots_draw_on_given_axes(counter_admin: Store) -> None:
    fig, (a, b) = plt.subplots(2)
    assert plots.events_per_bucket(counter_admin, ax=a) is a
    assert plots.state_size(counter_admin, ax=b) is b
    assert plots.deployment_times(counter_admin)["time"].notna().all()
