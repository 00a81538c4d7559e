"""The isolation boundary: backends that run candidate code, and the harness that runs inside."""
