"""The exceptions lazyinit raises.

Every error derives from :class:`LazyInitError` and also from the built-in a
NumPy or TensorFlow user would catch, so ``except ValueError`` keeps working.
"""

from __future__ import annotations

__all__ = [
    "GraphVerificationError",
    "LazyIndexError",
    "LazyInitError",
    "LazyShapeError",
    "LazyTypeError",
    "LazyValueError",
    "MemoryLimitError",
]


class LazyInitError(Exception):
    """Root of every error raised by lazyinit."""


class LazyValueError(LazyInitError, ValueError):
    """A bad value: a shape, an axis, a config key, an argument out of range."""


class LazyIndexError(LazyValueError, IndexError):
    """An index out of range of its axis.

    Also an ``IndexError``: code written for NumPy catches that, and Python's
    sequence iteration stops on it.
    """


class LazyShapeError(LazyValueError):
    """Operand shapes that do not fit the operation (broadcasting, matmul)."""


class LazyTypeError(LazyInitError, TypeError):
    """A wrong kind of argument: an unsupported dtype or operand type."""


class MemoryLimitError(LazyValueError, MemoryError):
    """An evaluation would need more memory than the caller allowed."""


class GraphVerificationError(LazyInitError, AssertionError):
    """A graph broke an invariant (a bug in a rewrite, not in user input)."""
