"""``grader similarity``: the method on a corpus of honest answers, disguised copies and leaked
solutions; hostile input; the report's schema; the command; the batch's files and column."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from grader.batch import Batch
from grader.cli import cli
from grader.similarity import (
    DEFAULTS,
    Match,
    compare,
    read_sources,
    render_html,
    render_json,
    render_text,
    side_by_side,
)
from grader.similarity.compare import _bar
from grader.similarity.fingerprints import fingerprint
from grader.similarity.tokens import normalize
from sandbox.fake import FakeBackend
from tests.disguises import DISGUISES
from tests.helpers import (
    SIMILARITY_CORPUS,
    corpus_figures,
    corpus_manifest,
    corpus_sources,
    disguise_cohort,
    write_sub,
)

CHALLENGES = sorted(p.name for p in SIMILARITY_CORPUS.iterdir() if p.is_dir())
CRUD = (SIMILARITY_CORPUS / "crud" / "bob.py").read_text()
CRUD_COPY = (SIMILARITY_CORPUS / "crud" / "gus.py").read_text()
ORDER_BY = (SIMILARITY_CORPUS / "order-by" / "cat.py").read_text()


@pytest.fixture(scope="module")
def corpus_report(pack):
    return compare(corpus_sources(), pack)


def texts(source: str) -> list[str]:
    return list(normalize(source).texts)


# -- the corpus ---------------------------------------------------------------


@pytest.mark.parametrize("challenge", CHALLENGES)
def test_every_copy_is_flagged_and_no_independent_pair_is(corpus_report, challenge):
    figures = corpus_figures(corpus_report, [challenge])
    assert figures["copies_flagged"] == figures["copies"], figures["misses"]
    assert figures["honest_flagged"] == 0, figures["false_alarms"]
    assert figures["honest_pairs"] >= 15  # six independent answers at least


@pytest.mark.parametrize("challenge", CHALLENGES)
def test_every_leaked_reference_is_flagged_and_honest_answers_are_not(corpus_report, challenge):
    """Honest answers flagged are exactly the manifest's known false positives (the README counts them)."""
    known = [entry.removesuffix(".py").split("/") for entry in corpus_manifest()["known_false_positives"]]
    figures = corpus_figures(corpus_report, [challenge])
    assert figures["leaks_flagged"] == figures["leaks"], figures["misses"]
    alarms = {alarm.split(" ~ ")[0] for alarm in figures["false_alarms"]}
    assert alarms == {f"{c}: {name}" for c, name in known if c == challenge}, figures["false_alarms"]


def test_the_corpus_is_what_the_readme_says(corpus_report):
    manifest = corpus_manifest()
    assert set(manifest["tuning"]) | set(manifest["heldout"]) | {"model-basics"} == set(CHALLENGES)
    assert len(CHALLENGES) >= 5
    sources = corpus_sources()
    for challenge in CHALLENGES:
        answers = [n for n in sources if challenge in sources[n]]
        copies = [c for c in manifest["copies"] if c.startswith(f"{challenge}/")]
        leaks = [c for c in manifest["leaks"] if c.startswith(f"{challenge}/")]
        assert len(answers) - len(copies) - len(leaks) >= 6, challenge
    figures = corpus_figures(corpus_report, CHALLENGES)
    assert figures["lowest_copy"] > figures["highest_honest"]


DISGUISED = [c for c in CHALLENGES if c != "model-basics"]


@pytest.fixture(scope="module")
def disguise_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("pack")


@pytest.mark.parametrize("disguise", sorted(DISGUISES))
@pytest.mark.parametrize("challenge", DISGUISED)
def test_each_way_of_disguising_a_copy_is_seen_through(pack, disguise_dir, challenge, disguise):
    """A copy of an honest answer, and one of the reference, disguised one way (``tests/disguises.py``)
    in a cohort of ten or so honest answers: both flagged, and no pair of the corpus's own
    independent answers is (the pack's good solutions, as candidates here, are canonical answers:
    an honest one in the same style can be their twin, and the README counts those)."""
    report, original = disguise_cohort(pack, challenge, DISGUISES[disguise], disguise_dir)
    pair = next(p for p in report.pairs if {p.a, p.b} == {original, "copy"})
    leak = next(r for r in report.reference_matches if r.submission == "leak")
    assert pair.flagged, (pair.similarity, report.challenges[0].bar)
    assert leak.flagged and leak.solution == "reference.py", (leak.similarity, report.challenges[0])
    independent = [p for p in report.pairs if p.flagged and not {p.a, p.b} & {"copy", "leak"}]
    assert [p for p in independent if not (p.a + p.b).count("good-")] == []


