"""NumPy's protocols on lazy tensors: ``__array__``, ufuncs and functions.

NumPy hands any call that involves a lazy tensor to :class:`LazyTensor`'s
``__array_ufunc__`` (``np.add``, ``np.exp``, ``np.matmul``) or
``__array_function__`` (``np.sum``, ``np.concatenate``, ``np.where``), which
look the callable up in the tables below and build a lazy tensor with
lazyinit's own function for it. The operands are converted exactly as those
functions convert them: Python scalars stay weak (NEP 50), NumPy scalars and
arrays are strong and snapshotted.

Nothing here materializes. A ufunc or function without a lazy counterpart, a
ufunc method (``reduce``, ``outer``), ``out=``, ``where=`` and other options
that lazy tensors cannot honour raise :class:`~lazyinit.LazyTypeError` naming
what was refused; evaluate first (``np.asarray(t)``) to use NumPy eagerly.
Only ``np.asarray``/``np.array`` (``__array__``) compute values.

>>> import numpy as np, lazyinit as li
>>> t = li.asarray(np.array([-1.0, 2.0]))
>>> np.where(t > 0, np.exp(t), 0)
LazyTensor(shape=(2,), dtype=float64, op=where)
>>> np.cumsum(t)
Traceback (most recent call last):
...
lazyinit.errors.LazyTypeError: numpy.cumsum is not supported on lazy tensors: ...
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np

# The tensor module first: it loads the op modules in the order they need.
import lazyinit.tensor  # noqa: F401
from lazyinit.dtypes import normalize_dtype
from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.ops import creation, elementwise, linalg, movement, reduction
from lazyinit.tensor import LazyTensor, as_tensor

__all__ = [
    "FUNCTIONS",
    "UFUNCS",
    "apply_function",
    "apply_ufunc",
    "refuse_masked_caller",
    "to_array",
]

# NumPy leaves out of ``kwargs`` every keyword the caller did not pass, so a
# handler's defaults only have to tell "not given" from a value.
_UNSET: Any = np._NoValue


# --- __array__ ----------------------------------------------------------------


def refuse_masked_caller(caller: Any) -> None:
    """Refuse ``__array__`` when ``caller`` (a code object) is ``np.ma.getdata``.

    ``masked + t`` never reaches ``__array_ufunc__``: the masked array's
    operator calls ``np.ma.getdata(t)``, which would evaluate ``t`` and return
    a masked result. Nothing but an explicit ``np.asarray`` may compute.
    """
    if caller is np.ma.getdata.__code__:
        raise LazyTypeError(
            "numpy.ma: lazy tensors cannot combine with a masked array: a lazy "
            "tensor holds no mask and is computed only by np.asarray(t); "
            "evaluate it first, np.ma.masked_array(np.asarray(t), mask=...)"
        )


def to_array(tensor: LazyTensor, dtype: Any = None, copy: bool | None = None):
    """``tensor`` evaluated for ``np.asarray``/``np.array`` (NumPy 2's protocol).

    The values are computed now, into a new array: ``copy=False`` (never
    copy) cannot be honoured and raises ``ValueError`` as NumPy 2 asks.
    """
    if copy is False:
        raise LazyValueError(
            "np.asarray(copy=False): a LazyTensor cannot be converted without a "
            "copy, its values are computed on demand; use copy=None or True"
        )
    array = tensor.numpy()
    return array if dtype is None else array.astype(dtype, copy=False)


# --- __array_ufunc__ ----------------------------------------------------------

UFUNCS: dict[np.ufunc, Callable[..., LazyTensor]] = {
    **{
        ufunc: getattr(elementwise, name)
        for name, ufunc in {
            **elementwise.UNARY_UFUNCS,
            **elementwise.BINARY_UFUNCS,
        }.items()
    },
    np.matmul: linalg.matmul,
}

_REDUCE_HINTS: dict[np.ufunc, str] = {
    np.add: "np.sum",
    np.multiply: "np.prod",
    np.maximum: "np.max",
    np.minimum: "np.min",
}


def _is_foreign(value: Any) -> bool:
    """True for another library's array, which may handle the call itself."""
    return (
        hasattr(type(value), "__array_ufunc__")
        and not isinstance(value, LazyTensor | np.ndarray | np.generic)
        and type(value).__array_ufunc__ is not None
    )


def apply_ufunc(
    ufunc: np.ufunc, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """``LazyTensor.__array_ufunc__``: a lazyinit op for ``ufunc(*inputs)``.

    Examples
    --------
    >>> import numpy as np, lazyinit as li
    >>> np.add(li.ones((2,), dtype="int8"), 1)
    LazyTensor(shape=(2,), dtype=int8, op=add)
    >>> np.add.reduce(li.ones((2,)))
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyTypeError: numpy.add.reduce is not supported on lazy ...
    """
    name = f"numpy.{ufunc.__name__}"
    if any(_is_foreign(value) for value in inputs):
        return NotImplemented
    if method != "__call__":
        hint = _REDUCE_HINTS.get(ufunc) if method == "reduce" else None
        instead = f"use {hint}(t), which is lazy, or " if hint else ""
        raise LazyTypeError(
            f"{name}.{method} is not supported on lazy tensors: {instead}evaluate "
            f"first with np.asarray(t)"
        )
    function = UFUNCS.get(ufunc)
    if function is None:
        raise LazyTypeError(
            f"{name} is not supported on lazy tensors: lazyinit has no lazy "
            f"{ufunc.__name__}; evaluate first with np.asarray(t)"
        )
    for key, value in kwargs.items():
        if key == "out" and all(item is None for item in value):
            continue
        raise LazyTypeError(
            f"{name}: {key}= is not supported on lazy tensors, received "
            f"{_describe(value)}; the result is a new lazy tensor (evaluate it, "
            "then write or mask it with NumPy)"
        )
    return function(*inputs)


def _describe(value: Any) -> str:
    if isinstance(value, tuple) and len(value) == 1:
        value = value[0]
    if isinstance(value, np.ndarray | LazyTensor):
        return f"{type(value).__name__} of shape {value.shape}"
    return repr(value)


# --- __array_function__ -------------------------------------------------------


def _refuse(function: str, **given: Any) -> None:
    """Raise for the first option that was given a value lazy tensors cannot honour."""
    for key, value in given.items():
        if value is not _UNSET:
            raise LazyTypeError(
                f"numpy.{function}: {key}= is not supported on lazy tensors, "
                f"received {_describe(value)}; evaluate first with np.asarray(t)"
            )


def _refuse_out(function: str, out: Any) -> None:
    if out is not None:
        _refuse(function, out=out)


def _keepdims(value: Any) -> bool:
    return False if value is _UNSET else value


def _check_device(function: str, device: Any) -> None:
    if device not in (None, "cpu"):
        raise LazyValueError(
            f"{function}: device must be None or 'cpu', received {device!r}"
        )


def _sum(
    a, axis=None, dtype=None, out=None, keepdims=_UNSET, initial=_UNSET, where=_UNSET
):
    _refuse_out("sum", out)
    _refuse("sum", initial=initial, where=where)
    return reduction.sum(a, axis=axis, dtype=dtype, keepdims=_keepdims(keepdims))


def _prod(
    a, axis=None, dtype=None, out=None, keepdims=_UNSET, initial=_UNSET, where=_UNSET
):
    _refuse_out("prod", out)
    _refuse("prod", initial=initial, where=where)
    return reduction.prod(a, axis=axis, dtype=dtype, keepdims=_keepdims(keepdims))


def _mean(a, axis=None, dtype=None, out=None, keepdims=_UNSET, *, where=_UNSET):
    _refuse_out("mean", out)
    _refuse("mean", where=where)
    return reduction.mean(a, axis=axis, dtype=dtype, keepdims=_keepdims(keepdims))


def _extremum(name: str, reduce: Callable[..., LazyTensor]):
    def handler(a, axis=None, out=None, keepdims=_UNSET, initial=_UNSET, where=_UNSET):
        _refuse_out(name, out)
        _refuse(name, initial=initial, where=where)
        return reduce(a, axis=axis, keepdims=_keepdims(keepdims))

    return handler


def _reshape(a, /, shape=_UNSET, order="C", *, newshape=_UNSET, copy=None):
    if shape is _UNSET:
        shape = newshape
    if shape is _UNSET:
        raise LazyTypeError("numpy.reshape: the shape argument is missing")
    _check_order("reshape", order)
    return movement.reshape(a, shape)


def _check_order(function: str, order: Any, allowed: str = "C") -> None:
    if order not in tuple(allowed):
        raise LazyTypeError(
            f"numpy.{function}: order={order!r} is not supported on lazy tensors; "
            f"expected one of {list(allowed)} (they materialize C-contiguous)"
        )


def _transpose(a, axes=None):
    return movement.transpose(a, axes)


def _matrix_transpose(x, /):
    return movement.matrix_transpose(x)


def _ravel(a, order="C"):
    _check_order("ravel", order)
    return movement.reshape(a, (-1,))


# The casting rules ``np.can_cast`` takes.
_Casting = Literal["no", "equiv", "safe", "same_kind", "unsafe"]


def _joined(name: str, arrays: Any, dtype: Any, casting: _Casting) -> list[LazyTensor]:
    """The operands of concatenate/stack, cast to ``dtype`` as NumPy casts them."""
    # A lazy tensor stands for the sequence of its rows, as an array does.
    tensors = [as_tensor(t) for t in arrays]
    if not tensors:
        raise LazyValueError(f"numpy.{name}: need at least one array")
    target = (
        np.result_type(*(t.dtype for t in tensors))
        if dtype is None
        else normalize_dtype(dtype)
    )
    for position, tensor in enumerate(tensors):
        if not np.can_cast(tensor.dtype, target, casting=casting):
            raise LazyTypeError(
                f"numpy.{name}: cannot cast array {position} from {tensor.dtype} "
                f"to {target} according to the rule {casting!r}"
            )
    if dtype is None:
        return tensors
    return [elementwise.astype(t, target) for t in tensors]


def _concatenate(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    _refuse_out("concatenate", out)
    tensors = _joined("concatenate", arrays, dtype, casting)
    if axis is None:
        tensors = [movement.reshape(t, (-1,)) for t in tensors]
        axis = 0
    return movement.concatenate(tensors, axis=axis)


def _stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    _refuse_out("stack", out)
    return movement.stack(_joined("stack", arrays, dtype, casting), axis=axis)


def _where(condition, *xy):
    if len(xy) != 2:
        raise LazyTypeError(
            "numpy.where: only the three-argument form where(condition, x, y) is "
            "lazy; where(condition) returns indices whose count depends on the "
            "values: use np.nonzero(np.asarray(condition))"
        )
    return elementwise.where(condition, *xy)


def _broadcast_to(array, shape, subok=False):
    return movement.broadcast_to(array, shape)


def _expand_dims(a, axis):
    return movement.expand_dims(a, axis)


def _squeeze(a, axis=None):
    return movement.squeeze(a, axis)


def _take(a, indices, axis=None, out=None, mode="raise"):
    _refuse_out("take", out)
    if mode != "raise":
        _refuse("take", mode=mode)
    return movement.take(a, indices, axis=axis)


def _shape(a):
    return tuple(as_tensor(a).shape)


def _ndim(a):
    return as_tensor(a).ndim


def _size(a, axis=None):
    tensor = as_tensor(a)
    return tensor.size if axis is None else tensor.shape[axis]


def _result_type(*arrays_and_dtypes):
    return np.result_type(
        *(t.dtype if isinstance(t, LazyTensor) else t for t in arrays_and_dtypes)
    )


def _like(name: str, value: Any):
    def handler(a, /, dtype=None, order="K", subok=True, shape=None, *, device=None):
        _check_order(name, order, allowed="KAC")
        _check_device(f"numpy.{name}", device)
        tensor = as_tensor(a)
        dtype = tensor.dtype if dtype is None else dtype
        return creation.full(tensor.shape if shape is None else shape, value, dtype)

    return handler


def _full_like(
    a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None
):
    return _like("full_like", fill_value)(a, dtype, order, subok, shape, device=device)


def _astype(x, dtype, /, *, copy=True, device=None):
    _check_device("numpy.astype", device)
    tensor = as_tensor(x)
    if normalize_dtype(dtype) == tensor.dtype:
        return tensor  # immutable: a copy could not be told apart
    return elementwise.astype(tensor, dtype)


FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {
    np.sum: _sum,
    np.prod: _prod,
    np.mean: _mean,
    np.max: _extremum("max", reduction.max),
    np.amax: _extremum("amax", reduction.max),
    np.min: _extremum("min", reduction.min),
    np.amin: _extremum("amin", reduction.min),
    np.reshape: _reshape,
    np.ravel: _ravel,
    np.transpose: _transpose,
    np.matrix_transpose: _matrix_transpose,
    np.concatenate: _concatenate,
    np.stack: _stack,
    np.where: _where,
    np.broadcast_to: _broadcast_to,
    np.expand_dims: _expand_dims,
    np.squeeze: _squeeze,
    np.take: _take,
    np.linalg.matmul: linalg.matmul,
    np.shape: _shape,
    np.ndim: _ndim,
    np.size: _size,
    np.result_type: _result_type,
    np.zeros_like: _like("zeros_like", 0),
    np.ones_like: _like("ones_like", 1),
    # Any values are valid for empty_like: zeros cost nothing to build.
    np.empty_like: _like("empty_like", 0),
    np.full_like: _full_like,
    np.astype: _astype,
}


def _public_name(function: Callable[..., Any]) -> str:
    name = getattr(function, "__name__", repr(function))
    if getattr(np, name, None) is function:
        return f"numpy.{name}"
    module = getattr(function, "__module__", None) or "numpy"
    return f"{module}.{name}"


def apply_function(
    function: Callable[..., Any],
    types: Sequence[type],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """``LazyTensor.__array_function__``: lazyinit's version of ``function``.

    Examples
    --------
    >>> import numpy as np, lazyinit as li
    >>> np.sum(li.ones((2, 3)), axis=0)
    LazyTensor(shape=(3,), dtype=float32, op=sum)
    >>> np.median(li.ones((2, 3)))
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyTypeError: numpy.median is not supported on lazy tensors: ...
    """
    if not all(issubclass(kind, LazyTensor | np.ndarray) for kind in types):
        return NotImplemented
    handler = FUNCTIONS.get(function)
    if handler is None:
        name = _public_name(function)
        raise LazyTypeError(
            f"{name} is not supported on lazy tensors: lazyinit has no lazy "
            f"version of it; evaluate first ({name}(np.asarray(t))) or see "
            "lazyinit.interop.FUNCTIONS for the functions that stay lazy"
        )
    return handler(*args, **kwargs)
