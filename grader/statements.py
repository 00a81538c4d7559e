"""The statement a candidate reads: the challenge's own ``statement.md`` and the shared rules.

Every challenge asks the same of ``solution.py`` (an unbound ``db``, the imports
it may use, both ORM styles) and is checked the same way (``grader check``).
That text is written once, here, and added by ``grader kit`` and ``grader show``
after the statement's opening paragraphs, so each ``statement.md`` says only what
is particular to its challenge.
"""

from __future__ import annotations

from grader.challenges import Challenge

RULES = """\
## Rules for every challenge

- `solution.py` defines `db = SQLAlchemy()` at module level, **unbound**: it
  creates no Flask app, calls neither `db.init_app()` nor `db.create_all()`,
  and touches no database when it is imported. Constructor options are fine:
  `SQLAlchemy(model_class=Base)` with your own `DeclarativeBase` (as
  Flask-SQLAlchemy 3.1's quick start does), `session_options=`,
  `engine_options=`.
- The grader builds a fresh app for every test:
  `SQLALCHEMY_DATABASE_URI = "sqlite:///:memory:"`{binds}, `db.init_app(app)`,
  an app context pushed, `db.create_all()`. It calls your code inside that
  context: work through `db.session`. Nothing persists between tests.
- Both styles of SQLAlchemy 2.x pass: `db.Column(...)`, `db.relationship`,
  `Model.query` and `backref=`, or `Mapped[...]`, `mapped_column(...)`,
  `db.session.execute(db.select(...))` and `back_populates=`, unless the
  challenge names a construct. Keep the keyword constructor the declarative
  base gives your models; table names, `__repr__` and anything extra are your
  choice unless the challenge names them.
- You may import the standard library, `flask`, `flask_sqlalchemy`,
  `sqlalchemy` and `werkzeug`.
- Run `grader check` in your workspace to run the public tests against your
  `solution.py`; hidden tests check the rest of what this statement says.
"""


def rules(challenge: Challenge) -> str:
    """The shared rules as they read for ``challenge`` (its extra databases named, if any)."""
    binds = ""
    if challenge.binds:
        pairs = ", ".join(f'"{key}": "sqlite:///:memory:"' for key in challenge.binds)
        binds = f"\n  and `SQLALCHEMY_BINDS = {{{pairs}}}`"
    return RULES.format(binds=binds)


def full_statement(challenge: Challenge) -> str:
    """``challenge``'s statement with the shared rules added before its first ``##`` section
    (at the end when it has none)."""
    own = challenge.statement_path.read_text(encoding="utf-8").rstrip() + "\n"
    lines = own.splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))
    head, tail = "".join(lines[:at]).rstrip(), "".join(lines[at:])
    return f"{head}\n\n{rules(challenge)}" + (f"\n{tail}" if tail else "")
