"""``--at`` (and ``at=``) mean one thing everywhere: 0-based append order, negative from the end,
out of range -> exit 2 naming the number typed and the valid range (issue 14, item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from elmreplay import api
from elmreplay.cli import main
from elmreplay.errors import RecordIndexOutOfRange
from elmreplay.store import open_store
from elmreplay.store.indexing import resolve_index

SAMPLE = Path(__file__).resolve().parents[2] / "sample_histories"
STORE = str(SAMPLE / "counter_admin" / "store")
APP = str(SAMPLE / "apps" / "counter" / "v1")


def test_resolve_index() -> None:
    assert [resolve_index(i, 5) for i in (0, 4, -1, -5)] == [0, 4, 4, 0]
    for bad in (5, -6, 99):
        with pytest.raises(RecordIndexOutOfRange, match=rf"record index {bad} is out of range: the store has 5 records, valid indices are 0\.\.4 \(or -5\.\.-1"):
            resolve_index(bad, 5)
    with pytest.raises(RecordIndexOutOfRange, match="the store has no records"):
        resolve_index(0, 0)
    with pytest.raises(TypeError):
        resolve_index(1.0, 5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "argv",
    [
        ["state", STORE, "--at", "{at}"],
        ["what-if-deploy", STORE, APP, "--mode", "init", "--at", "{at}"],
        ["counterfactual", STORE, APP, "--mode", "init", "--at", "{at}"],
        ["diff", STORE, "--from", "0", "--to", "{at}"],
        ["diff", STORE, "--from", "{at}", "--to", "0"],
    ],
)
@pytest.mark.parametrize("at", ["28", "-29", "1000"])
def test_out_of_range_exits_2_naming_the_number_and_range(argv: list[str], at: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([a.replace("{at}", at) for a in argv])
    err = capsys.readouterr().err
    assert code == 2
    assert f"record index {at} is out of range" in err and "valid indices are 0..27 (or -28..-1" in err
    assert len(err.strip().splitlines()) == 1


def test_negative_means_from_the_end_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["state", STORE, "--at", "-1"]) == 0
    head = capsys.readouterr().out
    assert main(["state", STORE, "--at", "27"]) == 0
    assert capsys.readouterr().out == head
    assert main(["state", STORE]) == 0
    assert capsys.readouterr().out == head
    assert main(["diff", STORE, "--from", "-28", "--to", "27"]) == 1  # states differ: exit 1
    assert capsys.readouterr().out.startswith("StateDiff #0 -> #27")
    store = open_store(STORE)
    a = api.what_if_deploy(store, APP, mode="init", at=-2)
    b = api.what_if_deploy(store, APP, mode="init", at=26)
    assert a.at_index == b.at_index == 26 and a.deploy_record_hash == b.deploy_record_hash
    with api.replay(store) as session:
        assert session.state_at(-1) == session.state_at(27)
        with pytest.raises(RecordIndexOutOfRange, match="record index 28 is out of range"):
            session.state_at(28)
    with pytest.raises(RecordIndexOutOfRange, match="record index -29 is out of range"):
        api.counterfactual(store, APP, at=-29, mode="init")
