"""The notes sample: an HTTP API through CompilationInterface.GenerateJsonCoders (2021 decoders)
and a static page through CompilationInterface.SourceFiles, as recorded in its history.

The recorded answers come from the hand-written port; with Elm, tests/elmcompile/test_sample_apps.py
holds the compiled app to the same answers at every record. These tests check, against texts
built here, what the sample is meant to exercise."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

import elmreplay

SAMPLES = Path(__file__).resolve().parents[2] / "sample_histories"
STORE = SAMPLES / "notes" / "store"


@pytest.fixture(scope="module")
def answers() -> list[tuple[str, int, str]]:
    """(request body, status, response body) of every HTTP request in the history."""
    store = elmreplay.open_store(str(STORE))
    with elmreplay.replay(store) as session:
        trace = session.trace(0, len(store))
    out = []
    for index in sorted(trace):
        response = trace[index][0]
        if not response or "completeHttpResponses" not in response:
            continue
        event = json.loads(store.records[index].parsed.event.value.literal_utf8 or "{}")
        if "HttpRequestEvent" not in event:
            continue
        request = event["HttpRequestEvent"]["request"]
        for complete in json.loads(response)["DecodeEventSuccess"]["completeHttpResponses"]:
            out.append((
                base64.b64decode(request["bodyAsBase64"]).decode("utf-8"),
                complete["response"]["statusCode"],
                base64.b64decode(complete["response"]["bodyAsBase64"]).decode("utf-8"),
            ))
    return out


def test_the_get_page_is_the_source_file(answers: list[tuple[str, int, str]]) -> None:
    page = (SAMPLES / "apps" / "notes" / "v1" / "static" / "index.html").read_text(encoding="utf-8")
    pages = [body for request, _, body in answers if request == ""]
    assert pages and all(body == page for body in pages)


def test_strict_2021_forms_are_refused(answers: list[tuple[str, int, str]]) -> None:
    by_request = {request: (status, body) for request, status, body in answers}
    # one-argument tags only as {"Tag":[a]}; records need every field; unknown tags fail
    for refused in ['{"RemoveNote":{"id":2}}', '{"AddNote":[{"title":"no body field","tags":[]}]}', '{"ListNotes":[]}']:
        if refused in by_request:
            assert by_request[refused] == (400, "Bad request: expected an Api.Request")
    assert sum(1 for _, status, _ in answers if status == 400) >= 5


def test_two_tag_keys_decode_as_the_alphabetically_first(answers: list[tuple[str, int, str]]) -> None:
    both = [(status, body) for request, status, body in answers if request.startswith('{"ListNotes":[{"tag":null}],"AddNote"')]
    assert len(both) == 2  # one per deployed version
    assert all(status == 200 and body.startswith('{"NoteAdded":[{"id":') for status, body in both)


def test_responses_use_the_generated_json_forms(answers: list[tuple[str, int, str]]) -> None:
    bodies = [body for _, status, body in answers if status == 200 and body.startswith("{")]
    assert any(b.startswith('{"Failed":[{"NoteNotFound":[') for b in bodies)
    assert any(b == '{"Failed":[{"EmptyTitle":[]}]}' for b in bodies)
    assert any('"body":{"Just":["legacy form"]}' in b for b in bodies)  # the legacy Maybe form was accepted
    assert any(b.startswith('{"NoteUpdated":[{"id":') for b in bodies)
    assert any('"pinned":true' in b for b in bodies)


def test_deploy_and_migrate_then_candidates() -> None:
    store = elmreplay.open_store(str(STORE))
    deployments = store.deployments()
    assert list(deployments["mode"]) == ["init", "migrate"]
    ok = elmreplay.what_if_deploy(store, str(SAMPLES / "apps" / "notes" / "candidate_ok"))
    rejected = elmreplay.what_if_deploy(store, str(SAMPLES / "apps" / "notes" / "candidate_reject"))
    assert ok.accepted and not rejected.accepted
