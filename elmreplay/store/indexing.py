"""Record indices as users type them (``--at``, ``at=``): one meaning everywhere.

An index is the 0-based append-order position of ``Store.events()`` (reverted records count);
a negative one counts from the end, so -1 is the head. Every entry point (the CLI's ``state``,
``what-if-deploy``, ``counterfactual`` and ``diff``, the API, replay sessions) resolves indices
here, so they all accept and refuse the same numbers with the same message.
"""

from __future__ import annotations

import operator

from ..errors import RecordIndexOutOfRange


def resolve_index(index: int, count: int) -> int:
    """The record position ``index`` names in a store of ``count`` records (0 <= result < count).

    Raises :class:`RecordIndexOutOfRange` naming ``index`` as given and the valid range.
    """
    if isinstance(index, bool):
        raise TypeError("a record index must be an int, not bool")
    index = operator.index(index)  # also numpy integers (from a DataFrame); never a float
    if count <= 0:
        raise RecordIndexOutOfRange(f"record index {index} is out of range: the store has no records", index=index, count=count)
    position = index + count if index < 0 else index
    if not 0 <= position < count:
        raise RecordIndexOutOfRange(
            f"record index {index} is out of range: the store has {count} records, "
            f"valid indices are 0..{count - 1} (or -{count}..-1 counting from the end)",
            index=index,
            count=count,
        )
    return position
