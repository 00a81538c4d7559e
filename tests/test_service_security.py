"""The review service's security, proven: authorization on every route (a walk of the URL
map), CSRF on every form, the Content-Security-Policy, escaping, the sign-in rate limit,
secure cookies behind HTTPS, the generated secret, and secrets stored only as hashes."""

from __future__ import annotations

import io
import os
import re
import stat

import pytest
from sqlalchemy import select, text

from grader.service.models import Invitation, Submission, db
from tests.helpers import SERVICE_PASSWORD, csrf_of, post_form, sign_in, wait_for, zip_of

pytestmark = [pytest.mark.service, pytest.mark.slow]

OPEN = {"auth.signin", "static"}  # and the candidate blueprint: its token is its key
METHODS = ("GET", "POST")


def routes(app):
    """Every (endpoint, method, url) of the app, with sample values for the URL's parts."""
    found = []
    for rule in app.url_map.iter_rules():
        values = {}
        for arg in rule.arguments:
            converter = rule._converters[arg].__class__.__name__
            values[arg] = 1 if converter == "IntegerConverter" else ("csv" if arg == "fmt" else "x" * 43)
        if rule.endpoint == "static":
            values["filename"] = "service.css"
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods & set(METHODS)):
            found.append((rule.endpoint, method, url))
    return found


@pytest.fixture
def world(service):
    """Two invitations (A and B) with one graded submission each, and every other kind of row."""
    admin = service.test_client()
    sign_in(admin, "admin@example.com")
    response = post_form(
        admin, "/assessments/new", {"source": "pick", "challenge": ["crud"], "candidate_view": "rubric"}
    )
    aid = int(response.headers["Location"].rsplit("/", 1)[1])
    links = {}
    for who in ("A", "B"):
        post_form(admin, f"/assessments/{aid}/invitations", {"candidate_name": who, "max_uploads": "3"})
        page = admin.get(f"/assessments/{aid}").get_data(as_text=True)
        links[who] = re.findall(r'value="http://localhost(/c/[^"]+)"', page)[-1]
    subs = {}
    for who, link in links.items():
        client = service.test_client()
        token = csrf_of(client.get(link).get_data(as_text=True))
        archive = zip_of({"crud": f"# {who}\n"})
        response = client.post(
            f"{link}/upload", data={"csrf_token": token, "file": (io.BytesIO(archive), "a.zip")}
        )
        subs[who] = int(response.headers["Location"].rsplit("/", 1)[1])
        wait_for(service, subs[who])
    return {"app": service, "admin": admin, "links": links, "subs": subs, "assessment": aid}


def test_every_route_but_sign_in_static_files_and_the_candidate_link_refuses_an_anonymous_request(world):
    app = world["app"]
    client = app.test_client()
    token = csrf_of(client.get("/signin").get_data(as_text=True))  # a real form token, no user
    checked = 0
    for endpoint, method, url in routes(app):
        if endpoint in OPEN or endpoint.startswith("candidate."):
            continue
        data = (
            {"csrf_token": token, "decision": "advance", "email": "x@example.com"}
            if method == "POST"
            else None
        )
        response = client.open(url, method=method, data=data)
        checked += 1
        if endpoint.startswith("api."):
            assert response.status_code == 401, (endpoint, method, response.status_code)
        else:
            assert response.status_code == 302, (endpoint, method, response.status_code)
            assert response.headers["Location"].startswith("/signin"), (endpoint, method)
        # Nothing of the service's data leaks into what an anonymous request gets.
        assert b"Candidate" not in response.data and b"crud" not in response.data
    assert checked >= 25
    assert client.head("/signin").status_code == 200 and client.head("/assessments").status_code == 302


def test_every_form_post_needs_its_csrf_token(world):
    app, admin = world["app"], world["admin"]
    for endpoint, method, url in routes(app):
        if method != "POST" or endpoint.startswith("api."):
            continue
        response = admin.post(url, data={"decision": "advance", "candidate_name": "x", "body": "x"})
        assert response.status_code == 400, (endpoint, response.status_code)
        assert b"Form expired" in response.data


