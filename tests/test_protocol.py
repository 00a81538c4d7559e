"""What the host accepts from the sandbox: nonce-tagged records, validated field by field."""

from __future__ import annotations

import json

import pytest

from sandbox.protocol import MAX_RECORD, MAX_TEXT, RECORD_PREFIX, parse_records

NONCE = "abc123"


def line(record: object, nonce: str = NONCE) -> bytes:
    return f"{RECORD_PREFIX}{nonce} {json.dumps(record)}\n".encode()


TEST = {
    "kind": "test",
    "name": "test_x",
    "visibility": "hidden",
    "case": "",
    "status": "passed",
    "message": "",
    "details": "",
    "duration": 0.1,
    "line": None,
    "output": "",
}


def test_valid_records_are_kept_in_order():
    stream = line({"kind": "ready", "network_isolated": True}) + line(TEST) + line({"kind": "done"})
    records, rejected = parse_records(stream, NONCE)
    assert [r["kind"] for r in records] == ["ready", "test", "done"]
    assert rejected == 0


def test_other_nonces_and_plain_text_are_ignored():
    stream = b"hello\n" + line(TEST, nonce="forged") + b'{"kind": "done"}\n'
    assert parse_records(stream, NONCE) == ([], 0)


@pytest.mark.parametrize(
    "bad",
    [
        {**TEST, "status": "PASSED"},
        {**TEST, "status": True},
        {**TEST, "visibility": "secret"},
        {**TEST, "duration": "fast"},
        {**TEST, "duration": -1},
        {**TEST, "line": "12"},
        {**TEST, "name": 7},
        {"kind": "unknown"},
        ["not", "an", "object"],
    ],
    ids=[
        "status-case",
        "status-type",
        "visibility",
        "duration-type",
        "duration-negative",
        "line-type",
        "name-type",
        "unknown-kind",
        "not-object",
    ],
)
def test_invalid_records_are_rejected_and_counted(bad):
    records, rejected = parse_records(line(bad), NONCE)
    assert records == [] and rejected == 1


def test_broken_json_and_bad_utf8_are_rejected():
    prefix = f"{RECORD_PREFIX}{NONCE} ".encode()
    records, rejected = parse_records(prefix + b"{not json\n" + prefix + b"\xff\xfe\n", NONCE)
    assert records == [] and rejected == 2


def test_long_text_is_cut_and_long_records_refused():
    long_message = {**TEST, "status": "failed", "message": "x" * (MAX_TEXT * 2)}
    records, _ = parse_records(line(long_message), NONCE)
    assert len(records[0]["message"]) == MAX_TEXT
    huge = {**TEST, "output": "y" * MAX_RECORD}
    assert parse_records(line(huge), NONCE) == ([], 1)
