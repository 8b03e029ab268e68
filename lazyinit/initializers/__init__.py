"""Initializers (placeholder until the initializer module lands)."""

__all__: list[str] = []
