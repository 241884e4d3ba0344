"""The ``elmreplay`` command line (also ``python -m elmreplay``).

Exit codes: 0 success; 1 a check found a difference (``verify``, ``diff``, ``counterfactual``)
or a what-if deployment would be rejected; 2 usage or input errors, including every OS-level
failure (the one-line message names the file, record or event); 3 an internal error (a bug;
``--debug`` shows the traceback); 130 / 143 interrupted by SIGINT / SIGTERM. Global options
(``--debug``) may stand before or after the subcommand.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from typing import Any, NoReturn, Sequence

from .errors import ElmReplayError
from .interrupts import Progress, exit_code, handling_signals, silence_late_reports
from .outputs import check_output, write_output

EXIT_OK, EXIT_DIFFERENT, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
#: What every record index option means (resolved by ``store.indexing.resolve_index``).
AT_HELP = "0-based append-order index as in 'events' (reverted records count); negative counts from the end, -1 = newest"

#: How far the running command got (for "interrupted at record N of M").
PROGRESS = Progress()


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=_json_default, ensure_ascii=False) + "\n")


def cmd_summary(args: argparse.Namespace) -> int:
    from .store import open_store

    store = open_store(args.store)
    if args.json:
        _print_json(store.summary())
    else:
        print(repr(store))
    return EXIT_OK


def cmd_events(args: argparse.Namespace) -> int:
    from .store import open_store

    out = args.output
    store = open_store(args.store, lenient=args.lenient)
    if out is not None:
        check_output(out)  # before the table is built: refuse a target in (or on) the store at once
    elif args.format == "parquet":
        print("elmreplay events: error: --format parquet needs -o FILE", file=sys.stderr)
        return EXIT_INPUT
    df = store.events(strict=args.strict)
    if args.format == "json":
        rows = json.loads(df.to_json(orient="records", date_format="iso"))
        _write_text(out, json.dumps(rows, indent=1, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        _write_text(out, df.to_csv(index=False))
    elif args.format == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError as e:
            print(f"elmreplay events: error: parquet needs pyarrow (pip install 'elmreplay[parquet]'): {e}", file=sys.stderr)
            return EXIT_INPUT
        write_output(out, lambda f: df.to_parquet(f, index=False))
    else:
        _write_text(out, df.to_string() + "\n")
    stopped = df.attrs.get("stopped")
    if stopped is not None:  # --lenient on a damaged store: the rows above are what could be read
        print(f"elmreplay events: stopped after {stopped['after']} records: {stopped['error']}: {stopped['message']}", file=sys.stderr)
        return EXIT_INPUT
    return EXIT_OK


def _resolver(args: argparse.Namespace) -> Any:
    from .runtime.sources import default_resolver

    return default_resolver(args.store, args.runtimes or (), compile=getattr(args, "compile", False))


def _progress(total: int, desc: str) -> Any:
    from .ui.progress import progress_bar

    PROGRESS.total = total
    return progress_bar(total=total, desc=desc, disable=None)


def cmd_state(args: argparse.Namespace) -> int:
    from .replay.session import ReplaySession
    from .store import open_store
    from .store.indexing import resolve_index

    store = open_store(args.store)
    if not store.records:
        print("elmreplay state: error: the store has no records", file=sys.stderr)
        return EXIT_INPUT
    index = resolve_index(args.at if args.at is not None else -1, len(store))
    PROGRESS.total = len(store)
    with ReplaySession(store, _resolver(args)) as session:
        session.seek(index, on_progress=PROGRESS.update)  # (counted for "interrupted at record N")
        state = session.state_at(index)
    if state is None:
        print(f"elmreplay state: no app was running after record {index}", file=sys.stderr)
        return EXIT_DIFFERENT
    sys.stdout.write(state + "\n")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from .replay.parallel import verify_parallel
    from .replay.pool import dask_client
    from .store import open_store

    store = open_store(args.store)
    with dask_client(args.scheduler) as client, _progress(len(store), "verify") as bar:

        replayed = [0]  # counted here: a disabled bar (no terminal) does not count

        def on_progress(records: int) -> None:  # records newly replayed, by any worker
            replayed[0] += records
            bar.update(records)
            PROGRESS.update(replayed[0] - 1)

        report = verify_parallel(store, _resolver(args), jobs=args.jobs, client=client, on_progress=on_progress)
    if args.json:
        _print_json(report.to_json())
    else:
        print(report)
    if report.ok:
        return EXIT_OK
    return EXIT_INPUT if report.nothing_checked else EXIT_DIFFERENT


def cmd_fleet_what_if_deploy(args: argparse.Namespace) -> int:
    from .replay.fleet import fleet_exit_code, fleet_what_if, table_text
    from .replay.pool import dask_client

    with dask_client(args.scheduler) as client, _progress(len(args.stores), "fleet") as bar:
        table = fleet_what_if(
            args.app_dir,
            args.stores,
            mode=args.mode,
            at=args.at,
            runtimes=args.runtimes or (),
            compile=args.compile,
            jobs=args.jobs,
            client=client,
            on_progress=bar.update,
        )
    if args.json:
        _print_json(json.loads(table.to_json(orient="records")))
    else:
        print(table_text(table))
    return fleet_exit_code(table)


def cmd_what_if_deploy(args: argparse.Namespace) -> int:
    from .replay.whatif import what_if_deploy
    from .store import open_store

    store = open_store(args.store)
    _progress_at_cut(store, args.at)
    report = what_if_deploy(store, args.app_dir, _resolver(args), mode=args.mode, at=args.at)
    if args.json:
        _print_json(report.to_json())
    else:
        print(report)
    return EXIT_OK if report.accepted else EXIT_DIFFERENT


def cmd_counterfactual(args: argparse.Namespace) -> int:
    from .replay.whatif import counterfactual
    from .store import open_store

    store = open_store(args.store)
    with _progress(0, "counterfactual") as bar:
        _progress_at_cut(store, args.at)

        def step(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        report = counterfactual(
            store, args.app_dir, _resolver(args), mode=args.mode, at=args.at, divergences=args.divergences, on_progress=step
        )
    if args.json:
        _print_json(report.to_json())
    else:
        print(report.summary_line())
        first = report.first_divergence
        if first is not None:
            print(f"  #{first.index} {first.record_hash}")
            print(f"    recorded response:       {first.recorded_response}")
            print(f"    counterfactual response: {first.counterfactual_response}")
        for d in report.divergences[1:]:
            print(f"  #{d.index} {d.record_hash}: response {'differs' if d.response_differs else 'same'}, state {'differs' if d.state_differs else 'same'}")
    if report.interruption is not None:  # the partial report is printed; main says how far it got
        if report.events:
            PROGRESS.update(report.events[-1].index)
        raise report.interruption
    return EXIT_OK if report.deploy.accepted and report.first_divergence is None else EXIT_DIFFERENT


def _progress_at_cut(store: Any, at: int | None) -> None:
    """A deployment tried after record ``at`` (default the head) stands there (for "interrupted at record N of M")."""
    from .store.indexing import resolve_index

    PROGRESS.total = len(store)
    if store.records:
        PROGRESS.update(resolve_index(at if at is not None else -1, len(store)))


def cmd_diff(args: argparse.Namespace) -> int:
    from .replay.session import ReplaySession
    from .store import open_store
    from .inspect.diff import diff_states

    from .store.indexing import resolve_index

    store = open_store(args.store)
    first, second = resolve_index(args.from_index, len(store)), resolve_index(args.to_index, len(store))
    PROGRESS.total = len(store)
    with ReplaySession(store, _resolver(args)) as session:
        session.seek(first, on_progress=PROGRESS.update)
        old = session.state_at(first)
        session.seek(second, on_progress=PROGRESS.update)
        new = session.state_at(second)
    d = diff_states(old or "null", new or "null", old_label=f"#{first}", new_label=f"#{second}")
    if args.json:
        _print_json(d.to_json())
    else:
        print(d)
    return EXIT_DIFFERENT if d.changes else EXIT_OK


def cmd_find(args: argparse.Namespace) -> int:
    """Every record after which the condition holds: exit 0 when one did, 1 when none, 2 when
    the condition does not parse (one line pointing at the column)."""
    from pandas import isna as pd_isna

    from .errors import QuerySyntaxError
    from .inspect.query import parse
    from .replay.session import ReplaySession
    from .store import open_store

    try:
        condition = parse(args.where)
    except QuerySyntaxError as e:
        print(f"elmreplay find: error: bad condition: {e.reason} at column {e.column}: {e.text[: e.column - 1]}<HERE>{e.text[e.column - 1 :]}", file=sys.stderr)
        return EXIT_INPUT
    store = open_store(args.store)
    with ReplaySession(store, _resolver(args)) as session:
        lo = args.from_index if args.from_index is not None else None
        hi = args.to_index + 1 if args.to_index is not None else None
        with _progress(len(store), "find") as bar:

            def on_progress(i: int) -> None:
                PROGRESS.update(i)
                bar.update(i + 1 - bar.n)

            found = session.find(condition, start=lo, stop=hi, first=args.first, on_progress=on_progress)
    if args.json:
        times = [None if pd_isna(t) else t.isoformat() for t in found["time"]]
        rows = [
            {"index": int(i), "kind": kind, "time": t, "matched": m}
            for i, kind, t, m in zip(found["index"], found["kind"], times, found["matched"])
        ]
        _print_json(rows)
    elif args.format == "csv":
        out = found.assign(matched=[json.dumps(m, ensure_ascii=False) for m in found["matched"]])
        sys.stdout.write(out.to_csv(index=False))
    else:
        for i, kind, t, m in zip(found["index"], found["kind"], found["time"], found["matched"]):
            print(f"#{i}  {kind}  {t}  {json.dumps(m, ensure_ascii=False)[:200]}")
        print(f"{len(found)} matching record(s)", file=sys.stderr)
    return EXIT_OK if len(found) else EXIT_DIFFERENT


def _add_runtime_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--runtimes",
        action="append",
        metavar="DIR",
        help="directory of <app-config-hash>.js runtimes (repeatable); default: runtimes/ beside the store",
    )
    p.add_argument("--compile", action="store_true", help="compile every app config from its Elm source instead")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _add_parallel_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", type=_positive, metavar="N", help="local worker processes (default: the CPUs; 1: none)")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask cluster of this scheduler (e.g. tcp://10.0.0.5:8786) instead of local processes",
    )


def _add_fleet_parser(sub: Any) -> None:
    f = sub.add_parser("fleet", help="one operation over many stores (one per tenant)")
    fsub = f.add_subparsers(dest="fleet_command", required=True)
    w = fsub.add_parser("what-if-deploy", help="dry-run a deployment on every store (exit 1 if any rejects)")
    w.add_argument("app_dir", help="directory with the candidate app's Elm source")
    w.add_argument("stores", nargs="+", metavar="STORE")
    w.add_argument("--mode", choices=["migrate", "init"], required=True)
    w.add_argument("--at", type=int, metavar="INDEX", help="project the deploy right after this record (default: newest)")
    w.add_argument("--json", action="store_true")
    _add_runtime_args(w)
    _add_parallel_args(w)
    w.set_defaults(func=cmd_fleet_what_if_deploy)


def _write_text(out: str | None, text: str) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        write_output(out, text)


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line too (exit 2), pointing at ``--help`` instead of printing usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="elmreplay",
        description="Inspect, replay and dry-run Elm-fullstack process stores (read-only).",
    )
    p.add_argument("--debug", action="store_true", help="show Python tracebacks for errors")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("summary", help="era, record and reduction counts, head, deployments")
    s.add_argument("store")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_summary)

    e = sub.add_parser("events", help="every record as a table (JSON, CSV or Parquet)")
    e.add_argument("store")
    e.add_argument("--format", choices=["text", "json", "csv", "parquet"], default="text")
    e.add_argument("-o", "--output")
    e.add_argument(
        "--lenient",
        action="store_true",
        help="on a damaged store, list the records before the damage and say where it stopped (exit 2)",
    )
    e.add_argument(
        "--strict",
        action="store_true",
        help="a field of an event with the wrong type (listed in the 'problem' column otherwise) is an error naming the record (exit 2)",
    )
    e.set_defaults(func=cmd_events)

    st = sub.add_parser("state", help="the serialized Elm state after a record")
    st.add_argument("store")
    st.add_argument("--at", type=int, metavar="INDEX", help=AT_HELP + " (default: -1, the newest)")
    _add_runtime_args(st)
    st.set_defaults(func=cmd_state)

    v = sub.add_parser("verify", help="replay everything and compare with every stored reduction")
    v.add_argument("store")
    v.add_argument("--json", action="store_true")
    _add_runtime_args(v)
    _add_parallel_args(v)
    v.set_defaults(func=cmd_verify)

    w = sub.add_parser("what-if-deploy", help="dry-run a deployment on an in-memory projection (writes nothing)")
    w.add_argument("store")
    w.add_argument("app_dir", help="directory with the app's Elm source (elm.json, src/...)")
    w.add_argument("--mode", choices=["migrate", "init"], default="migrate")
    w.add_argument("--at", type=int, metavar="INDEX", help="project the deploy right after this record: " + AT_HELP + " (default: -1, the newest)")
    w.add_argument("--json", action="store_true")
    _add_runtime_args(w)
    w.set_defaults(func=cmd_what_if_deploy)

    c = sub.add_parser("counterfactual", help="deploy a version at a record and replay the later events through it")
    c.add_argument("store")
    c.add_argument("app_dir")
    c.add_argument("--at", type=int, metavar="INDEX", required=True, help="deploy right after this record: " + AT_HELP)
    c.add_argument("--mode", choices=["migrate", "init"], default="migrate")
    c.add_argument("--divergences", type=int, default=1, metavar="N", help="show responses and states at the first N divergences (default 1)")
    c.add_argument("--json", action="store_true")
    _add_runtime_args(c)
    c.set_defaults(func=cmd_counterfactual)

    _add_fleet_parser(sub)

    d = sub.add_parser("diff", help="Elm-aware diff of the states after two records")
    d.add_argument("store")
    d.add_argument("--from", dest="from_index", type=int, required=True, metavar="I", help=AT_HELP)
    d.add_argument("--to", dest="to_index", type=int, required=True, metavar="J", help=AT_HELP)
    d.add_argument("--json", action="store_true")
    _add_runtime_args(d)
    d.set_defaults(func=cmd_diff)

    f = sub.add_parser("find", help="every record after which a condition on the state, event or response holds")
    f.add_argument("store")
    f.add_argument("--where", required=True, metavar="COND", help="e.g. '.issues[*].assignee is Nothing', 'response.status >= 500'")
    f.add_argument("--from", dest="from_index", type=int, metavar="I", help="first record to look at (default: the first)")
    f.add_argument("--to", dest="to_index", type=int, metavar="J", help="last record to look at, included (default: the newest)")
    f.add_argument("--first", action="store_true", help="stop at the first match")
    fmt = f.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--format", choices=["text", "csv"], default="text")
    _add_runtime_args(f)
    f.set_defaults(func=cmd_find)
    return p


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    """Global options are accepted after the subcommand too (``elmreplay verify S --debug``):
    every subcommand gets them with a suppressed default, so the main parser's value stands
    unless given there."""
    parser.add_argument("--version", action="version", version=f"elmreplay {_version()}")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show Python tracebacks for errors")


def _version() -> str:
    from . import __version__

    return __version__


def _one_line(text: str) -> str:
    """The first line of a message, saying how many more there are (``--debug`` shows them)."""
    lines = [line for line in str(text).splitlines() if line.strip()]
    if len(lines) <= 1:
        return lines[0].strip() if lines else ""
    return f"{lines[0].strip()} ({len(lines) - 1} more lines; --debug shows them)"


def _os_error(e: OSError) -> str:
    where = f"{e.filename}: " if e.filename else ""
    return f"{where}{e.strerror or e}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    _add_global_options(parser)
    args = parser.parse_args(argv)
    PROGRESS.done = PROGRESS.total = None
    command = args.command

    def fail(message: str, code: int = EXIT_INPUT) -> int:
        if args.debug:
            traceback.print_exc()
        print(f"elmreplay {command}: error: {message}", file=sys.stderr)
        return code

    with handling_signals():
        try:
            code: int = args.func(args)
            sys.stdout.flush()  # a full disk or closed pipe on stdout is reported here, not at exit
            return code
        except ElmReplayError as e:
            return fail(f"{type(e).__name__}: {e if args.debug else _one_line(str(e))}")
        except IndexError as e:  # a record index out of range (--at, --from, --to)
            return fail(_one_line(str(e)))
        except KeyboardInterrupt as e:  # Ctrl-C, or SIGTERM (Interrupted)
            silence_late_reports()
            print(f"elmreplay {command}: interrupted{PROGRESS.where()}", file=sys.stderr)
            return exit_code(e)
        except BrokenPipeError:
            _drop_stdout()
            return EXIT_OK
        except OSError as e:  # no space, no permission, ... on a file not named by a more specific error
            _drop_stdout()
            return fail(_os_error(e))
        except UnicodeError as e:
            return fail(f"text that is not valid UTF-8: {e}")
        except MemoryError:
            return fail("out of memory (an input is too big for this machine)")
        except Exception as e:  # a bug: still one line (and the traceback with --debug)
            return fail(f"internal error {type(e).__name__}: {_one_line(str(e))} (a bug; --debug shows the traceback)", EXIT_INTERNAL)


def _drop_stdout() -> None:
    """After stdout failed (a closed pipe, a full disk), point it at /dev/null so the
    interpreter's final flush does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
