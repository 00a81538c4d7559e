"""Public tests for rest-api: the candidate may read and run these."""

import json

import pytest
from flask import Blueprint


@pytest.fixture
def api(app, solution):
    """Your blueprint registered without a URL prefix, and Flask's test client."""
    app.register_blueprint(solution.bp)
    return app.test_client()


def _body(response):
    """The response body parsed as JSON."""
    text = response.get_data(as_text=True)
    try:
        return json.loads(text)
    except ValueError:
        raise AssertionError(f"the response body should be JSON, got {text[:80]!r}") from None


def test_blueprint_is_exported(solution):
    assert isinstance(solution.bp, Blueprint), "bp should be a flask.Blueprint"


def test_post_creates_todo(api):
    response = api.post("/todos", json={"title": "Buy milk"})
    assert response.status_code == 201, f"POST /todos should answer 201, got {response.status_code}"
    body = _body(response)
    assert type(body) is dict, "the created todo should be a JSON object"
    assert type(body.get("id")) is int, "the created todo should have an integer id"
    assert body.get("title") == "Buy milk"
    assert body.get("done") is False, "a todo created without done should not be done"


def test_get_unknown_todo_is_404(api):
    response = api.get("/todos/999")
    assert response.status_code == 404, f"an unknown id should answer 404, got {response.status_code}"
    body = _body(response)
    assert type(body) is dict and type(body.get("error")) is str, (
        'the 404 response should be a JSON object {"error": "..."}'
    )
