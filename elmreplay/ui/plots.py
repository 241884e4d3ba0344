"""Plots of a store's history (matplotlib): activity by event type, state size, deployments.

Every function draws on a given ``ax`` or a new figure and returns the Axes, so notebooks can
combine and restyle them. Output depends only on the store (no timestamps of the plotting run,
no random colours), so the figures are reproducible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..store.store import Store

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..replay.session import ReplaySession

DEPLOY_COLORS = {"init": "#0969da", "migrate": "#8250df"}


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new_ax = plt.subplots(figsize=figsize)
    return new_ax


def _finish(ax: Axes, created: bool) -> None:
    """Legend outside the plot (deployment labels stay readable); tidy a figure we made."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    if created:
        fig: Any = ax.figure
        fig.tight_layout()


def _deploy_label(row: Mapping[Any, Any], names: Mapping[str, str] | None) -> str:
    config = str(row["app_config_hash"])
    return f"{row['mode']} {(names or {}).get(config) or config[:8]}"


def deployment_times(store: Store, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Deployments with a time: deploy records carry none, so each gets the time of the nearest
    app event before it (after it, for a deploy that starts the history)."""
    df = store.events() if events is None else events
    times = df["time"].ffill().bfill()
    deploys = store.deployments()
    deploys["time"] = [times.iloc[i] for i in deploys["index"]]
    return deploys


def mark_deployments(
    ax: Axes,
    store: Store,
    *,
    x: str = "index",
    names: Mapping[str, str] | None = None,
    events: pd.DataFrame | None = None,
) -> None:
    """Draw every deployment as a vertical line labelled with its mode and app version.

    Parameters
    ----------
    x
        ``"index"`` (record index axis) or ``"time"`` (time axis).
    names
        Readable names of app config hashes (e.g. ``{"632aa6d2…": "v3_bug"}``).
    """
    deploys = deployment_times(store, events) if x == "time" else store.deployments()
    for row in deploys.to_dict("records"):
        pos = row["time"] if x == "time" else row["index"]
        if x == "time" and pd.isna(pos):
            continue
        color = DEPLOY_COLORS.get(str(row["mode"]), "#24292f")
        ax.axvline(pos, color=color, linestyle="--", linewidth=1)
        ax.annotate(
            _deploy_label(row, names),
            xy=(pos, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(2, -2),
            textcoords="offset points",
            rotation=90,
            va="top",
            fontsize=8,
            color=color,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
        )


def events_per_bucket(
    store: Store,
    *,
    freq: str = "1D",
    by: str = "event_type",
    ax: Axes | None = None,
    names: Mapping[str, str] | None = None,
    events: pd.DataFrame | None = None,
) -> Axes:
    """Stacked bars of app events per time bucket, one colour per ``by`` value, with deployments.

    Parameters
    ----------
    freq
        Bucket width as a pandas frequency (``"1h"``, ``"1D"``...).
    by
        Column of ``store.events()`` to split by (``"event_type"``, ``"http_method"``...).
    """
    df = store.events() if events is None else events
    timed = df[df["time"].notna()]
    created = ax is None
    ax = _axes(ax, (10, 3.5))
    if timed.empty:
        ax.set_title("no timed events")
        return ax
    keys = timed[by].astype(object).where(timed[by].notna(), "(none)")
    counts = (
        pd.crosstab(timed["time"].dt.floor(freq), keys.astype(str))
        .sort_index()
        .reindex(columns=sorted(keys.astype(str).unique()))
    )
    full = pd.date_range(counts.index.min(), counts.index.max(), freq=freq)
    counts = counts.reindex(full, fill_value=0)
    width: Any = pd.Timedelta(freq) * 0.9  # matplotlib takes timedeltas on a date axis
    bottom = np.zeros(len(counts))
    for col in counts.columns:
        ax.bar(counts.index, counts[col].to_numpy(), width=width, bottom=bottom, align="edge", label=col)
        bottom += counts[col].to_numpy()
    mark_deployments(ax, store, x="time", names=names, events=df)
    ax.set_ylabel(f"events per {freq}")
    ax.set_title(f"{store.name}: app events per {freq} by {by}")
    _finish(ax, created)
    ax.figure.autofmt_xdate()
    return ax


def state_sizes_from_reductions(store: Store) -> pd.DataFrame:
    """Size in bytes of every stored reduction's state (loads each state component once)."""
    rows = []
    for row in store.reductions().to_dict("records"):
        if pd.isna(row["index"]):
            continue
        red = store.usable_reduction(str(row["record_hash"]))
        if red is not None:
            rows.append({"index": int(row["index"]), "state_bytes": len(red.state_json)})
    return pd.DataFrame(rows, columns=["index", "state_bytes"])


def state_sizes_by_replay(session: ReplaySession, indices: Sequence[int]) -> pd.DataFrame:
    """Size in bytes of the replayed state after each record in ``indices`` (visited in order,
    so one forward replay serves them all)."""
    rows = []
    for i in sorted(set(indices)):
        state = session.state_at(i)
        rows.append({"index": i, "state_bytes": len(state.encode("utf-8")) if state is not None else 0})
    return pd.DataFrame(rows, columns=["index", "state_bytes"])


def state_size(
    store: Store,
    *,
    session: ReplaySession | None = None,
    samples: int = 60,
    ax: Axes | None = None,
    names: Mapping[str, str] | None = None,
) -> Axes:
    """State size over the record index, with deployments.

    From the stored reductions when there is no ``session``; with one, from ``samples`` evenly
    spaced replayed states (plus the records right before and after each deployment, where the
    size jumps), and the reductions as dots for comparison.
    """
    created = ax is None
    ax = _axes(ax, (10, 3.5))
    from_reductions = state_sizes_from_reductions(store)
    if session is not None and len(store):
        n = len(store)
        picks = set(np.linspace(max(session.first_index, 0), n - 1, num=min(samples, n)).round().astype(int).tolist())
        for i in store.deployments()["index"]:
            picks.update(j for j in (int(i) - 1, int(i)) if j >= max(session.first_index, 0))
        sampled = state_sizes_by_replay(session, sorted(picks))
        ax.step(sampled["index"], sampled["state_bytes"] / 1024, where="post", label="replayed state")
    if not from_reductions.empty:
        ax.plot(
            from_reductions["index"], from_reductions["state_bytes"] / 1024, "o", markersize=4, label="stored reductions"
        )
    mark_deployments(ax, store, x="index", names=names)
    ax.set_xlabel("record index")
    ax.set_ylabel("state size (KiB)")
    ax.set_title(f"{store.name}: state size")
    _finish(ax, created)
    return ax
