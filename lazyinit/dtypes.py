"""dtype normalization: every spelling users write becomes one ``np.dtype``.

Accepted: ``np.dtype`` objects, names (``"float32"``), Python types (``float``,
``int``, ``bool``, ``complex``), NumPy scalar types (``np.float16``) and objects
with ``as_numpy_dtype`` (TensorFlow's ``DType``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lazyinit.errors import LazyTypeError, LazyValueError

__all__ = [
    "DEFAULT_FLOAT",
    "is_floating",
    "is_integer",
    "is_numeric_or_bool",
    "normalize_dtype",
]

DEFAULT_FLOAT = np.dtype(np.float32)

_NUMERIC_KINDS = frozenset("biufc")


def normalize_dtype(dtype: Any, *, argument: str = "dtype") -> np.dtype:
    """Return ``dtype`` as an ``np.dtype``; ``None`` gives float32.

    Parameters
    ----------
    dtype : dtype-like or None
        A NumPy dtype, a name, a Python or NumPy scalar type, or an object
        with ``as_numpy_dtype`` (a TensorFlow ``DType``).
    argument : str
        The argument name used in error messages.

    Returns
    -------
    numpy.dtype

    Raises
    ------
    TypeError
        If ``dtype`` is not something NumPy can read as a dtype.

    Examples
    --------
    >>> normalize_dtype("float16")
    dtype('float16')
    >>> normalize_dtype(bool)
    dtype('bool')
    >>> normalize_dtype(None)
    dtype('float32')
    """
    if dtype is None:
        return DEFAULT_FLOAT
    if isinstance(dtype, np.dtype):
        return dtype
    numpy_dtype = getattr(dtype, "as_numpy_dtype", None)
    if numpy_dtype is not None:
        dtype = numpy_dtype
    try:
        return np.dtype(dtype)
    except TypeError as exc:
        raise LazyTypeError(
            f"{argument}: cannot interpret {dtype!r} as a dtype; expected a NumPy "
            "dtype, a name such as 'float32', or a type such as float"
        ) from exc


def is_floating(dtype: np.dtype) -> bool:
    """True for real floating dtypes, bfloat16 (from ml_dtypes) included."""
    return dtype.kind == "f" or dtype.name == "bfloat16"


def is_integer(dtype: np.dtype) -> bool:
    """True for signed and unsigned integer dtypes (not bool)."""
    return dtype.kind in "iu"


def is_numeric_or_bool(dtype: np.dtype) -> bool:
    """True for bool, integer, floating and complex dtypes."""
    return dtype.kind in _NUMERIC_KINDS or is_floating(dtype)


def check_numeric_or_bool(dtype: np.dtype, *, where: str) -> np.dtype:
    """Raise ValueError unless ``dtype`` is numeric or bool."""
    if not is_numeric_or_bool(dtype):
        raise LazyValueError(
            f"{where}: dtype expected to be numeric or boolean, received {dtype!r}"
        )
    return dtype
