"""The per-line hot paths over literal log files, and a worker process that runs them.

Opening a big store hashes and parses a million lines; its events table parses each app event.
Both are pure Python loops over independent lines, so they can share the machine's cores. This
module needs nothing but the standard library and orjson, so the same functions run in the
store's process and in a worker started as ``python linescan.py``: the worker reads a request
(JSON) on stdin, reads the files it names, and writes its result on stdout (see
:mod:`elmreplay.store.workers` for the side that starts it). A worker only ever opens files
read-only, and leaves every line it cannot take on its fast path to the store's process,
which parses it fully and names any damage.
"""

from __future__ import annotations

import binascii
import gc
import hashlib
import os
import stat
import sys
from typing import Any, Iterable, Optional, Sequence, Tuple

import orjson

UPDATE = "UpdateElmAppStateForEvent"
#: The host's layout of a plain app-event record line (Newtonsoft, declaration order).
_CANONICAL_PARENT = b'{"parentHashBase16":"'
_CANONICAL_EVENT = b'","compositionEvent":{"UpdateElmAppStateForEvent":{"LiteralStringUtf8":'
_CANONICAL_HEAD = len(_CANONICAL_PARENT) + 64 + len(_CANONICAL_EVENT)
_CANONICAL_TAIL = b"}}}"
#: Event types the host sent, by interface era (store-format §7).
HTTP_EVENT_TYPES = ("HttpRequestEvent", "httpRequest")
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
#: Longest record line read (the host's HTTP bodies were capped near 30 MB, 40 MB in base64);
#: a longer line is refused before it is parsed (parsing would multiply it in memory).
MAX_RECORD_BYTES = 256 << 20

#: type, time, method, URI, request id, problem (a wrong-typed field, named; None when none)
EventFields = Tuple[Optional[str], Optional[int], Optional[str], Optional[str], Optional[str], Optional[str]]
NO_EVENT_FIELDS: EventFields = (None, None, None, None, None, None)


class LineChanged(ValueError):
    """A line read as a plain app event when the store was opened no longer is one."""


def scan_lines(lines: list[bytes], previous: object) -> tuple[bytes, list[int], bool]:
    """Each line's record hash (SHA-256 of its blob serial; 32 bytes a line), the positions of
    the lines that are not a plain inline app event naming the line before as parent (those need
    the full parse), and whether every other line is in the host's layout (see
    :func:`event_columns`). ``previous``: the hash (hex) of the record before the first line, or
    an object no line can name (then the first line is among those returned)."""
    sha256, loads, hexlify, update = hashlib.sha256, orjson.loads, binascii.hexlify, UPDATE
    digests: list[bytes] = []
    slow: list[int] = []
    append = digests.append
    parent = previous.encode() if isinstance(previous, str) else None  # (hex, as in the line)
    host_layout = True
    for k, line in enumerate(lines):
        digest = sha256(b"blob %d\x00" % len(line) + line).digest()
        append(digest)
        try:
            # The host's layout: the parent in place and the event one JSON string (checked
            # without parsing the line; a line written otherwise is parsed below). This is
            # event_token's test inlined: a call per line would cost the hot loop 8%.
            if (
                line.startswith(_CANONICAL_PARENT)
                and line.startswith(_CANONICAL_EVENT, 85)
                and line.endswith(_CANONICAL_TAIL)
                and line[21:85] == parent
                and type(loads(line[_CANONICAL_HEAD:-3])) is str
            ):
                parent = hexlify(digest)
                continue
            obj = loads(line)
            ((name, body),) = obj["compositionEvent"].items()
            # (a body that is not an object raises TypeError; orjson builds exact types)
            if (
                name == update
                and parent is not None
                and obj["parentHashBase16"] == parent.decode()
                and type(body["LiteralStringUtf8"]) is str
                and len(obj) == 2
                and len(body) == 1
            ):
                parent = hexlify(digest)
                host_layout = False
                continue
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
            pass
        slow.append(k)
        parent = hexlify(digest)
    return b"".join(digests), slow, host_layout


def too_long_line(lines: list[bytes], size: int) -> int | None:
    """The position of the first line longer than :data:`MAX_RECORD_BYTES` (``size``: the
    file's, so that the usual file, shorter than the limit, costs nothing)."""
    if size <= MAX_RECORD_BYTES:
        return None
    return next((k for k, line in enumerate(lines) if len(line) > MAX_RECORD_BYTES), None)


class LineTooLong(ValueError):
    """A log file's line is longer than :data:`MAX_RECORD_BYTES`; ``line``: its number (1-based),
    ``length``: how much of it was read when it was refused (at least the limit plus one)."""

    def __init__(self, line: int, length: int):
        super().__init__(f"Record line is at least {length} bytes, more than the reader's limit of {MAX_RECORD_BYTES}")
        self.line, self.length = line, length


