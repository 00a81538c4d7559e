"""grader: grade Flask-SQLAlchemy challenge submissions with hidden pytest checks in a sandbox."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
