"""A batch of events crosses into V8 as one text (separator-joined, or a JSON array when an event
holds the separator): every event arrives as exactly the string it was, whichever form."""

from __future__ import annotations

import json

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from elmreplay.runtime.engine import EVENT_SEPARATOR, AppProcess, EncodedEvents, batch_text

ECHO = """
var initState = 0; var app_state;
function processEventAndUpdateState(e) {
  var codes = []; for (var i = 0; i < e.length; i++) codes.push(e.charCodeAt(i));
  return codes.join(",");
}
function getSerializedState() { return "0"; }
function setSerializedState(s) {}
"""

#: Strings Python can hand to V8 (no lone surrogates), the separator and JSON's specials likely.
events = st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from([EVENT_SEPARATOR, '"', "\\", "\n", "["]), max_size=6), max_size=8)


def split_as_v8_does(text: str) -> list[str]:
    """What the harness's batchEvents makes of a batch text (the same rule, written again)."""
    if text[:1] == EVENT_SEPARATOR:
        return text[1:].split(EVENT_SEPARATOR)
    value = json.loads(text)
    assert isinstance(value, list)
    return value


def utf16_codes(s: str) -> str:
    data = s.encode("utf-16-le")
    return ",".join(str(int.from_bytes(data[i : i + 2], "little")) for i in range(0, len(data), 2))


@given(events)
def test_batch_text_splits_back_into_the_events(evs: list[str]) -> None:
    assert split_as_v8_does(batch_text(evs)) == evs
    assert split_as_v8_does(EncodedEvents([orjson.dumps(e) for e in evs]).batch_text()) == evs



@given(events, st.integers(0, 8), st.integers(0, 8))
def test_a_slice_of_decoded_events_is_the_slice_decoded_alone(evs: list[str], a: int, b: int) -> None:
    """A run read ahead is decoded once; the batches cut from it reuse the decoded events."""
    tokens = [orjson.dumps(e) for e in evs]
    run = EncodedEvents(tokens)
    run.batch_text()
    part = run[a:b]
    assert part.batch_text() == EncodedEvents(tokens[a:b]).batch_text()
    assert list(part) == evs[a:b] and [run[i] for i in range(len(evs))] == evs

def test_an_event_holding_the_separator_sends_the_batch_as_a_json_array() -> None:
    evs = ["a", "b" + EVENT_SEPARATOR + "c"]
    assert batch_text(evs).startswith("[") and batch_text(["a", "b"]) == EVENT_SEPARATOR + "a" + EVENT_SEPARATOR + "b"
    assert EncodedEvents([orjson.dumps(e) for e in evs]).batch_text().startswith("[")
    assert batch_text([]) == "[]" and EncodedEvents([]).batch_text() == "[]"


@settings(max_examples=60, deadline=None)
@given(events)
def test_v8_receives_each_event_exactly(evs: list[str]) -> None:
    with AppProcess(ECHO, app_config_hash="echo") as p:
        for batch in (evs, EncodedEvents([orjson.dumps(e) for e in evs])):
            result, failure = p.run_batch(batch, responses=True)
            assert failure is None and result.done == len(evs)
            assert result.responses == [utf16_codes(e) for e in evs]


def test_a_lone_surrogate_escape_in_a_stored_token_reaches_the_app() -> None:
    """orjson refuses ``"\\ud800"``; V8's JSON.parse takes it, as the host's runtime did."""
    with AppProcess(ECHO, app_config_hash="echo") as p:
        result, failure = p.run_batch(EncodedEvents([b'"\\ud800x"', b'"y"']), responses=True)
        assert failure is None and result.responses == ["55296,120", "121"]