def test_a_tiny_challenge_with_alike_honest_answers_flags_no_one(corpus_report):
    flagged = [p for p in corpus_report.pairs if p.challenge == "model-basics" and p.flagged]
    assert flagged == []
    summary = next(c for c in corpus_report.challenges if c.id == "model-basics")
    assert summary.answers == 8 and summary.flagged_pairs == 0 and summary.flagged_references == 0


def test_a_cohort_of_alike_answers_raises_its_own_bar(pack):
    # Near-identical answers (only names differ), with the cohort's idioms not taken out so that
    # only the relative bar stands between them and a flag: nothing stands out, nothing is flagged.
    sources = {f"c{i}": {"order-by": ORDER_BY.replace("_fetch", f"_fetch{i}")} for i in range(8)}
    alike = replace(DEFAULTS, cohort_min=10**6)
    report = compare(sources, pack, settings=alike)
    assert report.pairs and all(p.similarity >= 0.9 for p in report.pairs)
    assert not any(p.flagged for p in report.pairs)
    assert report.challenges[0].bar > 0.9
    # The same cohort judged by the absolute threshold alone flags every pair.
    absolute = compare(sources, pack, settings=replace(alike, relative_min=10**6))
    assert all(p.flagged for p in absolute.pairs)


def test_the_relative_bar_is_the_median_plus_z_robust_deviations():
    settings = replace(DEFAULTS, threshold=0.5, z=3.0, spread_floor=0.05, spread_cap=0.1, relative_min=10)
    assert _bar([0.1] * 9, settings) == 0.5  # too few pairs: the threshold alone
    assert _bar([0.0] * 50, settings) == 0.5  # median 0, spread floor 0.05: 0.15 < threshold
    spread = [0.65, 0.7, 0.75] * 10  # median 0.7, MAD 0.05
    assert _bar(spread, settings) == pytest.approx(0.7 + 3 * 1.4826 * 0.05)
    wide = [0.6, 0.7, 0.8] * 10  # MAD 0.1: 1.4826 times that is above the cap
    assert _bar(wide, settings) == pytest.approx(0.7 + 3 * 0.1)


def test_a_mix_of_styles_does_not_lift_the_bar_above_a_copy():
    # Half a cohort in another style than the reference (0 against it), half in its style (0.3):
    # their spread is the mix's, not how far an answer may stand out. Uncapped, the bar was 0.82.
    samples = [0.0] * 6 + [0.3] * 5 + [0.7]
    assert _bar(samples, DEFAULTS) <= 0.7
    assert _bar(samples, replace(DEFAULTS, spread_cap=1.0)) > 0.8


# -- what normalization ignores ------------------------------------------------


def test_renaming_reformatting_comments_docstrings_and_annotations_change_nothing():
    original = '''
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def find(name: str, *, limit: int = 3) -> list["User"]:
    """Users by name."""
    rows = db.session.execute(db.select(User).filter_by(name=name).limit(limit))
    return [row for row in rows]  # every row
'''
    disguised = """
from flask_sqlalchemy import SQLAlchemy
database = SQLAlchemy()
def lookup(username, *, count=3):
    # rewritten comment
    '''A rewritten docstring.'''
    found = database.session.execute(
        database.select(User).filter_by(name=username).limit(count,),
    )
    return [r for r in found]
"""
    assert texts(original) == texts(disguised)
    assert "S" not in texts(original)  # the docstring went; no other string is there


