"""The Python array API standard (2023.12) namespace of lazy tensors.

``t.__array_namespace__()`` returns this module, so code written against the
standard (``xp = array_namespace(x)``) builds lazy graphs. It holds the
standard's functions that lazyinit has as operations, with the standard's
signatures (positional-only arrays, keyword-only options), dtypes and
shapes; everything else is missing on purpose, and asking for it raises an
``AttributeError`` that says so.

Deviations from the standard, and choices it leaves to the library:

- The default real floating dtype is float32 (complex64 for complex), as
  everywhere in lazyinit: ``zeros``, ``ones``, ``full`` and ``asarray`` of
  Python floats give float32. The default integer and index dtype is int64.
  NumPy 2's own namespace defaults to float64.
- Type promotion is NumPy 2's (NEP 50), which agrees with the standard's
  table wherever the standard defines a result. Where the standard leaves
  the result unspecified, NumPy's answer is given instead of an error: mixed
  kinds (``int32 + float32`` is float64), integers in ``divide`` (float64),
  ``mean`` of integers (float64), Python floats with integer arrays, and
  non-bool operands of the ``logical_*`` functions.
- Elementwise functions also accept Python scalars for either operand, as
  the 2024.12 revision does; they are weak (take the array's dtype).
- A lazy tensor's values are unknown until evaluated, so ``bool(x)``,
  ``float(x)``, ``int(x)`` and ``x.__index__()`` raise ``TypeError``, and no
  function with data-dependent output shapes (``nonzero``, ``unique_*``,
  boolean indexing) exists: ``capabilities()`` says so.
- ``astype(x, x.dtype, copy=True)`` and ``asarray(x, copy=True)`` of a lazy
  tensor return ``x`` itself: lazy tensors are immutable, so a copy cannot
  be told apart, and every evaluation returns a new array anyway.
- ``eye`` supports only ``k=0``. ``empty`` and ``empty_like`` are zeros.
- Not provided (no lazy operation yet): ``arange``, ``linspace``,
  ``meshgrid``, ``tril``/``triu``, ``from_dlpack``, the trigonometric
  functions beyond ``sin``, ``cos``, ``tanh`` and ``atan2``, ``round``,
  ``trunc``, ``clip``, shifts, ``argmax``/``argmin``, ``std``/``var``,
  ``cumulative_sum``, sorting, searching, set functions, ``tensordot``,
  ``vecdot``, ``flip``, ``roll``, ``repeat``, ``tile`` and the ``linalg``
  and ``fft`` extensions.

Examples
--------
>>> import lazyinit as li
>>> xp = li.zeros((2, 3)).__array_namespace__()
>>> x = xp.ones((2, 3), dtype=xp.int32)
>>> y = xp.sum(x, axis=1)
>>> y.shape, y.dtype == xp.int64
((2,), True)
>>> xp.argmax
Traceback (most recent call last):
...
AttributeError: lazyinit.array_api has no 'argmax': ...
"""

from __future__ import annotations

import builtins
import math
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

# The tensor module first: it loads the op modules in the order they need.
import lazyinit.tensor  # noqa: F401
from lazyinit.dtypes import DEFAULT_FLOAT, normalize_dtype
from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.ops import creation, elementwise, linalg, movement, reduction
from lazyinit.shapes import broadcast_shapes, normalize_axis
from lazyinit.tensor import LazyTensor, as_tensor

__array_api_version__ = "2023.12"

_VERSIONS = ("2021.12", "2022.12", "2023.12")
_DEVICE = "cpu"

# --- data types and constants -------------------------------------------------

bool = np.dtype(np.bool_)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)
uint16 = np.dtype(np.uint16)
uint32 = np.dtype(np.uint32)
uint64 = np.dtype(np.uint64)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
complex64 = np.dtype(np.complex64)
complex128 = np.dtype(np.complex128)

_DTYPES: tuple[np.dtype, ...] = (bool, int8, int16, int32, int64)
_DTYPES += (uint8, uint16, uint32, uint64)
_DTYPES += (float32, float64, complex64, complex128)

