"""Run independent tasks on worker processes: local ones, or the workers of a Dask cluster.

Two executors behind one call, :func:`run_tasks`:

* **Local processes** (no Dask client given): ``jobs`` fresh interpreters running
  ``python -m elmreplay.replay.pool``, fed pickled tasks over their stdin. They are not
  ``multiprocessing`` (nor a Dask ``LocalCluster``, whose worker processes start by
  ``multiprocessing`` spawn): both would re-import a user's ``__main__`` script in every worker,
  which runs an unguarded script again. Starting them needs no scheduler and no network port.
* **Dask** (a ``distributed.Client``): each task is a future; the data every task shares is
  scattered to the workers once.

A task is ``func(task, shared, on_progress)`` for a module-level ``func``; ``on_progress(units)``
tells how far the task got (local workers pass it on, on Dask a task counts when it is done).
Tasks must be pure (read-only, deterministic): when this process runs out of tasks while a
worker process is still on one, it runs that one too, keeps the first result, and stops its own
run (at its next progress report) when the worker's comes first.
Exceptions a task raises end the whole run; tasks therefore catch what is an answer for them.
Ctrl-C kills the local workers or cancels the Dask futures.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from contextlib import contextmanager
from typing import IO, Any, Callable, Generic, Iterator, Sequence, TypeVar

from ..errors import WorkerError

T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")
Progress = Callable[[int], None]
TaskFunction = Callable[[T, S, Progress | None], R]

_FRAME = struct.Struct(">Q")
#: Seconds between progress reports of a local worker.
PROGRESS_EVERY_S = 0.2


def cpu_count() -> int:
    """CPUs this process may use (the default number of local workers)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_start_workers() -> bool:
    """Whether ``sys.executable`` is a Python interpreter (not some program embedding one)."""
    name = os.path.basename(sys.executable or "").lower()
    return name.startswith(("python", "pypy"))


def dask_workers(client: Any) -> int:
    """How many tasks a Dask cluster runs at once (its worker threads)."""
    return max(1, sum(client.nthreads().values()))


#: Seconds to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT_S = 10


@contextmanager
def dask_client(address: str | None) -> Iterator[Any]:
    """A ``distributed.Client`` of the scheduler at ``address`` (None: yields None, for local
    worker processes); a scheduler that does not answer is a :class:`WorkerError`."""
    if address is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError as e:  # pragma: no cover - a dependency
        raise WorkerError(f"--scheduler needs dask[distributed]: {e}") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as e:
        raise WorkerError(f"Cannot reach the Dask scheduler at {address}: {e}") from None
    try:
        yield client
    finally:
        client.close()


def run_tasks(
    func: TaskFunction[T, S, R],
    tasks: Sequence[T],
    shared: S,
    *,
    weights: Sequence[int] | None = None,
    jobs: int | None = None,
    client: Any = None,
    on_progress: Progress | None = None,
    this_process: bool = True,
) -> list[R]:
    """``[func(t, shared, ...) for t in tasks]``, run on a Dask ``client`` if given, else by
    ``jobs`` local workers (default: the CPUs): this process and ``jobs - 1`` worker processes
    (``this_process=False``: ``jobs`` worker processes), or this process alone when one would do.

    ``weights`` are each task's progress units (default 1); ``on_progress`` gets increments.
    """
    weights = list(weights) if weights is not None else [1] * len(tasks)
    if client is not None:
        return _run_dask(func, tasks, shared, weights, client, on_progress)
    jobs = min(jobs or cpu_count(), len(tasks))
    if jobs <= 1 or not can_start_workers():
        return [_run_here(func, t, shared, w, on_progress) for t, w in zip(tasks, weights)]
    return _LocalPool(func, shared, jobs if this_process else jobs + 1, this_process).run(tasks, weights, on_progress)