def test_restructuring_that_changes_no_step_is_not_evidence():
    # A query built in steps or in one chain, an intermediate variable or none, an argument passed by
    # keyword or by position, a try taking in the statements before it or not: one stream each.
    steps = """
class User(db.Model):
    name = db.Column(db.String)

def find(name, n):
    query = db.select(User)
    query = query.where(User.name == name)
    rows = db.session.scalars(query.limit(n))
    return list(rows)

def save(name):
    user = User(name=name)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise
    return find(name=name, n=1)
"""
    chained = """
class User(db.Model):
    name = db.Column(db.String)

def find(name, n):
    return list(db.session.scalars(db.select(User).where(User.name == name).limit(n)))

def save(name):
    try:
        user = User(name)
        db.session.add(user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise
    return find(name, 1)
"""
    assert texts(steps) == texts(chained)
    # Blocks: the class's, both functions' bodies and the handler's; the try's body is not one.
    assert texts(steps).count("<indent>") == texts(steps).count("<dedent>") == 4
    api = "def f(x):\n    return db.Column(db.Integer, primary_key=x)\n"
    assert "primary_key" in texts(api)  # a keyword of the API's is the answer's choice: it stays


def test_a_value_read_again_or_later_stays_where_it_is():
    twice = "def f(x):\n    q = g(x)\n    h(q, q)\n"
    later = "def f(x):\n    q = g(x)\n    h(x)\n    return q\n"
    looped = "def f(x):\n    q = g(x)\n    for i in q:\n        k(i)\n    return q\n"
    for source in (twice, later, looped):
        assert texts(source)[:9] == ["def", "V", "(", "V", ")", ":", "\n", "<indent>", "V"], source
    one_line_try = "def f(x):\n    try: g(x)\n    except E: pass\n    return x\n"
    assert texts(one_line_try).count("try") == 1 and texts(one_line_try)[-1] == "<dedent>"


def test_a_value_written_where_it_is_read_keeps_its_lines():
    source = "def f(x):\n    q = db.select(User)\n\n    q = q.where(User.x == x)\n    return q.all()\n"
    stream = normalize(source)
    assert stream.texts.count("select") == 1
    assert stream.lines[stream.texts.index("select")] == 2 and stream.lines[stream.texts.index("where")] == 4
    found = fingerprint(stream)
    assert found.region(0, len(stream) - 1, 1) == (1, 5)  # lowest and highest, in any order


def test_dead_code_is_not_evidence():
    original = """
from sqlalchemy import text

def rename(user_id, name):
    if not name:
        raise ValueError(name)
    result = db.session.execute(text("UPDATE"), {"id": user_id})
    db.session.commit()
    return result.rowcount
"""
    padded = """
import logging
from sqlalchemy import text

_log = logging.getLogger(__name__)
_RETRIES = 3

def _clean(text, default=""):
    for _ in range(_RETRIES):
        text = text.strip()
    return text or default

def _unused_too():
    return _clean("x")

def rename(user_id, name):
    debug = False
    if not name:
        message = "empty"
        raise ValueError(name)
    result = db.session.execute(text("UPDATE"), {"id": user_id})
    outcome = db.session.commit()
    return result.rowcount
"""
    assert texts(padded) == ["import", "logging", "\n", *texts(original)]
    assert "text" in texts(padded)  # the dead helper's parameter does not rename the API's text()


def test_code_that_is_used_or_may_be_the_contracts_stays():
    used = "_LIMIT = 3\ndef _helper(x):\n    return x\ndef f(x):\n    return _helper(x) + _LIMIT\n"
    assert texts(used).count("def") == 2 and "N" in texts(used)
    public = "LIMIT = 3\ndef helper(x):\n    y = x\n    return y\n"
    assert texts(public).count("V") == 6  # LIMIT, helper, x, y = x, return y: nothing dropped
    # A private listener is used by its decorator, which registers it: the events challenge's code.
    listener = '@event.listens_for(A, "before_insert")\ndef _slug(mapper, conn, target):\n    target.s = 1\n'
    assert texts(listener).count("def") == 1 and "listens_for" in texts(listener)


def test_api_names_stay_and_the_files_own_names_go():
    tokens = texts(
        "import sqlalchemy as sa\nclass A:\n    n = 1\n"
        "    def f(self):\n        return sa.func.count(self.n, x=1)\n"
    )
    assert "func" in tokens and "count" in tokens and "x" in tokens  # used, not bound: API
    assert "sa" not in tokens and "n" not in tokens and "f" not in tokens and "self" not in tokens