_DEFAULT_DTYPES = {
    "real floating": DEFAULT_FLOAT,
    "complex floating": np.result_type(DEFAULT_FLOAT, np.complex64),
    "integral": int64,
    "indexing": int64,
}

e = math.e
inf = math.inf
nan = math.nan
pi = math.pi
newaxis = None


def namespace(api_version: str | None = None) -> Any:
    """This module, after checking that ``api_version`` is one it follows."""
    if api_version is not None and api_version not in _VERSIONS:
        raise LazyValueError(
            f"__array_namespace__: api_version {api_version!r} is not supported; "
            f"expected None or one of {list(_VERSIONS)}"
        )
    return sys.modules[__name__]


def _check_device(function: str, device: Any) -> None:
    if device is not None and device != _DEVICE:
        raise LazyValueError(
            f"{function}: device must be None or 'cpu', received {device!r}"
        )


def _default_dtype(value: Any) -> np.dtype:
    """The dtype the standard gives a Python scalar (or nested sequence)."""
    try:
        kind = np.asarray(value).dtype.kind
    except (TypeError, ValueError) as error:
        raise LazyValueError(
            f"asarray: cannot make an array of {type(value).__name__} "
            f"{_abbreviate(value)}: {error}"
        ) from error
    if kind == "b":
        return bool
    if kind in "iu":
        return _DEFAULT_DTYPES["integral"]
    if kind == "f":
        return _DEFAULT_DTYPES["real floating"]
    if kind == "c":
        return _DEFAULT_DTYPES["complex floating"]
    raise LazyTypeError(
        f"asarray: cannot make an array of {type(value).__name__} {value!r}; "
        "expected numbers or bools"
    )


