"""Benchmark: elmreplay's Elm-aware state diff vs plain DeepDiff on adjacent steps.

Builds a seeded Elm-like state (Dicts of records with custom types, Maybe, Sets, lists) of
~10 MB of compact JSON (~1 MB with ``--quick``), copies it with a few changed paths, and times

* ``DeepDiff(old_parsed, new_parsed)`` (plain, default options) and
* ``diff_states(old_parsed, new_parsed)``

on the same pair. The headline ratio ``diff_speedup`` takes parsed inputs, i.e. JSON parsing is
included in **neither**. ``diff_speedup_from_text`` includes parsing in **both** (the same
parser, orjson, for each). The set of changed paths reported by plain DeepDiff, translated into
elmreplay's path syntax, must equal elmreplay's. With ``--reference`` the Elm semantics without
subtree skipping (``_reference_diff_states``) are timed too and must give identical changes.

Run ``python bench/diff_bench.py [--quick] [--reference]``; the last output line is one JSON
object. ``run(quick)`` returns the same numbers as a dict.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import time
from collections.abc import Callable
from typing import Any

import orjson
from deepdiff import DeepDiff

from elmreplay.inspect.diff import _array_shape, _kind, _reference_diff_states, diff_states

_DICT, _SET = 1, 2  # shapes from elmreplay.inspect.diff._array_shape
_WORDS = (
    "alpha beta gamma delta render queue cache flush index merge branch deploy rollback "
    "timeout retry socket parser budget review ticket"
).split()


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n))


def _maybe(value: Any) -> dict[str, list[Any]]:
    return {"Nothing": []} if value is None else {"Just": [value]}


def _issue(rng: random.Random, users: list[str]) -> dict[str, Any]:
    status = rng.choice(
        [
            {"Open": []},
            {"InProgress": [rng.choice(users)]},
            {"Closed": [rng.randrange(1_600_000_000_000, 1_700_000_000_000), {"Fixed": []}]},
        ]
    )
    return {
        "title": _text(rng, 6),
        "body": _text(rng, 30),
        "status": status,
        "assignee": _maybe(rng.choice([None, *users[:20]])),
        "labels": sorted(set(rng.sample(_WORDS, 3))),
        "priority": rng.randrange(5),
        "estimate": round(rng.uniform(0.5, 40), 2),
        "comments": [
            {"author": rng.choice(users), "text": _text(rng, 12), "at": rng.randrange(10**12)}
            for _ in range(rng.randrange(4))
        ],
    }


def build_state(target_bytes: int, seed: int = 42) -> dict[str, Any]:
    """A seeded Elm-like state of about ``target_bytes`` of compact JSON."""
    rng = random.Random(seed)
    users = [f"user{i:05d}" for i in range(400)]
    sample_rng = random.Random(seed + 1)
    per_issue = len(orjson.dumps([_issue(sample_rng, users) for _ in range(200)])) // 200 + 8
    n_issues = max(50, target_bytes // per_issue)
    return {
        "counter": 0,
        "issues": [[i * 3 + 1, _issue(rng, users)] for i in range(n_issues)],
        "users": [
            [
                u,
                {
                    "name": _text(rng, 2),
                    "role": rng.choice([{"Admin": []}, {"Member": [rng.choice(_WORDS)]}]),
                    "lastSeen": _maybe(rng.choice([None, rng.randrange(10**12)])),
                },
            ]
            for u in users
        ],
        "tags": sorted({f"{rng.choice(_WORDS)}-{i}" for i in range(0, 600, 2)}),
        "settings": {"theme": {"Dark": []}, "pageSize": 50},
    }


def next_step(state: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``state`` with a few changes, as one app event would make."""
    new = copy.deepcopy(state)
    issues = new["issues"]
    n = len(issues)
    new["counter"] += 1
    issues[n // 5][1]["title"] = "renamed by the event"
    issues[n // 3][1]["status"] = {"Closed": [1_700_000_000_000, {"WontFix": []}]}
    issues[n // 2][1]["assignee"] = (
        {"Nothing": []} if "Just" in issues[n // 2][1]["assignee"] else {"Just": ["user00007"]}
    )
    issues[(2 * n) // 3][1]["comments"].append({"author": "user00001", "text": "+1", "at": 5})
    issues.append([issues[-1][0] + 3, copy.deepcopy(issues[0][1])])
    new["users"][17][1]["role"] = {"Member": ["reassigned"]}
    new["tags"] = sorted([*new["tags"], "merge-301"])
    return new


# --- plain DeepDiff paths in elmreplay's syntax ----------------------------------------------


def _elm_path(steps: list[Any], root: Any) -> str:
    """Translate a plain DeepDiff path (list of keys) walked through ``root``."""
    out, node, i = "", root, 0
    while i < len(steps):
        p = steps[i]
        if isinstance(node, dict) and _kind(node) == 2:  # custom type: <Tag>[arg index]
            out += f"<{p}>"
            node = node[p]
            if i + 1 < len(steps):
                out += f"[{steps[i + 1]}]"
                node, i = node[steps[i + 1]], i + 1
        elif isinstance(node, dict):
            out += f".{p}"
            node = node[p]
        else:
            shape = _array_shape(node)
            if shape == _DICT:
                out += "[" + orjson.dumps(node[p][0]).decode() + "]"
                if i + 1 < len(steps):  # [index][1] is the entry's value
                    node, i = node[p][1], i + 1
            elif shape == _SET:
                out += "{" + orjson.dumps(node[p]).decode() + "}"
            else:
                out += f"[{p}]"
                node = node[p]
        i += 1
    return out or "."


def plain_paths(ddiff: DeepDiff, old: Any, new: Any) -> set[str]:
    """The paths plain DeepDiff reports, as elmreplay would write them.

    A custom-type value whose tag changed is reported by DeepDiff as the whole value changed
    (all its keys differ), which lands on the same path as elmreplay's ``tag_changed``.
    """
    paths = set()
    for report, levels in ddiff.tree.items():
        for level in levels:
            added = report.endswith("_added")
            steps = level.path(output_format="list", use_t2=added)
            paths.add(_elm_path(steps, new if added else old))
    return paths


# --- timing ----------------------------------------------------------------------------------


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def run(quick: bool, reference: bool = False) -> dict[str, Any]:
    """Build the pair, time both diffs, check they agree; return the numbers."""
    target = 1_000_000 if quick else 10_000_000
    old = build_state(target)
    new = next_step(old)
    old_text, new_text = orjson.dumps(old), orjson.dumps(new)
    old_p, new_p = orjson.loads(old_text), orjson.loads(new_text)  # fresh, unshared objects

    parse_s, _ = _best(lambda: (orjson.loads(old_text), orjson.loads(new_text)), 3)
    plain_s, plain = _best(lambda: DeepDiff(old_p, new_p, view="tree"), 1)
    ours_s, ours = _best(lambda: diff_states(old_p, new_p), 5)
    ours_text_s, ours_text = _best(lambda: diff_states(old_text, new_text), 5)

    ours_paths = {c.path for c in ours}
    plain_set = plain_paths(plain, old_p, new_p)
    result: dict[str, Any] = {
        "state_mb": round(len(old_text) / 1e6, 2),
        "changes": len(ours),
        "summary": ours.summary(),
        "parse_both_s": round(parse_s, 4),
        "plain_deepdiff_s": round(plain_s, 4),
        "elmreplay_diff_s": round(ours_s, 4),
        "diff_speedup": round(plain_s / ours_s, 1),
        "plain_from_text_s": round(parse_s + plain_s, 4),
        "elmreplay_from_text_s": round(ours_text_s, 4),
        "diff_speedup_from_text": round((parse_s + plain_s) / ours_text_s, 1),
        "paths_equal": ours_paths == plain_set and ours_text == ours,
        "paths": sorted(ours_paths),
    }
    if ours_paths != plain_set:
        result["only_plain"] = sorted(plain_set - ours_paths)
        result["only_elmreplay"] = sorted(ours_paths - plain_set)
    if reference:
        ref_s, ref = _best(lambda: _reference_diff_states(old_p, new_p), 1)
        result["reference_s"] = round(ref_s, 4)
        result["reference_equal"] = ref == ours
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="~1 MB state instead of ~10 MB")
    ap.add_argument(
        "--reference", action="store_true", help="also time the unskipped Elm-aware diff"
    )
    args = ap.parse_args(argv)
    r = run(args.quick, reference=args.reference)
    print(f"state: {r['state_mb']} MB compact JSON, {r['changes']} changes {r['summary']}")
    print(f"plain DeepDiff (parsed inputs):   {r['plain_deepdiff_s']:.3f} s")
    print(f"elmreplay diff (parsed inputs):   {r['elmreplay_diff_s']:.4f} s")
    print(f"speedup, parsing in neither:      {r['diff_speedup']}x (goal >= 10x)")
    print(
        f"from JSON text (parse in both):   plain {r['plain_from_text_s']:.3f} s, "
        f"elmreplay {r['elmreplay_from_text_s']:.4f} s, {r['diff_speedup_from_text']}x"
    )
    print(f"same changed paths as plain DeepDiff: {r['paths_equal']}")
    if "reference_s" in r:
        print(
            f"Elm-aware reference without skipping: {r['reference_s']:.3f} s, "
            f"identical result: {r['reference_equal']}"
        )
    print(json.dumps(r))


if __name__ == "__main__":
    main()
