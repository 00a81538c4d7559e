"""Test strength, measured: mutants of each challenge's reference, run against its hidden tests.

``generate`` makes the mutants (``grader.mutants.operators`` lists the operators),
``grader.mutants.run`` runs them in one sandbox session and scores each
challenge, ``grader.mutants.report`` writes the results as text or JSON.
"""

from __future__ import annotations

from grader.mutants.generate import Mutant, generate

__all__ = ["Mutant", "generate"]
