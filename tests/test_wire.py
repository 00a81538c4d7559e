"""The wire: every message that crosses the sandbox boundary, checked field by field."""

from __future__ import annotations

import json

import pytest

from sandbox.wire import (
    MAX_RECORD,
    MAX_TEXT,
    RECORD_PREFIX,
    Canary,
    Done,
    Ended,
    Expected,
    FileEntry,
    FrameHeader,
    Import,
    Job,
    JobSpec,
    Ready,
    SessionHeader,
    Start,
    Test,
    TestStatus,
    WireError,
    clean_text,
    decode_record,
    encode_record,
    precompile_reply,
    read_precompile_reply,
    read_transcript,
)

NONCE = "abc123"
TEST = {
    "kind": "test",
    "name": "test_x",
    "case": "",
    "status": "passed",
    "message": "",
    "details": "",
    "duration": 0.1,
    "line": None,
    "output": "",
}


def line(record: object, nonce: str = NONCE) -> bytes:
    return f"{RECORD_PREFIX}{nonce} {json.dumps(record)}\n".encode()


def test_records_round_trip():
    for record in (
        Ready(True),
        Import(ok=False, message="boom", missing=("User",), line=3, output="hi"),
        Start("test_x", "a"),
        Test("test_x", "a", TestStatus.FAILED, "m", "d", 0.5, 7, "o"),
        Done(),
    ):
        assert decode_record(encode_record(record, NONCE).rstrip(b"\n"), NONCE) == record


@pytest.mark.parametrize(
    "bad",
    [
        {**TEST, "status": "PASSED"},
        {**TEST, "status": True},
        {**TEST, "duration": "fast"},
        {**TEST, "duration": -1},
        {**TEST, "duration": float("nan")},
        {**TEST, "line": "12"},
        {**TEST, "name": 7},
        {**TEST, "name": "x" * 500},
        {**TEST, "name": "test_\x1b[2Jx"},
        {"kind": "unknown"},
        ["not", "an", "object"],
    ],
    ids=[
        "status-case",
        "status-type",
        "duration-type",
        "duration-negative",
        "duration-nan",
        "line-type",
        "name-type",
        "name-long",
        "name-control",
        "unknown-kind",
        "not-object",
    ],
)
def test_invalid_records_are_refused(bad):
    with pytest.raises(WireError):
        decode_record(line(bad).rstrip(b"\n"), NONCE)


def test_other_nonces_broken_json_and_bad_utf8_are_refused():
    prefix = f"{RECORD_PREFIX}{NONCE} ".encode()
    for raw in (line(TEST, nonce="forged"), prefix + b"{not json", prefix + b"\xff\xfe", b"hello"):
        with pytest.raises(WireError):
            decode_record(raw.rstrip(b"\n"), NONCE)


def test_text_is_cleaned_cut_and_long_records_refused():
    dirty = {**TEST, "status": "failed", "message": "a\ud800b\x1b[2J\x00c\rd\te\nf\u202eg" + "x" * MAX_TEXT}
    record = decode_record(line(dirty).rstrip(b"\n"), NONCE)
    assert isinstance(record, Test)
    assert record.message.startswith("a\ufffdbc\nd\te\nfg") and len(record.message) == MAX_TEXT
    assert clean_text("\udfff\ud800") == "\ufffd\ufffd" and clean_text("\ud83d\ude00") == "\U0001f600"
    with pytest.raises(WireError):
        decode_record(line({**TEST, "output": "y" * MAX_RECORD}).rstrip(b"\n"), NONCE)


def test_session_header_round_trips_and_refuses_paths_that_climb():
    job = Job(
        "crud",
        "hidden",
        "n1",
        ("db",),
        10.0,
        canaries=(Canary("test_a", "test_h.py", "", 3, "def test_a(): pass\n", "pass"),),
    )
    header = SessionHeader(
        "s1", 2, True, "/tmp/work", (JobSpec(0, 60.0, 1024, job, (FileEntry("tests/hidden/test_h.py", 5),)),)
    )
    assert SessionHeader.decode(header.encode()) == header
    for path in ("../etc/passwd", "/abs", "tests/../x", "a//b"):
        bad = SessionHeader("s1", 1, False, "/tmp/w", (JobSpec(0, 1.0, 1, job, (FileEntry(path, 1),)),))
        with pytest.raises(WireError):
            SessionHeader.decode(bad.encode())