@pytest.mark.slow
def test_the_fast_tokenizer_reads_exactly_what_tokenize_reads(pack):
    # On Python 3.11 the C tokenizer is reached privately; it must give the very same stream.
    files = [p for c in pack.values() for p in (c.starter_path, c.reference_path, *c.good_solutions())]
    files += sorted(SIMILARITY_CORPUS.glob("*/*.py"))
    for path in files:
        source = path.read_text()
        assert normalize(source) == normalize(source, fast=False), path


def test_both_tokenizers_place_a_name_after_wide_characters_alike():
    # The C tokenizer counts columns in bytes: an intermediate read after "▲" must still be found.
    source = 'def f(rows):\n    found = g(rows)\n    return {h.strip(" ▲▼"): h for h in found}\n'
    assert normalize(source) == normalize(source, fast=False)
    assert "g" in texts(source) and texts(source).count("V") == 6  # f, rows, h, h, h, rows


@pytest.mark.slow
@pytest.mark.parametrize(
    "source",
    [
        "def broken(:\n    pass\n",
        "x = '''never closed\n",
        "\0\0\0 import os",
        "def f():\n\treturn 1\n        return 2\n",
        "s = '\ud800 lone surrogate'\n",
        "(" * 5000 + ")" * 5000,
        "[" * 200 + "]" * 199,
        "x = 1\r\ny = 2\rz = 3\n",
        "\ufeffimport os\n",
        "f'{x!r:>{width}}' f'{y}'\n",
        "",
        "\n\n\n",
        "x = 1 +" * 20000,
    ],
    ids=[
        "syntax-error",
        "unterminated-string",
        "nul-bytes",
        "bad-indent",
        "lone-surrogate",
        "deep-nesting",
        "unbalanced",
        "carriage-returns",
        "bom",
        "fstrings",
        "empty",
        "blank",
        "long-line",
    ],
)
def test_hostile_sources_never_break_the_comparison(pack, source):
    report = compare({"odd": {"crud": source}, "ok": {"crud": CRUD}}, pack)
    assert {r.submission for r in report.reference_matches} == {"odd", "ok"}
    page = render_html(report)
    page.encode("utf-8")  # writable as UTF-8, whatever the source held
    json.loads(render_json(report))
    render_text(report)


@pytest.mark.slow
def test_a_huge_file_is_compared_in_reasonable_time(pack):
    import time

    big = CRUD * 60  # about the 256 KiB a submission's solution.py may hold
    started = time.monotonic()
    report = compare({"a": {"crud": big}, "b": {"crud": big}}, pack)
    assert time.monotonic() - started < 10  # about 1 s alone; the margin is for a busy machine
    assert report.pairs[0].similarity == 1.0


# -- the report ------------------------------------------------------------------


def test_the_json_is_exactly_the_published_schema(pack):
    report = compare({"bob": {"crud": CRUD}, "gus": {"crud": CRUD_COPY}, "kim": {"crud": ORDER_BY}}, pack)
    data = json.loads(render_json(report))
    assert set(data) == {"schema_version", "pairs", "reference_matches"}
    assert data["schema_version"] == 1
    pair = next(p for p in data["pairs"] if {p["a"], p["b"]} == {"bob", "gus"})
    assert set(pair) == {"a", "b", "challenge", "similarity", "flagged", "matches"}
    assert pair["challenge"] == "crud" and pair["flagged"] is True and 0 <= pair["similarity"] <= 1
    assert pair["matches"] and all(set(m) == {"a_lines", "b_lines"} for m in pair["matches"])
    assert all(len(m["a_lines"]) == 2 and m["a_lines"][0] <= m["a_lines"][1] for m in pair["matches"])
    assert {r["submission"] for r in data["reference_matches"]} == {"bob", "gus", "kim"}
    for match in data["reference_matches"]:
        assert set(match) == {"submission", "challenge", "similarity", "flagged"}
        assert 0 <= match["similarity"] <= 1


def test_matched_lines_point_at_the_copied_code(pack):
    padding = "\n".join(f"UNUSED_{i} = {i}" for i in range(10)) + "\n"
    report = compare({"a": {"crud": CRUD}, "b": {"crud": padding + CRUD}}, pack)
    (pair,) = report.pairs
    assert pair.flagged and pair.similarity == 1.0
    for m in pair.matches:
        assert m.b_lines[0] - m.a_lines[0] == 10 and m.b_lines[1] - m.a_lines[1] == 10