def _run_here(func: TaskFunction[T, S, R], task: T, shared: S, weight: int, on_progress: Progress | None) -> R:
    done = 0

    def report(units: int) -> None:
        nonlocal done
        if on_progress is not None and units > done:
            on_progress(units - done)
            done = units

    result = func(task, shared, report)
    report(weight)
    return result


# --- Dask --------------------------------------------------------------------------------------


def _run_dask(
    func: TaskFunction[T, S, R], tasks: Sequence[T], shared: S, weights: list[int], client: Any, on_progress: Progress | None
) -> list[R]:
    from distributed import as_completed

    shared_future = client.scatter(shared, broadcast=True, hash=False)
    futures = [client.submit(func, t, shared_future, None, pure=False) for t in tasks]
    index = {f.key: i for i, f in enumerate(futures)}
    results: list[Any] = [None] * len(tasks)
    try:
        for future in as_completed(futures):
            i = index[future.key]
            try:
                results[i] = future.result()
            except ModuleNotFoundError as e:
                raise WorkerError(f"Dask workers cannot import {e.name}: install elmreplay on every worker") from None
            if on_progress is not None:
                on_progress(weights[i])
    except BaseException:
        client.cancel(futures)  # Ctrl-C or a failure: nothing keeps running on the cluster
        raise
    finally:
        client.cancel([shared_future])
    return results


# --- local worker processes --------------------------------------------------------------------


def _write_frame(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_FRAME.pack(len(data)) + data)
    stream.flush()


def _read_frame(stream: IO[bytes]) -> Any:
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        raise EOFError
    (size,) = _FRAME.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    # Each worker is already one of ``jobs`` processes: it opens stores without line workers.
    env.setdefault("ELMREPLAY_WORKERS", "0")
    return env


class _Superseded(BaseException):
    """Stops this process's copy of a task a worker finished first (a BaseException, so that
    the task's own error handling lets it through)."""


