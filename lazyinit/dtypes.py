"""dtype normalization: every spelling users write becomes one ``np.dtype``.

Accepted: ``np.dtype`` objects, names (``"float32"``), Python types (``float``,
``int``, ``bool``, ``complex``), NumPy scalar types (``np.float16``) and objects
with ``as_numpy_dtype`` (TensorFlow's ``DType``).
"""

from __future__ import annotations

import importlib.util
from typing import Any, TypeVar

import numpy as np

from lazyinit.errors import LazyTypeError, LazyValueError

__all__ = [
    "DEFAULT_FLOAT",
    "is_floating",
    "is_integer",
    "is_numeric_or_bool",
    "normalize_dtype",
    "scalar_of",
]

DEFAULT_FLOAT = np.dtype(np.float32)

_NUMERIC_KINDS = frozenset("biufc")

_ScalarT = TypeVar("_ScalarT", bound=np.generic)


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
        If ``dtype`` is not something NumPy can read as a dtype. Names of the
        ml_dtypes package (``"bfloat16"``) resolve when it is installed.

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
        extension = _ml_dtype(dtype) if isinstance(dtype, str) else None
        if extension is not None:
            return extension
        hint = ""
        if _needs_ml_dtypes(dtype):
            hint = f"; {dtype!r} needs the ml_dtypes package: pip install ml_dtypes"
        raise LazyTypeError(
            f"{argument}: cannot interpret {dtype!r} as a dtype; expected a NumPy "
            f"dtype, a name such as 'float32', or a type such as float{hint}"
        ) from exc


# Names of the dtypes ml_dtypes adds (bfloat16, float8_e4m3fn, int4, ...).
_ML_DTYPES_PREFIXES: tuple[str, ...] = ("bfloat", "bcomplex", "complex32")
_ML_DTYPES_PREFIXES += ("float4", "float6", "float8")
_ML_DTYPES_PREFIXES += ("int1", "int2", "int4", "uint1", "uint2", "uint4")


def _needs_ml_dtypes(dtype: Any) -> bool:
    """True for an ml_dtypes name while ml_dtypes is not installed."""
    return (
        isinstance(dtype, str)
        and dtype.startswith(_ML_DTYPES_PREFIXES)
        and importlib.util.find_spec("ml_dtypes") is None
    )


def _ml_dtype(name: str) -> np.dtype | None:
    """The ml_dtypes dtype called ``name``, or None."""
    # NumPy knows these names only once ml_dtypes is imported, and importing
    # it costs time, so it is imported on the first name NumPy does not know.
    try:
        import ml_dtypes
    except ImportError:
        return None
    scalar_type = getattr(ml_dtypes, name, None)
    if isinstance(scalar_type, type) and issubclass(scalar_type, np.generic):
        return np.dtype(scalar_type)
    return None


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


def scalar_of(array: np.ndarray[Any, np.dtype[_ScalarT]]) -> _ScalarT:
    """The element of a 0-d ``array`` as a NumPy scalar: ``array[()]``.

    Examples
    --------
    >>> scalar_of(np.asarray(300).astype(np.int16))
    np.int16(300)
    """
    # NumPy's stubs type ``array[()]`` as an array whatever the shape; on a
    # 0-d array it is the scalar.
    return array[()]  # type: ignore[return-value]
