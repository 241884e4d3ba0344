"""The ``elmreplay`` command line.

Exit codes: 0 success; 1 a check found a difference (``verify``) or a what-if deployment would be
rejected; 2 usage or input errors (the message names the file, record or event).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path
from typing import Any, Sequence

from .errors import ElmReplayError

EXIT_OK, EXIT_DIFFERENT, EXIT_INPUT = 0, 1, 2


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
    if out is not None and _inside(Path(out), Path(args.store)):
        print(f"elmreplay events: error: refusing to write {out} inside the store being inspected", file=sys.stderr)
        return EXIT_INPUT
    df = open_store(args.store, lenient=args.lenient).events()
    if args.format == "json":
        rows = json.loads(df.to_json(orient="records", date_format="iso"))
        _write_text(out, json.dumps(rows, indent=1, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        _write_text(out, df.to_csv(index=False))
    elif args.format == "parquet":
        if out is None:
            print("elmreplay events: error: --format parquet needs -o FILE", file=sys.stderr)
            return EXIT_INPUT
        try:
            df.to_parquet(out, index=False)
        except ImportError as e:
            print(f"elmreplay events: error: parquet needs pyarrow (pip install 'elmreplay[parquet]'): {e}", file=sys.stderr)
            return EXIT_INPUT
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

    return progress_bar(total=total, desc=desc, disable=None)


def cmd_state(args: argparse.Namespace) -> int:
    from .replay.session import ReplaySession
    from .store import open_store

    store = open_store(args.store)
    if not store.records:
        print("elmreplay state: error: the store has no records", file=sys.stderr)
        return EXIT_INPUT
    index = args.at if args.at is not None else len(store) - 1
    with ReplaySession(store, _resolver(args)) as session:
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
        report = verify_parallel(store, _resolver(args), jobs=args.jobs, client=client, on_progress=bar.update)
    if args.json:
        _print_json(report.to_json())
    else:
        print(report)
    return EXIT_OK if report.ok else EXIT_DIFFERENT


def cmd_fleet_what_if_deploy(args: argparse.Namespace) -> int:
    from .replay.fleet import exit_code, fleet_what_if, table_text
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
    return exit_code(table)


def cmd_what_if_deploy(args: argparse.Namespace) -> int:
    from .replay.whatif import what_if_deploy
    from .store import open_store

    store = open_store(args.store)
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
    report = counterfactual(store, args.app_dir, _resolver(args), mode=args.mode, at=args.at)
    if args.json:
        _print_json(report.to_json())
    else:
        print(report.summary_line())
        first = report.first_divergence
        if first is not None:
            print(f"  #{first.index} {first.record_hash}")
            print(f"    recorded response:       {first.recorded_response}")
            print(f"    counterfactual response: {first.counterfactual_response}")
    return EXIT_OK if report.deploy.accepted else EXIT_DIFFERENT


def cmd_diff(args: argparse.Namespace) -> int:
    from .replay.session import ReplaySession
    from .store import open_store
    from .inspect.diff import diff_states

    store = open_store(args.store)
    with ReplaySession(store, _resolver(args)) as session:
        old = session.state_at(args.from_index)
        new = session.state_at(args.to_index)
    d = diff_states(old or "null", new or "null", old_label=f"#{args.from_index}", new_label=f"#{args.to_index}")
    if args.json:
        _print_json(d.to_json())
    else:
        print(d)
    return EXIT_OK


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


def _inside(path: Path, directory: Path) -> bool:
    real, root = path.resolve(), directory.resolve()
    return real == root or root in real.parents


def _write_text(out: str | None, text: str) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        Path(out).write_text(text, encoding="utf-8")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
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
    e.set_defaults(func=cmd_events)

    st = sub.add_parser("state", help="the serialized Elm state after a record")
    st.add_argument("store")
    st.add_argument("--at", type=int, metavar="INDEX", help="0-based record index as in 'events' (default: newest)")
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
    w.add_argument("--at", type=int, metavar="INDEX", help="project the deploy right after this record (default: newest)")
    w.add_argument("--json", action="store_true")
    _add_runtime_args(w)
    w.set_defaults(func=cmd_what_if_deploy)

    c = sub.add_parser("counterfactual", help="deploy a version at a record and replay the later events through it")
    c.add_argument("store")
    c.add_argument("app_dir")
    c.add_argument("--at", type=int, metavar="INDEX", required=True)
    c.add_argument("--mode", choices=["migrate", "init"], default="migrate")
    c.add_argument("--json", action="store_true")
    _add_runtime_args(c)
    c.set_defaults(func=cmd_counterfactual)

    _add_fleet_parser(sub)

    d = sub.add_parser("diff", help="Elm-aware diff of the states after two records")
    d.add_argument("store")
    d.add_argument("--from", dest="from_index", type=int, required=True, metavar="I")
    d.add_argument("--to", dest="to_index", type=int, required=True, metavar="J")
    d.add_argument("--json", action="store_true")
    _add_runtime_args(d)
    d.set_defaults(func=cmd_diff)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except ElmReplayError as e:
        if args.debug:
            traceback.print_exc()
        print(f"elmreplay {args.command}: error: {type(e).__name__}: {e}", file=sys.stderr)
        return EXIT_INPUT
    except IndexError as e:  # a record index out of range (--at, --from, --to)
        print(f"elmreplay {args.command}: error: {e}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print(f"elmreplay {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