class _LocalPool(Generic[T, S, R]):
    """``jobs - 1`` worker processes (one feeding thread each) and this process, taking tasks
    from one queue. This process works too: it has everything imported (and the caller's
    store open), so it starts at once while the workers start up."""

    def __init__(self, func: TaskFunction[T, S, R], shared: S, jobs: int, this_process: bool = True) -> None:
        self.func = func
        self.this_process = this_process
        self.shared = shared
        self.jobs = jobs
        self.todo: queue.Queue[tuple[int, T]] = queue.Queue()
        self.events: queue.Queue[tuple[str, int, Any]] = queue.Queue()
        self.processes: list[subprocess.Popen[bytes]] = []
        self.stopping = threading.Event()

    def run(self, tasks: Sequence[T], weights: list[int], on_progress: Progress | None) -> list[R]:
        for item in enumerate(tasks):
            self.todo.put(item)
        threads = [threading.Thread(target=self._feed, daemon=True) for _ in range(self.jobs - 1)]
        results: dict[int, R] = {}
        done = [0] * len(tasks)
        in_flight: set[int] = set()  # handed to a worker process
        ran_here: set[int] = set()

        def take(kind: str, i: int, value: Any) -> None:
            if kind == "error":
                raise value
            if kind == "start":
                in_flight.add(i)
                return
            if i in results:
                return  # the other copy of a task run twice finished first
            units = weights[i] if kind == "result" else min(int(value), weights[i])
            if on_progress is not None and units > done[i]:
                on_progress(units - done[i])
            done[i] = max(done[i], units)
            if kind == "result":
                results[i] = value

        held: list[tuple[str, int, Any]] = []  # a worker's error, met inside this process's task

        def drain(hold_errors: bool = False) -> None:
            """Take the workers' events; ``hold_errors``: keep errors for after this process's
            task (raised inside it, the task's own error handling could take them for its own)."""
            while not self.events.empty():
                event = self.events.get_nowait()
                if hold_errors and event[0] == "error":
                    held.append(event)
                else:
                    take(*event)
            if not hold_errors:
                for event in held:
                    take(*event)

        def next_here() -> tuple[int, T] | None:
            """A task for this process: one nobody took yet, else (tasks being pure) the one a
            worker has got least far with, so that a slow worker does not keep everyone waiting."""
            try:
                return self.todo.get_nowait()
            except queue.Empty:
                spare = [j for j in in_flight if j not in results and j not in ran_here]
                if not spare:
                    return None
                j = min(spare, key=lambda j: done[j] / max(weights[j], 1))
                return j, tasks[j]

        try:
            for t in threads:
                t.start()
            while len(results) < len(tasks):
                mine = next_here() if self.this_process else None
                if mine is None:
                    try:
                        take(*self.events.get(timeout=0.1))  # short waits keep Ctrl-C responsive
                    except queue.Empty:
                        pass
                    continue
                i, task = mine
                ran_here.add(i)

                def progress_here(units: int, i: int = i) -> None:
                    take("progress", i, units)
                    drain(hold_errors=True)
                    if i in results:  # a worker finished it first: stop this copy
                        raise _Superseded

                try:
                    take("result", i, self.func(task, self.shared, progress_here))
                except _Superseded:
                    pass
                drain()
        finally:
            self.stopping.set()
            self._kill()
            for t in threads:
                t.join(timeout=5)
            self._kill()  # (one started while stopping)
        return [results[i] for i in range(len(tasks))]

    def _kill(self) -> None:
        for p in list(self.processes):
            if p.poll() is None:
                p.kill()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover - the kernel reaps it later
                pass

    def _feed(self) -> None:
        i = -1
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "elmreplay.replay.pool"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=_worker_env(),
            )
            self.processes.append(proc)
            assert proc.stdin is not None and proc.stdout is not None
            if self.stopping.is_set():
                return
            _write_frame(proc.stdin, (self.func, self.shared))
            # Take tasks only once the worker has started (imported what the function needs):
            # until then this process runs them.
            if _read_frame(proc.stdout)[0] != "ready":
                raise EOFError("no ready frame")
            while not self.stopping.is_set():
                try:
                    i, task = self.todo.get_nowait()
                except queue.Empty:
                    break
                self.events.put(("start", i, None))
                _write_frame(proc.stdin, task)
                while True:
                    kind, value = _read_frame(proc.stdout)
                    self.events.put((kind, i, value))
                    if kind != "progress":
                        break
                if kind == "error":
                    return
            proc.stdin.close()
            proc.wait(timeout=10)
        except (EOFError, OSError, subprocess.TimeoutExpired) as e:
            if not self.stopping.is_set():
                code = proc.poll() if "proc" in locals() else None
                self.events.put(("error", i, WorkerError(f"A local worker process died (exit code {code}): {e!r}")))
        except BaseException as e:  # pragma: no cover - unpicklable reply and the like
            self.events.put(("error", i, WorkerError(f"A local worker process failed: {e!r}")))


def _serve() -> None:
    """A local worker: read ``(func, shared)``, then tasks until stdin closes; reply with
    progress frames and one result (or error) frame per task."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, never into the reply stream
    stdin = sys.stdin.buffer
    try:
        func, shared = _read_frame(stdin)
    except EOFError:
        return
    _write_frame(out, ("ready", None))
    while True:
        try:
            task = _read_frame(stdin)
        except EOFError:
            return
        last = 0.0

        def report(units: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY_S:
                last = now
                _write_frame(out, ("progress", units))

        try:
            result = func(task, shared, report)
        except Exception as e:
            try:
                pickle.dumps(e)
                reply: tuple[str, Any] = ("error", e)
            except Exception:
                reply = ("error", WorkerError(f"{type(e).__name__}: {e}"))
            if not isinstance(e, WorkerError):
                sys.stderr.write(traceback.format_exc())
            _write_frame(out, reply)
            return
        _write_frame(out, ("result", result))


if __name__ == "__main__":
    _serve()