#: A log file longer than the line limit is read this much at a time (at most), so that a line
#: over the limit is refused once the limit is passed, before the rest of it is read.
CHUNK_BYTES = 16 << 20


def read_split(fd: int, size: int, max_bytes: int) -> tuple[list[bytes], int]:
    """The lines of the regular file open at ``fd`` (the last item: what follows the last line
    feed) and how many bytes were read: at most ``max_bytes`` plus one (a file may grow while
    read; the caller refuses it then). ``size``: the file's, from ``fstat``. A file no longer
    than the line limit (the usual one) is read whole and split; a longer one is read in pieces
    and a line over the limit raises :class:`LineTooLong` as soon as it passes the limit."""
    max_line = MAX_RECORD_BYTES
    if size <= max_line:
        data = read_up_to(fd, min(size, max_bytes) + 1)
        split = data.split(b"\n")
        long = too_long_line(split, len(data))  # (it grew while read)
        if long is not None:
            raise LineTooLong(long + 1, len(split[long]))
        return split, len(data)
    piece = min(CHUNK_BYTES, max_line)  # (a line inside one piece is within the limit)
    lines: list[bytes] = []
    pending: list[bytes] = []  # the line not finished yet, in pieces
    pending_bytes = total = 0
    while total <= max_bytes:
        chunk = os.read(fd, min(piece, max_bytes + 1 - total))
        if not chunk:
            break
        total += len(chunk)
        parts = chunk.split(b"\n")
        if len(parts) > 1:
            if pending:
                parts[0] = b"".join((*pending, parts[0]))
                if len(parts[0]) > max_line:
                    raise LineTooLong(len(lines) + 1, len(parts[0]))
            pending = [parts.pop()]
            pending_bytes = len(pending[0])
            lines += parts
        else:
            pending.append(chunk)
            pending_bytes += len(chunk)
            if pending_bytes > max_line:
                raise LineTooLong(len(lines) + 1, pending_bytes)
    lines.append(b"".join(pending))
    return lines, total


