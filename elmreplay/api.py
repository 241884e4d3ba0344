"""The small public API: the operations a notebook or script calls, with runtimes found for them.

Runtimes (the apps' JavaScript) come from ``runtimes`` directories, or, when none are given, from
the ``runtimes/`` directory beside the store (the bundled samples have one); ``compile=True``
compiles every app config from its Elm source instead.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .replay.session import ReplaySession
from .replay.verify import VerifyReport
from .replay.whatif import CounterfactualReport, WhatIfReport
from .replay.whatif import counterfactual as _counterfactual
from .replay.whatif import what_if_deploy as _what_if_deploy
from .runtime.sources import RuntimeResolver, default_resolver
from .store.files import DirectoryFiles
from .store.store import Store

if TYPE_CHECKING:
    import pandas as pd

Runtimes = Sequence[str | os.PathLike[str]]


def resolver_for(store: Store, runtimes: Runtimes = (), *, compile: bool = False) -> RuntimeResolver:
    """Where the apps of ``store`` get their JavaScript (see the module docstring)."""
    path = store.files.root if isinstance(store.files, DirectoryFiles) else None
    return default_resolver(path, runtimes, compile=compile)


def replay(store: Store, *, runtimes: Runtimes = (), compile: bool = False, **session_kw: Any) -> ReplaySession:
    """A :class:`ReplaySession` over ``store``: ``state_at(i)``, ``forward()``, ``responses()``...

    Keyword arguments go to :class:`ReplaySession` (``checkpoint_every``, ``memory_budget``,
    ``use_reductions``, ``timeout_s``, ``max_memory``).
    """
    return ReplaySession(store, resolver_for(store, runtimes, compile=compile), **session_kw)


def verify(
    store: Store,
    *,
    runtimes: Runtimes = (),
    compile: bool = False,
    progress: bool = True,
    jobs: int | None = None,
    client: Any = None,
    **kw: Any,
) -> VerifyReport:
    """Replay the whole history and compare with every stored reduction (shows progress).

    The history is split at stored reductions and the parts replayed at once on ``jobs`` local
    worker processes (default: the CPUs; histories under 200,000 records stay in this process
    unless ``jobs`` is given; ``jobs=1``: this process), or on the workers of a Dask
    ``client``. The report is the same either way (see :mod:`elmreplay.replay.parallel`).
    """
    from .replay.parallel import verify_parallel

    resolver = resolver_for(store, runtimes, compile=compile)
    if not progress:
        return verify_parallel(store, resolver, jobs=jobs, client=client, **kw)
    from .ui.progress import progress_bar

    with progress_bar(total=len(store), desc="verify") as bar:
        return verify_parallel(store, resolver, jobs=jobs, client=client, on_progress=bar.update, **kw)


def what_if_deploy(
    store: Store,
    app: str | os.PathLike[str] | Mapping[str, bytes],
    *,
    mode: str = "migrate",
    at: int | None = None,
    runtimes: Runtimes = (),
    compile: bool = False,
    **kw: Any,
) -> WhatIfReport:
    """Dry-run deploying ``app`` (Elm source directory) on an in-memory projection of ``store``."""
    return _what_if_deploy(store, app, resolver_for(store, runtimes, compile=compile), mode=mode, at=at, **kw)


def counterfactual(
    store: Store,
    app: str | os.PathLike[str] | Mapping[str, bytes],
    *,
    at: int,
    mode: str = "migrate",
    runtimes: Runtimes = (),
    compile: bool = False,
    progress: bool = False,
    **kw: Any,
) -> CounterfactualReport:
    """Deploy ``app`` after record ``at`` and compare the later events with the recorded history
    (``progress=True`` shows a bar; Ctrl-C returns the report of the events compared so far).

    Keyword arguments go to :func:`elmreplay.replay.whatif.counterfactual` (``until``,
    ``divergences``: how many divergence points to materialize, ``timeout_s``, ``max_memory``).
    """
    resolver = resolver_for(store, runtimes, compile=compile)
    if not progress or "on_progress" in kw:
        return _counterfactual(store, app, resolver, at=at, mode=mode, **kw)
    from .ui.progress import progress_bar

    with progress_bar(total=0, desc="counterfactual") as bar:

        def step(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        return _counterfactual(store, app, resolver, at=at, mode=mode, on_progress=step, **kw)
def fleet_what_if(
    app: str | os.PathLike[str] | Mapping[str, bytes],
    stores: Sequence[str | os.PathLike[str] | Store],
    *,
    mode: str = "migrate",
    at: int | None = None,
    client: Any = None,
    runtimes: Runtimes = (),
    compile: bool = False,
    jobs: int | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Dry-run deploying ``app`` on every store (one per tenant): a DataFrame, one row per store
    (``verdict`` accept/reject/error, ``host_text``, ``head_hash``, ``seconds``, state sizes
    before and after, ``diff_summary``, ``error``). Runs on a Dask ``client``'s workers, or on
    local worker processes; see :mod:`elmreplay.replay.fleet`."""
    from .replay.fleet import fleet_what_if as _fleet

    kw: dict[str, Any] = dict(mode=mode, at=at, runtimes=runtimes, compile=compile, jobs=jobs, client=client)
    if not progress:
        return _fleet(app, stores, **kw)
    from .ui.progress import progress_bar

    with progress_bar(total=len(stores), desc="fleet") as bar:
        return _fleet(app, stores, on_progress=bar.update, **kw)