@pytest.mark.slow
def test_the_same_report_in_every_process(tmp_path):
    # Hashes are stable from process to process (no dependence on PYTHONHASHSEED).
    root = tmp_path / "cohort"
    for name, by in corpus_sources(["crud", "raw-sql"]).items():
        for cid, text in by.items():
            (root / name / cid).mkdir(parents=True)
            (root / name / cid / "solution.py").write_text(text)
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-c", "from grader.cli import main; main()", "similarity", str(root)]
        run = subprocess.run(
            [*command, "--format", "json"], env=env, capture_output=True, text=True, check=False
        )
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1] and json.loads(outputs[0])["pairs"]


def test_without_known_solutions_there_is_no_reference_comparison_and_a_note(pack, tmp_path):
    import shutil

    shutil.copytree(pack["crud"].path, tmp_path / "crud", ignore=shutil.ignore_patterns("solutions"))
    bare = {**pack, "crud": replace(pack["crud"], path=tmp_path / "crud")}
    report = compare({"bob": {"crud": CRUD}, "gus": {"crud": CRUD_COPY}}, bare)
    assert report.reference_matches == ()
    assert report.flagged_pairs and report.flagged_pairs[0].challenge == "crud"
    assert any("no known solutions" in n for n in report.notes)
    assert "no known solutions" in render_text(report) and "no known solutions" in render_html(report)


def test_side_by_side_escapes_candidate_code_and_marks_both_sides():
    hostile = "x = '</code></pre><script>alert(1)</script>'\ny = 2\n"
    page = side_by_side("<b>a</b>", hostile, "b", "y = 2\n", [Match((2, 2), (1, 1))])
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;a&lt;/b&gt;" in page
    assert page.count('class="line m0"') == 2


def test_the_html_page_fetches_nothing_and_escapes_names(pack):
    name = '<img src=x onerror="alert(1)">'
    report = compare({name: {"crud": CRUD}, "gus": {"crud": CRUD_COPY}}, pack)
    page = render_html(report)
    assert "<img" not in page and "&lt;img" in page
    assert "default-src 'none'" in page and "<script" not in page


# -- the command -------------------------------------------------------------------


def write_cohort(root: Path, answers: dict[str, dict[str, str]]) -> Path:
    for name, by in answers.items():
        for cid, text in by.items():
            (root / name / cid).mkdir(parents=True, exist_ok=True)
            (root / name / cid / "solution.py").write_text(text)
    return root


def test_similarity_command_reads_folders_and_archives_and_writes_each_format(runner, tmp_path):
    root = write_cohort(tmp_path / "in", {"bob": {"crud": CRUD}, "cat": {"crud": ORDER_BY}})
    with zipfile.ZipFile(root / "gus.zip", "w") as archive:
        archive.writestr("gus/crud/solution.py", CRUD_COPY)
    with zipfile.ZipFile(root / "evil.zip", "w") as archive:
        archive.writestr("../escape/crud/solution.py", CRUD)
    (root / "notes.txt").write_text("not a submission")
    out = tmp_path / "out"
    result = runner.invoke(
        cli,
        ["similarity", str(root), "--format", "json", "-o", str(out / "s.json"), "--format", "html",
         "-o", str(out / "s.html"), "--format", "text"],
    )
    assert result.exit_code == 0, result.output
    assert "FLAGGED  crud: bob ~ gus" in result.stdout
    assert "skipped evil:" in result.stderr and "skipped 1 file (not folders or archives)" in result.stderr
    data = json.loads((out / "s.json").read_text())
    assert [(p["a"], p["b"]) for p in data["pairs"] if p["flagged"]] == [("bob", "gus")]
    assert "bob/crud/solution.py" in (out / "s.html").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--threshold", "2"], "--threshold"),
        (["--challenge", "nope"], "unknown challenge nope"),
        (["--format", "pdf"], "--format"),
    ],
)
def test_similarity_command_refuses_bad_input_with_one_line(runner, tmp_path, args, message):
    root = write_cohort(tmp_path / "in", {"bob": {"crud": CRUD}})
    result = runner.invoke(cli, ["similarity", str(root), *args])
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_the_commands_default_threshold_is_the_methods():
    from grader.cli import SIMILARITY_THRESHOLD

    assert SIMILARITY_THRESHOLD == DEFAULTS.threshold