def _abbreviate(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- creation -----------------------------------------------------------------


def asarray(
    obj: Any,
    /,
    *,
    dtype: Any = None,
    device: Any = None,
    copy: builtins.bool | None = None,
) -> LazyTensor:
    """A lazy tensor of ``obj``: a lazy tensor, an array, a scalar or a sequence.

    Python scalars and sequences of them take the default dtype of their
    kind (float32 for floats). Data from outside is always copied (the lazy
    tensor is a snapshot), so ``copy=False`` raises for it.

    Examples
    --------
    >>> import lazyinit.array_api as xp
    >>> xp.asarray([1.0, 2.0]).dtype
    dtype('float32')
    """
    _check_device("asarray", device)
    if isinstance(obj, LazyTensor):
        if dtype is None or normalize_dtype(dtype) == obj.dtype:
            return obj
        if copy is False:
            raise LazyValueError(
                f"asarray: casting {obj.dtype} to {dtype} needs a copy, but copy=False"
            )
        return elementwise.astype(obj, dtype)
    if copy is False:
        raise LazyValueError(
            "asarray: copy=False cannot be honoured: a lazy tensor holds a "
            "snapshot of its data, never the caller's memory"
        )
    is_python = not isinstance(obj, np.ndarray | np.generic) and not hasattr(
        obj, "__array__"
    )
    if dtype is None and is_python:
        dtype = _default_dtype(obj)
    return creation.asarray(obj, dtype=dtype)


def zeros(shape: Any, *, dtype: Any = None, device: Any = None) -> LazyTensor:
    """A lazy tensor of zeros (float32 by default)."""
    _check_device("zeros", device)
    return creation.zeros(shape, dtype=dtype)


def ones(shape: Any, *, dtype: Any = None, device: Any = None) -> LazyTensor:
    """A lazy tensor of ones (float32 by default)."""
    _check_device("ones", device)
    return creation.ones(shape, dtype=dtype)


def empty(shape: Any, *, dtype: Any = None, device: Any = None) -> LazyTensor:
    """An uninitialized lazy tensor: zeros, which cost nothing to build."""
    _check_device("empty", device)
    return creation.zeros(shape, dtype=dtype)


def full(
    shape: Any, fill_value: Any, *, dtype: Any = None, device: Any = None
) -> LazyTensor:
    """A lazy tensor filled with ``fill_value`` (default dtype of its kind).

    Examples
    --------
    >>> import lazyinit.array_api as xp
    >>> xp.full((2,), 7).dtype, xp.full((2,), 0.5).dtype
    (dtype('int64'), dtype('float32'))
    """
    _check_device("full", device)
    if dtype is None:
        dtype = (
            fill_value.dtype
            if isinstance(fill_value, np.generic)
            else _default_dtype(fill_value)
        )
    return creation.full(shape, fill_value, dtype=dtype)


def _like(function: str, x: Any, value: Any, dtype: Any, device: Any):
    _check_device(function, device)
    tensor = as_tensor(x)
    return creation.full(tensor.shape, value, tensor.dtype if dtype is None else dtype)


def zeros_like(x: Any, /, *, dtype: Any = None, device: Any = None) -> LazyTensor:
    """Zeros with the shape (and by default the dtype) of ``x``."""
    return _like("zeros_like", x, 0, dtype, device)


def ones_like(x: Any, /, *, dtype: Any = None, device: Any = None) -> LazyTensor:
    """Ones with the shape (and by default the dtype) of ``x``."""
    return _like("ones_like", x, 1, dtype, device)


def empty_like(x: Any, /, *, dtype: Any = None, device: Any = None) -> LazyTensor:
    """An uninitialized tensor like ``x``: zeros, which cost nothing to build."""
    return _like("empty_like", x, 0, dtype, device)


def full_like(
    x: Any, /, fill_value: Any, *, dtype: Any = None, device: Any = None
) -> LazyTensor:
    """A fill with the shape (and by default the dtype) of ``x``."""
    return _like("full_like", x, fill_value, dtype, device)


def eye(
    n_rows: int,
    n_cols: int | None = None,
    /,
    *,
    k: int = 0,
    dtype: Any = None,
    device: Any = None,
) -> LazyTensor:
    """An identity matrix (float32 by default); only ``k=0`` is supported."""
    _check_device("eye", device)
    if k != 0:
        raise LazyValueError(f"eye: only k=0 is supported, received k={k!r}")
    return creation.eye(n_rows, n_cols, dtype=dtype)


# --- data type functions ------------------------------------------------------


def _dtype_of(value: Any) -> Any:
    return value.dtype if isinstance(value, LazyTensor) else value


def astype(
    x: LazyTensor,
    dtype: Any,
    /,
    *,
    copy: builtins.bool = True,
    device: Any = None,
) -> LazyTensor:
    """``x`` cast to ``dtype``; ``x`` itself when the dtype is already that."""
    _check_device("astype", device)
    tensor = as_tensor(x)
    if normalize_dtype(dtype) == tensor.dtype:
        return tensor
    return elementwise.astype(tensor, dtype)


def can_cast(from_: Any, to: Any, /) -> builtins.bool:
    """True when ``from_`` (a dtype or an array) casts safely to ``to``."""
    return builtins.bool(np.can_cast(normalize_dtype(_dtype_of(from_)), to))


def finfo(type: Any, /) -> np.finfo:
    """Machine limits of a floating dtype (or of an array's dtype)."""
    dtype = normalize_dtype(_dtype_of(type))
    if dtype.kind not in "fc":
        raise LazyValueError(
            f"finfo: expected a real or complex floating dtype, received {dtype}; "
            "use iinfo for integers"
        )
    return np.finfo(dtype)


def iinfo(type: Any, /) -> np.iinfo:
    """Machine limits of an integer dtype (or of an array's dtype)."""
    dtype = normalize_dtype(_dtype_of(type))
    if dtype.kind not in "iu":
        raise LazyValueError(
            f"iinfo: expected an integer dtype, received {dtype}; use finfo for "
            "floating dtypes"
        )
    return np.iinfo(dtype)


def isdtype(dtype: Any, kind: Any) -> builtins.bool:
    """True when ``dtype`` is of ``kind`` (``"real floating"``, a dtype, ...)."""
    try:
        return builtins.bool(np.isdtype(dtype, kind))
    except TypeError as error:
        raise LazyTypeError(
            f"isdtype: expected a dtype and a kind, received dtype={dtype!r}, "
            f"kind={kind!r}: {error}"
        ) from error
    except ValueError as error:
        raise LazyValueError(
            f"isdtype: unknown kind {kind!r}; expected a dtype, one of "
            f"{', '.join(map(repr, _KINDS))}, or a tuple of them"
        ) from error


# The kind names of the standard's ``isdtype``.
_KINDS = (
    "bool",
    "signed integer",
    "unsigned integer",
    "integral",
    "real floating",
    "complex floating",
    "numeric",
)


def result_type(*arrays_and_dtypes: Any) -> np.dtype:
    """The dtype that promoting the arguments gives.

    Examples
    --------
    >>> import lazyinit.array_api as xp
    >>> xp.result_type(xp.ones(2, dtype=xp.uint8), xp.int8)
    dtype('int16')
    """
    return np.result_type(*(_dtype_of(value) for value in arrays_and_dtypes))


# --- elementwise functions ----------------------------------------------------

# The standard's name -> lazyinit's (NumPy's) where they differ.
_RENAMED = {
    "abs": "absolute",
    "atan2": "arctan2",
    "bitwise_invert": "invert",
    "pow": "power",
}
_ELEMENTWISE = [
    "abs",
    "add",
    "atan2",
    "bitwise_and",
    "bitwise_invert",
    "bitwise_or",
    "bitwise_xor",
    "ceil",
    "cos",
    "divide",
    "equal",
    "exp",
    "expm1",
    "floor",
    "floor_divide",
    "greater",
    "greater_equal",
    "isfinite",
    "isnan",
    "less",
    "less_equal",
    "log",
    "log1p",
    "logical_and",
    "logical_not",
    "logical_or",
    "maximum",
    "minimum",
    "multiply",
    "negative",
    "not_equal",
    "positive",
    "pow",
    "remainder",
    "sign",
    "sin",
    "sqrt",
    "square",
    "subtract",
    "tanh",
]

for _name in _ELEMENTWISE:
    globals()[_name] = getattr(elementwise, _RENAMED.get(_name, _name))


def where(condition: Any, x1: Any, x2: Any, /) -> LazyTensor:
    """Elements of ``x1`` where ``condition`` is true, else of ``x2``."""
    return elementwise.where(condition, x1, x2)


# --- linear algebra -----------------------------------------------------------


def matmul(x1: Any, x2: Any, /) -> LazyTensor:
    """The matrix product, with the standard's (NumPy's) 1-D and batch rules."""
    return linalg.matmul(x1, x2)


def matrix_transpose(x: Any, /) -> LazyTensor:
    """``x`` with its last two axes swapped."""
    return movement.matrix_transpose(x)


# --- manipulation -------------------------------------------------------------


def broadcast_arrays(*arrays: Any) -> list[LazyTensor]:
    """The arrays broadcast against each other."""
    tensors = [as_tensor(a) for a in arrays]
    shape = broadcast_shapes(*(t.shape for t in tensors), op="broadcast_arrays")
    return [movement.broadcast_to(t, shape) for t in tensors]


def broadcast_to(x: Any, /, shape: Any) -> LazyTensor:
    """``x`` broadcast to ``shape``."""
    return movement.broadcast_to(x, shape)


def concat(arrays: Sequence[Any], /, *, axis: int | None = 0) -> LazyTensor:
    """Join arrays along an existing axis; ``axis=None`` flattens them first.

    Examples
    --------
    >>> import lazyinit.array_api as xp
    >>> xp.concat([xp.zeros((2, 2)), xp.ones((1, 2))], axis=None).shape
    (6,)
    """
    if axis is None:
        arrays = [movement.reshape(a, (-1,)) for a in arrays]
        axis = 0
    return movement.concatenate(arrays, axis=axis)


def expand_dims(x: Any, /, *, axis: int = 0) -> LazyTensor:
    """``x`` with a new axis of length one at ``axis``."""
    if not isinstance(axis, int | np.integer):
        raise LazyTypeError(f"expand_dims: axis must be an int, received {axis!r}")
    return movement.expand_dims(x, axis)


def moveaxis(x: Any, source: Any, destination: Any, /) -> LazyTensor:
    """``x`` with axes ``source`` moved to positions ``destination``."""
    tensor = as_tensor(x)
    ndim = tensor.ndim
    sources = [source] if isinstance(source, int | np.integer) else list(source)
    targets = (
        [destination]
        if isinstance(destination, int | np.integer)
        else list(destination)
    )
    if len(sources) != len(targets):
        raise LazyValueError(
            f"moveaxis: source {source!r} and destination {destination!r} must "
            "have the same number of elements"
        )
    from_axes = [
        normalize_axis(a, ndim, op="moveaxis", argument="source") for a in sources
    ]
    to_axes = [
        normalize_axis(a, ndim, op="moveaxis", argument="destination") for a in targets
    ]
    order = [a for a in range(ndim) if a not in from_axes]
    for target, axis in sorted(zip(to_axes, from_axes, strict=True)):
        order.insert(target, axis)
    return movement.transpose(tensor, order)


def permute_dims(x: Any, /, axes: Sequence[int]) -> LazyTensor:
    """``x`` with its axes permuted."""
    return movement.transpose(x, axes)


def reshape(x: Any, /, shape: Any, *, copy: builtins.bool | None = None) -> LazyTensor:
    """``x`` with a new shape; one dimension may be -1."""
    return movement.reshape(x, shape)


def squeeze(x: Any, /, axis: Any) -> LazyTensor:
    """``x`` without the axes ``axis``, which must have length one."""
    return movement.squeeze(x, axis)


def stack(arrays: Sequence[Any], /, *, axis: int = 0) -> LazyTensor:
    """Join arrays of one shape along a new axis."""
    return movement.stack(arrays, axis=axis)


def unstack(x: Any, /, *, axis: int = 0) -> tuple[LazyTensor, ...]:
    """The slices of ``x`` along ``axis``."""
    tensor = as_tensor(x)
    axis = normalize_axis(axis, tensor.ndim, op="unstack")
    lead = (slice(None),) * axis
    return tuple(tensor[(*lead, i)] for i in range(tensor.shape[axis]))


# --- indexing -----------------------------------------------------------------


def take(x: Any, indices: Any, /, *, axis: int | None = None) -> LazyTensor:
    """Elements of ``x`` at ``indices`` along ``axis`` (required above 1-D)."""
    tensor = as_tensor(x)
    if axis is None and tensor.ndim > 1:
        raise LazyValueError(
            f"take: axis is required for an array of {tensor.ndim} dimensions "
            f"(shape {tensor.shape})"
        )
    return movement.take(tensor, indices, axis=axis)


# --- statistics and utilities -------------------------------------------------


def sum(
    x: Any,
    /,
    *,
    axis: Any = None,
    dtype: Any = None,
    keepdims: builtins.bool = False,
) -> LazyTensor:
    """The sum over ``axis``; small integers accumulate in int64 or uint64."""
    return reduction.sum(x, axis=_axes(axis), dtype=dtype, keepdims=keepdims)


def prod(
    x: Any,
    /,
    *,
    axis: Any = None,
    dtype: Any = None,
    keepdims: builtins.bool = False,
) -> LazyTensor:
    """The product over ``axis``; small integers accumulate in int64 or uint64."""
    return reduction.prod(x, axis=_axes(axis), dtype=dtype, keepdims=keepdims)


def mean(x: Any, /, *, axis: Any = None, keepdims: builtins.bool = False):
    """The arithmetic mean over ``axis``, in ``x``'s floating dtype."""
    return reduction.mean(x, axis=_axes(axis), keepdims=keepdims)


def max(x: Any, /, *, axis: Any = None, keepdims: builtins.bool = False):
    """The maximum over ``axis``; a zero-size reduction raises."""
    return reduction.max(x, axis=_axes(axis), keepdims=keepdims)


def min(x: Any, /, *, axis: Any = None, keepdims: builtins.bool = False):
    """The minimum over ``axis``; a zero-size reduction raises."""
    return reduction.min(x, axis=_axes(axis), keepdims=keepdims)


def all(x: Any, /, *, axis: Any = None, keepdims: builtins.bool = False):
    """True where every element over ``axis`` is nonzero (True when empty)."""
    return _logical_reduce("all", x, axis, keepdims, reduction.min, empty=True)


def any(x: Any, /, *, axis: Any = None, keepdims: builtins.bool = False):
    """True where some element over ``axis`` is nonzero (False when empty)."""
    return _logical_reduce("any", x, axis, keepdims, reduction.max, empty=False)


def _axes(axis: Any) -> Any:
    # The standard takes an int or a tuple; a list is NumPy's and is refused
    # by neither, so only the type is checked here.
    if axis is None or isinstance(axis, int | np.integer | tuple):
        return axis
    raise LazyTypeError(
        f"axis must be None, an int or a tuple of ints, received {axis!r}"
    )


def _logical_reduce(name, x, axis, keepdims, reduce, *, empty: builtins.bool):
    """all/any as min/max of the bools, which NumPy computes exactly so."""
    tensor = as_tensor(x)
    truth = elementwise.not_equal(tensor, 0) if tensor.dtype != bool else tensor
    if tensor.size == 0:
        shape = reduction.sum(truth, axis=_axes(axis), keepdims=keepdims).shape
        return creation.full(shape, empty, dtype=bool)
    return reduce(truth, axis=_axes(axis), keepdims=keepdims)


# --- inspection ---------------------------------------------------------------


class Info:
    """What ``__array_namespace_info__()`` reports: devices, dtypes, capabilities."""

    def capabilities(self) -> dict[str, Any]:
        """No boolean indexing or data-dependent shapes: shapes are known early."""
        return {
            "boolean indexing": False,
            "data-dependent shapes": False,
            "max dimensions": 64,
        }

    def default_device(self) -> str:
        return _DEVICE

    def devices(self) -> list[str]:
        return [_DEVICE]

    def default_dtypes(self, *, device: Any = None) -> dict[str, np.dtype]:
        _check_device("default_dtypes", device)
        return dict(_DEFAULT_DTYPES)

    def dtypes(self, *, device: Any = None, kind: Any = None) -> dict[str, np.dtype]:
        _check_device("dtypes", device)
        every = {dtype.name: dtype for dtype in _DTYPES}
        if kind is None:
            return every
        return {name: d for name, d in every.items() if np.isdtype(d, kind)}


def __array_namespace_info__() -> Info:
    """The inspection object of the standard's 2023.12 revision."""
    return Info()


__all__ = [
    "__array_api_version__",
    "__array_namespace_info__",
    *_ELEMENTWISE,
    "all",
    "any",
    "asarray",
    "astype",
    "bool",
    "broadcast_arrays",
    "broadcast_to",
    "can_cast",
    "complex64",
    "complex128",
    "concat",
    "e",
    "empty",
    "empty_like",
    "expand_dims",
    "eye",
    "finfo",
    "float32",
    "float64",
    "full",
    "full_like",
    "iinfo",
    "inf",
    "int8",
    "int16",
    "int32",
    "int64",
    "isdtype",
    "matmul",
    "matrix_transpose",
    "max",
    "mean",
    "min",
    "moveaxis",
    "nan",
    "newaxis",
    "ones",
    "ones_like",
    "permute_dims",
    "pi",
    "prod",
    "reshape",
    "result_type",
    "squeeze",
    "stack",
    "sum",
    "take",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "unstack",
    "where",
    "zeros",
    "zeros_like",
]


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(
        f"lazyinit.array_api has no {name!r}: the array API standard function "
        "has no lazy operation in lazyinit yet (see this module's docstring); "
        "evaluate first with np.asarray(x) and use NumPy"
    )
