"""The harness: the code that runs inside the sandbox, one process per challenge.

It imports only the standard library, pytest, Flask and SQLAlchemy, never the
host-side ``grader`` package. ``python -I -m sandbox.harness JOB_FILE`` runs one
challenge (see ``runner``); ``fixtures`` is the pytest plugin that gives every
challenge test the app the contract describes; ``checks`` has helpers for
challenge authors.
"""
