"""CLI command groups; each module exposes `register(app)` and cli.py wires them."""
