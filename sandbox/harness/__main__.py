"""Entry point: ``python -I -m sandbox.harness JOB_FILE``."""

from __future__ import annotations

import sys

from sandbox.harness.runner import main

if __name__ == "__main__":
    main(sys.argv[1:])
