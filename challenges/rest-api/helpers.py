"""Shared by rest-api's public and hidden tests (the candidate sees this file too)."""

import json

import pytest


@pytest.fixture
def api(app, solution):
    """Your blueprint registered without a URL prefix, and Flask's test client."""
    app.register_blueprint(solution.bp)
    return app.test_client()


def json_of(response):
    """The response body parsed as JSON (whatever its Content-Type)."""
    text = response.get_data(as_text=True)
    try:
        return json.loads(text)
    except ValueError:
        raise AssertionError(
            f"the {response.status_code} response body should be JSON, got {text[:80]!r}"
        ) from None
