"""The harness: the code that runs inside the sandbox.

It imports only the standard library, pytest, Flask and SQLAlchemy, never the
host-side ``grader`` package. ``supervisor`` is the sandbox's one long-lived
process, started by a backend with the session on its stdin; it forks a child
per challenge and phase, which ``runner.run`` turns into one pytest run.
``guard`` is what keeps code sharing that process from rewriting verdicts
unnoticed; ``plugin`` reports each test; ``fixtures`` is the pytest plugin that
gives every challenge test the app the contract describes; ``checks`` has
helpers for challenge authors; ``precompile`` makes the test modules' pycs.
"""
