"""Public tests for rest-api: the candidate may read and run these."""

from flask import Blueprint

from helpers import api, json_of  # noqa: F401  (api is a fixture: pytest finds it by name)


def test_blueprint_is_exported(solution):
    """bp is a flask.Blueprint"""
    assert isinstance(solution.bp, Blueprint), "bp should be a flask.Blueprint"


def test_post_creates_todo(api):
    """POST /todos with a title answers 201 with the new todo, not done"""
    response = api.post("/todos", json={"title": "Buy milk"})
    assert response.status_code == 201, f"POST /todos should answer 201, got {response.status_code}"
    body = json_of(response)
    assert type(body) is dict, "the created todo should be a JSON object"
    assert type(body.get("id")) is int, "the created todo should have an integer id"
    assert body.get("title") == "Buy milk"
    assert body.get("done") is False, "a todo created without done should not be done"


def test_get_unknown_todo_is_404(api):
    """GET of an unknown todo answers 404 with a JSON error"""
    response = api.get("/todos/999")
    assert response.status_code == 404, f"an unknown id should answer 404, got {response.status_code}"
    body = json_of(response)
    assert type(body) is dict and type(body.get("error")) is str, (
        'the 404 response should be a JSON object {"error": "..."}'
    )
