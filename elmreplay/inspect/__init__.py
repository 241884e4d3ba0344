"""Inspecting Elm states: Elm-aware diffs (see :mod:`elmreplay.inspect.diff`)."""

from __future__ import annotations

from elmreplay.inspect.diff import ABSENT, Change, StateDiff, diff_states

__all__ = ["ABSENT", "Change", "StateDiff", "diff_states"]