def read_up_to(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes from ``fd`` (a file may grow or shrink while read)."""
    chunks = []
    while limit > 0:
        chunk = os.read(fd, limit)
        if not chunk:
            break
        chunks.append(chunk)
        limit -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def event_token(line: bytes) -> bytes | None:
    """The app event's JSON string token inside a plain app-event line in the host's layout,
    ``{"parentHashBase16":"<64>","compositionEvent":{"UpdateElmAppStateForEvent":
    {"LiteralStringUtf8":<token>}}}``, else None. (Plain lines were checked to have exactly one
    key at each level when the store was opened, so the slice is the whole string value.)"""
    if line.startswith(_CANONICAL_PARENT) and line.startswith(_CANONICAL_EVENT, 85) and line.endswith(_CANONICAL_TAIL):
        return line[_CANONICAL_HEAD : -len(_CANONICAL_TAIL)]
    return None


def host_layout_tokens(lines: list[bytes]) -> list[bytes]:
    """:func:`event_token` of lines known to be in the host's layout (a slice each, no test)."""
    head, tail = _CANONICAL_HEAD, -len(_CANONICAL_TAIL)
    return [line[head:tail] for line in lines]


def event_texts(lines: Iterable[bytes]) -> list[str]:
    """The app event JSON of plain inline app-event lines. A line in the host's layout needs
    only its string token decoded, not the whole record parsed. Raises :class:`LineChanged`
    for a line that is not a plain app event (its file changed since it was read)."""
    loads, update = orjson.loads, UPDATE
    try:
        texts = [
            loads(t) if (t := event_token(line)) is not None else loads(line)["compositionEvent"][update]["LiteralStringUtf8"]
            for line in lines
        ]
    except (orjson.JSONDecodeError, KeyError, TypeError) as e:
        raise LineChanged(str(e)) from None
    if not all(type(t) is str for t in texts):
        raise LineChanged("an event is not a string")
    return texts


def _host_layout_texts(lines: list[bytes]) -> list[str] | None:
    """:func:`event_texts` of lines known to be in the host's layout; None if one is not."""
    loads = orjson.loads
    try:
        texts = [loads(token) for token in host_layout_tokens(lines)]
    except orjson.JSONDecodeError:
        return None
    return texts if all(type(t) is str for t in texts) else None


def event_fields(text: str | bytes) -> EventFields:
    """Type, time, HTTP method, URI, request id and problem of an app event's JSON (any
    interface era; exact type checks, since orjson builds only plain dicts, lists, strs and
    ints). A field present with the wrong type is None, never a default, and ``problem`` names
    it (an HTTP event without a time keeps the host's 0)."""
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError:
        return NO_EVENT_FIELDS
    if type(obj) is not dict or len(obj) != 1:
        return NO_EVENT_FIELDS
    ((event_type, body),) = obj.items()
    if type(body) is list and len(body) == 1:  # 2023+ tagged form {"Tag":[{…}]}
        body = body[0]
    if type(body) is not dict:
        return (event_type, None, None, None, None, None)
    t = body.get("posixTimeMilli")
    if t is None:
        t = body.get("currentPosixTimeMilli")
    request = body.get("request")
    req_id = body.get("httpRequestId")
    if type(request) is dict:
        method, uri = request.get("method"), request.get("uri")
        if type(t) is int and type(method) is str and type(uri) is str and type(req_id) is str:
            return (event_type, t, method, uri, req_id, None)  # an HTTP request as the host wrote it
    elif request is None and req_id is None and type(t) is int:
        return (event_type, t, None, None, None, None)  # a time event, as the host wrote it
    return _checked_fields(event_type, body, t, request, req_id)


def _checked_fields(event_type: str, body: dict[str, Any], t: object, request: object, req_id: object) -> EventFields:
    """:func:`event_fields` of an unusual event: what has the wrong type is None and named."""
    method = uri = None
    if type(request) is dict:
        method, uri = request.get("method"), request.get("uri")
    problems = _wrong_types(body, request)
    if type(t) is not int:  # (bool is not int here)
        t = 0 if event_type in HTTP_EVENT_TYPES and "posixTimeMilli" not in body and "currentPosixTimeMilli" not in body else None
    return (
        event_type,
        t,
        method if type(method) is str else None,
        uri if type(uri) is str else None,
        req_id if type(req_id) is str else None,
        "; ".join(problems) if problems else None,
    )


_JSON_TYPE = {str: "a string", int: "an integer", float: "a number with a fraction", bool: "a boolean", list: "an array", dict: "an object", type(None): "null"}


def _wrong_types(body: dict[str, Any], request: object) -> list[str]:
    """``field is X, not Y`` for each field of the event that is present with the wrong type."""
    out = []
    for name in ("posixTimeMilli", "currentPosixTimeMilli"):
        if name in body and type(body[name]) is not int:
            out.append(f"{name} is {_JSON_TYPE.get(type(body[name]), 'not JSON')}, not an integer")
    if "httpRequestId" in body and type(body["httpRequestId"]) is not str:
        out.append(f"httpRequestId is {_JSON_TYPE.get(type(body['httpRequestId']), 'not JSON')}, not a string")
    if "request" in body and type(request) is not dict:
        out.append(f"request is {_JSON_TYPE.get(type(request), 'not JSON')}, not an object")
    elif type(request) is dict:
        for name in ("method", "uri"):
            if name in request and type(request[name]) is not str:
                out.append(f"request.{name} is {_JSON_TYPE.get(type(request[name]), 'not JSON')}, not a string")
    return out


#: The events table's columns that come from each app event's line, in this order.
EVENT_COLUMNS = ("event_type", "posix_time_milli", "http_method", "http_uri", "http_request_id", "problem", "payload_size")


def event_columns(lines: list[bytes], host_layout: bool = False) -> list[Sequence[Any]]:
    """The :data:`EVENT_COLUMNS` of plain inline app-event lines, one list per column (a time
    beyond 64 bits is None, as the table holds it). ``host_layout``: every line was found in the
    host's layout, each event one JSON string, when the store was opened, and its file has not
    changed since (same size and modification time): then each event is sliced out of its line
    without checking the layout again. Raises :class:`LineChanged`."""
    texts = _host_layout_texts(lines) if host_layout else None
    if texts is None:
        texts = event_texts(lines)
    columns: list[Sequence[Any]] = list(zip(*map(event_fields, texts))) or [()] * 6
    times = columns[1]
    if not all(INT64_MIN <= t <= INT64_MAX for t in times if t is not None):
        wide = [t is not None and not INT64_MIN <= t <= INT64_MAX for t in times]
        columns[1] = [None if w else t for t, w in zip(times, wide)]
        columns[5] = [_also(p, "posixTimeMilli is beyond 64 bits") if w else p for p, w in zip(columns[5], wide)]
    columns.append([len(t) if t.isascii() else len(t.encode("utf-8")) for t in texts])
    return columns


def _also(problem: str | None, more: str) -> str:
    return more if problem is None else f"{problem}; {more}"


# --- the worker ---------------------------------------------------------------------------

_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)


Stamp = Tuple[int, int]


