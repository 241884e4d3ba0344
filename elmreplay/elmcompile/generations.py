"""Which host generated an app's code: the host generations of 2020 – 2021-08 by date.

The host's lowering changed over time in ways that change how a compiled app behaves (the
history is in ``docs/compilation-interfaces.md``): which JSON decoders a ``GenerateJsonCoders``
module got, which decoders the backend root module used for the state (set-state acceptance and
``Interface_DeserializeFailed`` texts), which decoder the migration root used for ``migrate``'s
input (the rejection text of a deploy+migrate), and whether the generated modules imported
``Base64``/``Bytes``. :data:`HOST_GENERATIONS` lists the periods, each from the host commit that
began it; a host of that date is assumed to run the newest commit (the host published no
releases then; a host run from an older build behaves like an earlier period).

:func:`choose_host_generation` picks the period for a deployment whose time is known only within
bounds (:class:`~elmreplay.store.recordtimes.TimeBounds`, from the store), or not at all:

* Periods in which the host could not have compiled the app are left out: a
  ``GenerateJsonCoders`` module name the host did not use with that period's coders, or the
  ``Base64``/``Bytes`` imports (from 2020-05-27) for an app that lacks ``elm/bytes`` or a
  ``Base64`` module.
* Of the periods left, the one covering most of the possible time is taken (the likeliest host
  for a deployment at an unknown moment in the interval); with no bound at all, the periods are
  weighed by their whole length. A choice among several periods is reported in a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from elmreplay.elmcompile.interfaces import InterfaceForm
from elmreplay.store.recordtimes import TimeBounds

__all__ = ["HOST_GENERATIONS", "HostGeneration", "choose_host_generation", "host_generation_at"]


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


@dataclass(frozen=True)
class HostGeneration:
    """A period of the host's lowering, from ``since`` (the commit ``commit``) to the next one.

    ``interface_coders``: the decoders (:data:`.coders.GENERATIONS`) of ``GenerateJsonCoders``;
    ``state_coders``: of the backend root module's state; ``migration_coders``: of the migration
    root's input; ``bytes_imports``: the generated modules import ``Base64``, ``Bytes``,
    ``Bytes.Decode`` and ``Bytes.Encode``.
    """

    since: datetime
    commit: str
    interface_coders: str
    state_coders: str
    migration_coders: str
    bytes_imports: bool

    @property
    def label(self) -> str:
        return f"the host of {self.since:%Y-%m-%d} ({self.commit})"


HOST_GENERATIONS: tuple[HostGeneration, ...] = (
    # C# generator for everything (ElmApp.cs, CompileElmValueSerializer.cs)
    HostGeneration(_t("2020-03-01T19:14:15+00:00"), "a86d098b", "2020", "2020", "2020", False),
    # the generated modules always import Base64 and Bytes
    HostGeneration(_t("2020-05-27T20:01:34+00:00"), "a9e04a4e", "2020", "2020", "2020", True),
    # GenerateJsonCoders moves to the Elm generator (strict tag arguments, alphabetical tags)
    HostGeneration(_t("2021-04-26T11:51:01+00:00"), "df9d2d41", "2021-04", "2020", "2020", True),
    # the backend root module's state coders move to the Elm generator
    HostGeneration(_t("2021-05-15T07:59:14+00:00"), "70bab634", "2021-04", "2021-04", "2020", True),
    # tags without arguments refuse null (jsonDecodeSucceedWhenNotNull)
    HostGeneration(_t("2021-05-17T11:29:07+00:00"), "52a2ecb0", "2021", "2021", "2020", True),
    # the migration root moves to the Elm generator
    HostGeneration(_t("2021-05-18T16:00:29+00:00"), "da027786", "2021", "2021", "2021", True),
)

#: From ``ace8d6ab`` (2021-08-28) the compiler requires ``backendMain``: the end of the last period.
OLD_INTERFACE_END = _t("2021-08-28T15:03:26+00:00")


def host_generation_at(when: datetime) -> HostGeneration:
    """The period in effect at ``when`` (the first period for earlier times)."""
    current = HOST_GENERATIONS[0]
    for generation in HOST_GENERATIONS:
        if generation.since <= when:
            current = generation
    return current


def _span(index: int) -> tuple[datetime, datetime]:
    start = HOST_GENERATIONS[index].since
    end = HOST_GENERATIONS[index + 1].since if index + 1 < len(HOST_GENERATIONS) else OLD_INTERFACE_END
    return start, end


def _overlap(index: int, bounds: TimeBounds | None) -> float:
    """Seconds of the period within ``bounds``, or -1 when it lies outside. Bounds are clamped
    to the old interface's lifetime; a single moment counts as a tiny overlap of its period."""
    first, end = HOST_GENERATIONS[0].since, OLD_INTERFACE_END

    def clamp(t: datetime | None, default: datetime) -> datetime:
        return default if t is None else min(max(t, first), end)

    lo = clamp(None if bounds is None else bounds.earliest, first)
    hi = clamp(None if bounds is None else bounds.latest, end)
    start, stop = _span(index)
    if hi <= lo:
        last = index + 1 == len(HOST_GENERATIONS)
        return 1e-9 if start <= lo < stop or (last and lo == stop) else -1.0
    seconds = (min(stop, hi) - max(start, lo)).total_seconds()
    return seconds if seconds > 0 else -1.0


def choose_host_generation(
    bounds: TimeBounds | None,
    coder_forms: Sequence[InterfaceForm],
    provides_bytes: bool,
) -> tuple[HostGeneration, str | None]:
    """The period whose host deployed the app (see the module documentation), and a note
    when it was chosen among several (None when the bounds leave one).

    ``coder_forms``: the app's ``GenerateJsonCoders`` modules; ``provides_bytes``: the app has
    ``elm/bytes`` and a ``Base64`` module."""
    in_time = [i for i in range(len(HOST_GENERATIONS)) if _overlap(i, bounds) >= 0]

    def fits(i: int, *, check_bytes: bool) -> bool:
        g = HOST_GENERATIONS[i]
        if check_bytes and g.bytes_imports and not provides_bytes:
            return False
        return all(g.interface_coders in f.generations for f in coder_forms)

    candidates = [i for i in in_time if fits(i, check_bytes=True)] or [
        i for i in in_time if fits(i, check_bytes=False)
    ] or in_time
    best = max(candidates, key=lambda i: (_overlap(i, bounds), -i))
    chosen = HOST_GENERATIONS[best]

    def behaviour(g: HostGeneration) -> tuple[str, ...]:
        return (g.interface_coders if coder_forms else "", g.state_coders, g.migration_coders)

    differing = [HOST_GENERATIONS[i] for i in candidates if behaviour(HOST_GENERATIONS[i]) != behaviour(chosen)]
    if not differing:
        return chosen, None
    when = "no deploy time is known" if bounds is None else f"deployed {bounds.describe()}"
    return chosen, (
        f"{when}: took {chosen.label} (state coders {chosen.state_coders}, migration coders "
        f"{chosen.migration_coders}"
        + (f", GenerateJsonCoders {chosen.interface_coders}" if coder_forms else "")
        + "), the period covering most of that time in which the host could compile this app; "
        f"the hosts of {', '.join(g.commit for g in differing)} generated other decoders"
    )
