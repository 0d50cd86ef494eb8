"""Benchmarks run by `make bench`: each `bench_*.py` module exposes `run() -> list[dict]`.

Each dict is one measurement: name, value, unit, target (the value to reach) and ok.
"""