def test_a_candidate_token_reaches_only_its_own_invitation(world):
    app, links, subs = world["app"], world["links"], world["subs"]
    client = app.test_client()
    a, b = links["A"], links["B"]
    assert client.get(f"{a}/submissions/{subs['A']}").status_code == 200
    assert client.get(f"{a}/submissions/{subs['B']}").status_code == 404
    assert client.get(f"{b}/submissions/{subs['A']}").status_code == 404
    assert client.get(a[:-1] + ("A" if a[-1] != "A" else "B")).status_code == 404  # a near miss
    token = a.rsplit("/", 1)[1]
    # The token opens nothing else: no reviewer page, no API.
    for url in ("/assessments", f"/submissions/{subs['A']}", "/workers"):
        assert client.get(url).status_code == 302
    api = client.get("/api/v1/submissions", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401
    # A revoked link is gone.
    with app.app_context():
        inv = db.session.scalars(select(Invitation).where(Invitation.candidate_name == "A")).one()
        inv.revoked = True
        db.session.commit()
    assert client.get(a).status_code == 404 and client.get(f"{a}/kit.zip").status_code == 404


def test_a_reviewer_cannot_manage_users_or_tokens(world):
    app = world["app"]
    reviewer = app.test_client()
    sign_in(reviewer, "reviewer@example.com")
    admin_only = [(e, m, u) for e, m, u in routes(app) if getattr(app.view_functions[e], "admin_only", False)]
    wanted = {"admin.users", "admin.update_user", "admin.tokens", "admin.revoke", "reviews.reveal"}
    assert {e for e, _m, _u in admin_only} >= wanted | {"reviews.audit_log"}
    assert all(e.startswith("admin.") for e, _m, _u in routes(app) if e.startswith("admin.")) and all(
        getattr(app.view_functions[e], "admin_only", False)
        for e, _m, _u in routes(app)
        if e.startswith("admin.")
    )
    for endpoint, method, url in admin_only:
        if method == "GET":
            response = reviewer.get(url)
        else:
            response = post_form(
                reviewer, url, {"email": "new@example.com", "password": "x" * 12, "role": "admin"}
            )
        assert response.status_code == 403, (endpoint, method)
    with app.app_context():
        from grader.service.models import User

        assert db.session.scalars(select(User).where(User.email == "new@example.com")).first() is None
    # ... while an admin can.
    assert world["admin"].get("/admin/users").status_code == 200


def test_pages_carry_a_policy_with_no_script_and_escape_candidate_text(world):
    app, admin, aid = world["app"], world["admin"], world["assessment"]
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    post_form(admin, f"/assessments/{aid}/invitations", {"candidate_name": hostile})
    page = admin.get(f"/assessments/{aid}").get_data(as_text=True)
    link = re.findall(r'value="http://localhost(/c/[^"]+)"', page)[-1]
    client = app.test_client()
    token = csrf_of(client.get(link).get_data(as_text=True))
    source = f'"""{hostile}"""\nprint("</pre><script>alert(3)</script>")\n'
    response = client.post(
        f"{link}/upload", data={"csrf_token": token, "file": (io.BytesIO(zip_of({"crud": source})), "x.zip")}
    )
    sid = int(response.headers["Location"].rsplit("/", 1)[1])
    wait_for(app, sid)
    for client_, url in (
        (admin, f"/assessments/{aid}"),
        (admin, f"/submissions/{sid}"),
        (client, link),
        (client, f"{link}/submissions/{sid}"),
        (admin, "/workers"),
        (app.test_client(), "/signin"),
    ):
        response = client_.get(url)
        body = response.get_data(as_text=True)
        policy = response.headers["Content-Security-Policy"]
        assert (
            "script-src 'none'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
        )
        assert "<script" not in body.lower() and "<img" not in body and " style=" not in body, url
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in admin.get(f"/assessments/{aid}").get_data(as_text=True)


def test_sign_in_attempts_are_rate_limited(service):
    client = service.test_client()
    for _ in range(5):
        assert sign_in(client, "admin@example.com", "wrong password").status_code == 401
    blocked = sign_in(client, "admin@example.com")  # the right password, too late
    assert blocked.status_code == 429 and b"Too many failed sign-ins" in blocked.data
    # Another account is not locked out by them.
    assert sign_in(service.test_client(), "reviewer@example.com").status_code == 302


def test_session_cookies_are_secure_behind_https(make_service):
    from grader.service import accounts

    app = make_service(start_queue=False)
    with app.app_context():
        accounts.add_user("admin@example.com", SERVICE_PASSWORD, "admin")
    plain = app.test_client()
    cookie = sign_in(plain, "admin@example.com").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.test_client()
    page = secure.get("/signin", base_url="https://review.example.com")
    response = secure.post(
        "/signin",
        base_url="https://review.example.com",
        data={"email": "admin@example.com", "password": SERVICE_PASSWORD, "csrf_token": csrf_of(page.text)},
        headers={"Referer": "https://review.example.com/signin"},
    )
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_behind_a_trusted_proxy_the_forwarded_scheme_makes_cookies_secure(make_service, tmp_path):
    app = make_service(start_queue=False, trust_proxy=True, instance=tmp_path / "proxied")
    response = app.test_client().get("/signin", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in response.headers["Set-Cookie"]
    untrusted = make_service(start_queue=False, instance=tmp_path / "direct")
    response = untrusted.test_client().get("/signin", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in response.headers["Set-Cookie"]


def test_the_secret_is_generated_into_the_instance_folder_once(make_service, tmp_path):
    folder = tmp_path / "fresh"
    first = make_service(start_queue=False, instance=folder)
    path = folder / "secret_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(path.read_text().strip()) >= 48
    second = make_service(start_queue=False, instance=folder)
    assert first.secret_key == second.secret_key == path.read_text().strip()


def test_passwords_tokens_and_links_are_stored_only_as_hashes(world):
    app = world["app"]
    secret = app.config["TEST_TOKEN"]
    link_tokens = [link.rsplit("/", 1)[1] for link in world["links"].values()]
    with app.app_context():
        dump = []
        for table in ("users", "api_tokens", "invitations"):
            dump += [repr(tuple(row)) for row in db.session.execute(text(f"SELECT * FROM {table}"))]
        everything = "\n".join(dump)
    assert secret not in everything and secret[4:] not in everything
    assert SERVICE_PASSWORD not in everything
    for token in link_tokens:
        assert token not in everything


def test_a_deactivated_user_is_signed_out_at_once(world):
    app = world["app"]
    reviewer = app.test_client()
    sign_in(reviewer, "reviewer@example.com")
    assert reviewer.get("/assessments").status_code == 200
    with app.app_context():
        from grader.service.models import User

        user = db.session.scalars(select(User).where(User.email == "reviewer@example.com")).one()
        user.active = False
        db.session.commit()
    assert reviewer.get("/assessments").status_code == 302
    assert sign_in(app.test_client(), "reviewer@example.com").status_code == 401


def test_flags_are_shown_to_reviewers_and_never_to_candidates(world):
    import dataclasses

    from grader.results import GradeResult
    from grader.service import store

    app, subs, links = world["app"], world["subs"], world["links"]
    with app.app_context():
        sub = db.session.get(Submission, subs["A"])
        result = GradeResult.from_json(sub.grading.result)
        flagged = dataclasses.replace(
            result,
            challenges=tuple(
                dataclasses.replace(c, flags=("line 1: gc.get_objects walks the garbage collector",))
                for c in result.challenges
            ),
        )
        sub.grading.result = flagged.as_json()
        sub.grading.flags = 1
        store.refresh_score(sub)
        db.session.commit()
    page = world["admin"].get(f"/submissions/{subs['A']}").get_data(as_text=True)
    assert "gc.get_objects walks" in page
    cohort = world["admin"].get(f"/assessments/{world['assessment']}?flagged=1").get_data(as_text=True)
    assert 'class="tag warn">1<' in cohort
    candidate = app.test_client().get(f"{links['A']}/submissions/{subs['A']}").get_data(as_text=True)
    assert "gc.get_objects" not in candidate and "Flags" not in candidate


def test_an_api_token_reads_only_the_submissions_it_made(world):
    """A CI token may sit in a candidate's own pipeline: with it, the candidate must not read
    another candidate's submission (its name, decision and reviewer-audience result, hidden
    tests' messages and flags included), by id or by listing."""
    app, subs, aid = world["app"], world["subs"], world["assessment"]
    headers = {"Authorization": f"Bearer {app.config['TEST_TOKEN']}"}
    client = app.test_client()
    archive = zip_of({"crud": "# mine\n"})
    mine = client.post(
        "/api/v1/submissions",
        headers=headers,
        data={"assessment": str(aid), "name": "pr-1", "file": (io.BytesIO(archive), "a.zip")},
    ).json["id"]
    wait_for(app, mine)
    for sid in subs.values():  # the invitations' uploads, in the same assessment
        response = client.get(f"/api/v1/submissions/{sid}", headers=headers)
        assert response.status_code == 404 and b"crud" not in response.data, sid
    for url in ("/api/v1/submissions", f"/api/v1/submissions?assessment={aid}"):
        listed = client.get(url, headers=headers).json["submissions"]
        assert [s["id"] for s in listed] == [mine], url
    assert client.get(f"/api/v1/submissions/{mine}", headers=headers).json["result"] is not None
    # Another token (another pipeline) does not read this one's either.
    with app.app_context():
        from grader.service import accounts

        _t, other = accounts.add_token("another-ci")
    response = client.get(f"/api/v1/submissions/{mine}", headers={"Authorization": f"Bearer {other}"})
    assert response.status_code == 404



@pytest.mark.parametrize("name", ["a\";filename*=UTF-8''invoice.html;x=\".zip", "答案 \"final\".zip"])
def test_a_candidates_file_name_cannot_rename_or_break_the_archive_a_reviewer_downloads(world, name):
    """The archive's name is the candidate's: quoted into the download's Content-Disposition
    as it was, a ``"`` closed the name and a ``filename*`` after it chose what the reviewer's
    browser saves the bytes as (an archive may begin with anything: a page, a program), and a
    name outside Latin-1 made the download fail."""
    from werkzeug.http import parse_options_header

    from tests.test_service_concurrency import multipart

    app, admin, aid = world["app"], world["admin"], world["assessment"]
    post_form(admin, f"/assessments/{aid}/invitations", {"candidate_name": "C"})
    page = admin.get(f"/assessments/{aid}").get_data(as_text=True)
    link = re.findall(r'value="http://localhost(/c/[^"]+)"', page)[-1]
    client = app.test_client()
    token = csrf_of(client.get(link).get_data(as_text=True))
    archive = b"<html><script>alert(1)</script></html>" + zip_of({"crud": "# C\n"})
    body, kind = multipart([("csrf_token", token)], (name.replace('"', '\\"'), archive))  # as a browser may
    response = client.post(f"{link}/upload", data=body, content_type=kind)
    assert "/submissions/" in response.headers["Location"]
    sid = int(response.headers["Location"].rsplit("/", 1)[1])
    download = admin.get(f"/submissions/{sid}/archive")
    assert download.status_code == 200 and download.data == archive
    assert download.headers["Cache-Control"] == "no-store"
    disposition, params = parse_options_header(download.headers["Content-Disposition"])
    assert disposition == "attachment" and set(params) <= {"filename", "filename*"}, params
    for value in params.values():
        assert value.startswith(f"submission-{sid}-") and value.endswith(".zip"), value
