"""Progress bars: ``tqdm.auto`` (a widget in Jupyter, text in a terminal), with events/s."""

from __future__ import annotations

from typing import Any


def progress_bar(*, total: int, desc: str, disable: bool | None = None) -> Any:
    """A tqdm bar counting records; ``disable=None`` hides it when output is not a terminal
    or notebook (e.g. in CI logs)."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="ev", unit_scale=True, disable=disable, leave=False)