def test_frame_headers_carry_the_session_nonce_and_a_capped_size():
    header = FrameHeader(3, Ended.TIMEOUT, 1.5, -9, 100, 2)
    assert FrameHeader.decode(header.encode("s").rstrip(b"\n"), "s", record_cap=100) == header
    with pytest.raises(WireError):
        FrameHeader.decode(header.encode("other").rstrip(b"\n"), "s", record_cap=100)
    with pytest.raises(WireError):
        FrameHeader.decode(header.encode("s").rstrip(b"\n"), "s", record_cap=99)


def test_precompile_replies_must_add_up():
    reply = precompile_reply(".cpython-311-pytest-9.2.0.pyc", [b"abc", b""])
    assert read_precompile_reply(reply, 2) == (".cpython-311-pytest-9.2.0.pyc", [b"abc", b""])
    for bad in (reply + b"x", precompile_reply("../../evil", [b"a"]), b"{}\n"):
        with pytest.raises(WireError):
            read_precompile_reply(bad, 2)


EXPECTED = (Expected("test_a", "t.py"), Expected("test_c1", "t.py", "fail"), Expected("test_b", "t.py"))


def stream(*records) -> bytes:
    return b"".join(encode_record(r, NONCE) for r in records)


def run(*items) -> list:
    out = [Ready(True), Import(ok=True)]
    for name, status, case in items:
        out += [Start(name, case), Test(name, case, status)]
    return [*out, Done()]


def test_an_honest_transcript_has_no_violations():
    records = run(("test_a", "passed", ""), ("test_c1", "failed", ""), ("test_b", "failed", ""))
    transcript = read_transcript(stream(*records), NONCE, EXPECTED, ["t.py"], Ended.COMPLETED)
    assert transcript.violations == () and [t.name for t in transcript.tests] == [
        "test_a",
        "test_c1",
        "test_b",
    ]


@pytest.mark.parametrize(
    ("records", "why"),
    [
        (run(("test_a", "passed", ""), ("test_c1", "passed", ""), ("test_b", "passed", "")), "must fail"),
        (run(("test_a", "passed", ""), ("test_b", "passed", "")), "out of the expected order"),
        (run(("test_a", "passed", ""), ("test_a", "passed", "")), "a second result"),
        (run(("test_zzz", "passed", "")), "unknown test"),
        (run(("test_a", "passed", ""), ("test_c1", "failed", "")), "without running test_b"),
        (
            [*run(("test_a", "passed", ""), ("test_c1", "failed", ""), ("test_b", "passed", "")), Done()],
            "after the end",
        ),
    ],
    ids=["canary-forged", "canary-skipped", "twice", "unknown", "missing", "after-end"],
)
def test_what_the_host_did_not_expect_is_a_violation(records, why):
    transcript = read_transcript(stream(*records), NONCE, EXPECTED, ["t.py"], Ended.COMPLETED)
    assert transcript.violations and why in transcript.violations[0]


def test_a_stream_cut_short_is_a_fine_beginning():
    records = [*run(("test_a", "passed", ""), ("test_c1", "failed", ""))[:-1], Start("test_b")]
    data = stream(*records) + b'@@grader:abc123 {"kin'  # killed mid-line
    transcript = read_transcript(data, NONCE, EXPECTED, ["t.py"], Ended.TIMEOUT)
    assert transcript.violations == () and transcript.last_started == "test_b"
    assert transcript.ended is Ended.TIMEOUT


def test_how_a_job_ended_is_settled_in_one_place():
    assert read_transcript(b"", NONCE, EXPECTED, [], Ended.COMPLETED).ended is Ended.FAILED_TO_START
    assert read_transcript(stream(Ready(True)), NONCE, EXPECTED, [], Ended.COMPLETED).ended is Ended.CRASHED


def test_parametrized_cases_are_one_test_each_case_once():
    expected = (Expected("test_p", "t.py"),)
    good = run(("test_p", "passed", "a"), ("test_p", "failed", "b"))
    assert read_transcript(stream(*good), NONCE, expected, ["t.py"], Ended.COMPLETED).violations == ()
    twice = run(("test_p", "passed", "a"), ("test_p", "failed", "a"))
    assert read_transcript(stream(*twice), NONCE, expected, ["t.py"], Ended.COMPLETED).violations