def test_similarity_command_without_answers_says_so(runner, tmp_path):
    missing = runner.invoke(cli, ["similarity", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("x")
    empty = runner.invoke(cli, ["similarity", str(tmp_path / "empty")])  # one submission, laid out wrong
    assert empty.exit_code == 0, empty.output
    assert "across 0 challenges" in empty.stdout and "Nothing flagged" in empty.stdout


def test_read_sources_takes_only_solution_py_and_skips_what_cannot_be_read(tmp_path):
    root = write_cohort(tmp_path, {"ann": {"crud": CRUD, "order-by": ORDER_BY}})
    (root / "ann" / "crud" / "notes.py").write_text("secret = 1\n")
    (root / "bad.zip").write_bytes(b"PK not really")
    (root / "ann" / "order-by" / "solution.py").unlink()
    (root / "ann" / "order-by" / "solution.py").symlink_to(root / "ann" / "crud" / "solution.py")
    sources, problems = read_sources([root / "ann", root / "bad.zip"], ["ann", "bad"], ["crud", "order-by"])
    assert sources == {"ann": {"crud": CRUD}}
    assert len(problems) == 1 and problems[0].startswith("bad: ")


# -- the batch ------------------------------------------------------------------------


def batch_cohort(tmp_path: Path) -> Path:
    root = tmp_path / "cohort"
    write_sub(root, "ann")
    for name, text in (("bob", CRUD), ("gus", CRUD_COPY), ("cat", ORDER_BY.replace("order", "sort"))):
        (root / name / "crud").mkdir(parents=True)
        (root / name / "crud" / "solution.py").write_text(text)
    return root


def test_batch_writes_similarity_for_reviewers_and_a_similar_to_column(tmp_path, pack):
    root = batch_cohort(tmp_path)
    out = tmp_path / "out"
    backend = FakeBackend()
    challenges = [pack["model-basics"], pack["crud"]]
    cohort = Batch(out, challenges, backend, "reviewer", pack=pack).run(sorted(root.iterdir()))
    data = json.loads((out / "similarity.json").read_text())
    flagged = [(p["a"], p["b"], p["challenge"]) for p in data["pairs"] if p["flagged"]]
    assert flagged == [("bob", "gus", "crud")]
    assert "side" in (out / "similarity.html").read_text()
    assert cohort.similar_to == {"bob": ("gus (crud)",), "gus": ("bob (crud)",)}
    rows = {r["candidate"]: r for r in csv.DictReader((out / "leaderboard.csv").open())}
    assert rows["gus"]["similar_to"] == "bob (crud)" and rows["ann"]["similar_to"] == ""
    assert "similar to" in (out / "leaderboard.html").read_text()
    # Similarity never changes a score: the flagged pair scores what it would anyway.
    assert rows["gus"]["score"] == rows["bob"]["score"]
    result = json.loads((out / "submissions" / "gus.json").read_text())
    assert result["flags"] == [] and "similar_to" not in json.dumps(result)


def test_batch_for_candidates_writes_no_similarity_and_removes_an_earlier_one(tmp_path, pack):
    root = batch_cohort(tmp_path)
    out = tmp_path / "out"
    backend = FakeBackend()
    Batch(out, [pack["crud"]], backend, "reviewer", pack=pack).run(sorted(root.iterdir()))
    assert (out / "similarity.json").exists()
    cohort = Batch(out, [pack["crud"]], backend, "candidate", pack=pack).run(sorted(root.iterdir()))
    assert cohort.similar_to is None
    assert not (out / "similarity.json").exists() and not (out / "similarity.html").exists()
    for name in ("leaderboard.csv", "leaderboard.html", "cohort.json"):
        assert "similar" not in (out / name).read_text().lower(), name


@pytest.mark.slow
def test_batch_command_writes_the_similarity_files_and_column(runner, tmp_path):
    """Through the CLI, graded for real on the local backend."""
    root = batch_cohort(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["batch", str(root), "--out", str(out), "-c", "crud", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "similarity.json, similarity.html" in result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.split()[-1] == "reason"  # the text leaderboard says it there, to fit a terminal
    assert any(line.split()[1] == "gus" and "similar to bob (crud)" in line for line in lines)
    assert json.loads((out / "similarity.json").read_text())["schema_version"] == 1
