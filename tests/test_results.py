"""The result model's JSON (schema version 1): written by ``as_json``, read back by ``from_json``."""

from __future__ import annotations

import json

import pytest

from grader.reports import render
from grader.results import GradeResult


def test_json_round_trips_through_from_json(sample):
    data = json.loads(render("json", sample))
    assert data["audience"] == "reviewer" and data["error"] == ""
    assert GradeResult.from_json(data).as_json() == data


@pytest.mark.parametrize(
    "data",
    [{}, {"schema_version": 2}, {"schema_version": 1, "submission": 3}, []],
    ids=["empty", "other-version", "wrong-type", "not-an-object"],
)
def test_from_json_refuses_malformed_results(data):
    with pytest.raises((ValueError, AttributeError)):
        GradeResult.from_json(data)