def read_lines(path: str, max_bytes: int) -> tuple[list[bytes], Stamp] | None:
    """A regular file's lines (the last item is what follows the last line feed) and its stamp
    (size and modification time before reading), or None for anything the store's process must
    look at itself: a link, a missing or unreadable file, a FIFO, a file over the reader's limit,
    a line over the line limit (refused before it is read whole, see :func:`read_split`)."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
            return None
        lines, read = read_split(fd, st.st_size, max_bytes)
    except (OSError, LineTooLong):
        return None  # the store's process names it
    finally:
        os.close(fd)
    if read > max_bytes:
        return None
    return lines, (st.st_size, st.st_mtime_ns)


def _scan_task(request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Hash and check every line of the files, carrying the parent across them; a file the
    worker cannot read is left to the caller, and the line after it is checked there too."""
    results: list[dict[str, Any] | None] = []
    digests: list[bytes] = []
    no_previous = object()
    previous: object = no_previous
    for path in request["files"]:
        read = read_lines(path, request["max_file_bytes"])
        if read is None:
            results.append(None)
            previous = no_previous
            continue
        lines, stamp = read
        rest = lines.pop()
        found, slow, host_layout = scan_lines(lines, previous)
        if found:
            previous = found[-32:].hex()
        digests.append(found)
        results.append({"lines": len(lines), "slow": slow, "rest": len(rest), "stamp": stamp if host_layout else None})
    return {"files": results}, b"".join(digests)


def _events_task(request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """The event columns of runs ``[path, first line, count, stamp]`` (all runs' values
    concatenated, in order; ``stamp``: the file's when it was found in the host's layout, or
    None); a run that cannot be read, or whose lines changed, is left to the caller."""
    ok: list[bool] = []
    columns: list[list[Any]] = [[] for _ in EVENT_COLUMNS]  # (all runs')
    cached: tuple[str, tuple[list[bytes], Stamp] | None] = ("", None)
    for path, first, count, stamp in request["runs"]:
        if cached[0] != path:
            cached = (path, read_lines(path, request["max_file_bytes"]))
        read = cached[1]
        try:
            if read is None or first + count >= len(read[0]):
                raise LineChanged("not readable")
            host_layout = stamp is not None and tuple(stamp) == read[1]
            for column, values in zip(columns, event_columns(read[0][first : first + count], host_layout)):
                column.extend(values)
            ok.append(True)
        except LineChanged:
            ok.append(False)
    coded = [encode_column(c) if name in REPEATING_COLUMNS else c for name, c in zip(EVENT_COLUMNS, columns)]
    return {"ok": ok, "columns": coded}, b""


#: Event columns whose values mostly repeat.
REPEATING_COLUMNS = ("event_type", "http_method", "http_uri", "problem")


def encode_column(values: list[Any]) -> list[Any] | dict[str, list[Any]]:
    """A column as sent in a reply: its distinct values and a code per row when they repeat
    (event types, methods, often URIs: decoding a code is cheaper than building a string)."""
    codes: dict[Any, int] = {}
    coded = [codes.setdefault(v, len(codes)) for v in values]
    if len(codes) * 2 > len(values):
        return values
    return {"values": list(codes), "codes": coded}


def decode_column(column: list[Any] | dict[str, list[Any]]) -> list[Any]:
    """The values of :func:`encode_column`'s column."""
    if type(column) is list:
        return column
    values = column["values"]  # type: ignore[call-overload]
    return [values[c] for c in column["codes"]]  # type: ignore[call-overload]


TASKS = {"scan": _scan_task, "events": _events_task}


def encode_reply(header: dict[str, Any], payload: bytes) -> bytes:
    """A worker's reply: the length of what follows and the header's (8 bytes each), the header
    (JSON), the payload."""
    head = orjson.dumps(header)
    return (8 + len(head) + len(payload)).to_bytes(8, "big") + len(head).to_bytes(8, "big") + head + payload


def decode_reply(reply: bytes | bytearray) -> tuple[dict[str, Any], memoryview]:
    """Header and payload of :func:`encode_reply`'s bytes after their first 8 (the length,
    which the reader used); ValueError when malformed."""
    n = int.from_bytes(reply[:8], "big")
    if len(reply) < 8 + n:
        raise ValueError("truncated worker reply")
    header = orjson.loads(reply[8 : 8 + n])
    if type(header) is not dict:
        raise ValueError("malformed worker reply")
    return header, memoryview(reply)[8 + n :]


def main() -> int:
    # Nothing a worker builds is cyclic garbage; collections would only rescan what it keeps.
    gc.disable()
    request = orjson.loads(sys.stdin.buffer.read())
    header, payload = TASKS[request["task"]](request)
    sys.stdout.buffer.write(encode_reply(header, payload))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
