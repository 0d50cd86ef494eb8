"""Declarative flow specs: YAML written by ops, checked against an action registry, run as flows."""
