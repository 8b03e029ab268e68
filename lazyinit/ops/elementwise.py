"""Elementwise ops: NumPy ufuncs, ``where`` and ``astype``.

Result dtypes are NumPy 2's: each ufunc is asked once per dtype pair (on 0-d
arrays) and the answer cached. Python scalars are weak as NEP 50 says:
``float32 + 1.0`` stays float32, ``uint8 + 300`` raises.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from lazyinit.dtypes import normalize_dtype, scalar_of
from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.graph import Node, register_op
from lazyinit.ops.creation import fill_node
from lazyinit.shapes import broadcast_shapes
from lazyinit.tensor import LazyTensor, as_tensor

__all__ = [
    "BINARY_UFUNCS",
    "UNARY_UFUNCS",
    "astype",
    "where",
]

UNARY_UFUNCS: dict[str, np.ufunc] = {
    "negative": np.negative,
    "positive": np.positive,
    "absolute": np.absolute,
    "sign": np.sign,
    "exp": np.exp,
    "expm1": np.expm1,
    "log": np.log,
    "log1p": np.log1p,
    "sqrt": np.sqrt,
    "square": np.square,
    "tanh": np.tanh,
    "sin": np.sin,
    "cos": np.cos,
    "floor": np.floor,
    "ceil": np.ceil,
    "invert": np.invert,
    "logical_not": np.logical_not,
    "isnan": np.isnan,
    "isfinite": np.isfinite,
}

BINARY_UFUNCS: dict[str, np.ufunc] = {
    "add": np.add,
    "subtract": np.subtract,
    "multiply": np.multiply,
    "divide": np.divide,
    "floor_divide": np.floor_divide,
    "remainder": np.remainder,
    "power": np.power,
    "maximum": np.maximum,
    "minimum": np.minimum,
    "equal": np.equal,
    "not_equal": np.not_equal,
    "less": np.less,
    "less_equal": np.less_equal,
    "greater": np.greater,
    "greater_equal": np.greater_equal,
    "bitwise_and": np.bitwise_and,
    "bitwise_or": np.bitwise_or,
    "bitwise_xor": np.bitwise_xor,
    "logical_and": np.logical_and,
    "logical_or": np.logical_or,
    "arctan2": np.arctan2,
}


@functools.lru_cache(maxsize=4096)
def _result_dtype(name: str, dtypes: tuple[np.dtype, ...]) -> np.dtype:
    ufunc = UNARY_UFUNCS.get(name) or BINARY_UFUNCS[name]
    operands = [np.ones((), dtype) for dtype in dtypes]
    try:
        with np.errstate(all="ignore"):
            return ufunc(*operands).dtype
    except TypeError:
        listed = " and ".join(str(d) for d in dtypes)
        raise LazyTypeError(
            f"{name}: not supported for dtype{'s' if len(dtypes) > 1 else ''} {listed}"
        ) from None


def _ufunc_kernel(ufunc: np.ufunc):
    def kernel(node: Node, *arrays: np.ndarray, out: np.ndarray | None = None):
        return ufunc(*arrays, out=out)

    kernel.__name__ = f"{ufunc.__name__}_kernel"
    return kernel


# NumPy computes float32/float64 ``x ** 0.5``, ``x ** 2`` and ``x ** -1`` as
# ``sqrt(x)``, ``x * x`` and ``1 / x`` when the exponent is broadcast along the
# innermost axis (a scalar), and with ``pow`` otherwise; the two differ in the
# last bit and at ``-inf ** 0.5``. A fill is broadcast and a computed array is
# not, so folding an exponent into a fill would change results: the power
# kernel takes the scalar path for those exponents whatever the layout.
_FAST_POWERS = {0.5: np.sqrt, 2.0: np.square, -1.0: np.reciprocal}


def _power_kernel(node: Node, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    result = np.power(x, y)
    if node.dtype.type not in (np.float32, np.float64) or not any(np.shape(y)):
        return result
    if not any(np.asarray(y).strides):
        return result  # a broadcast scalar: NumPy took the scalar path
    exponent = np.broadcast_to(y, result.shape).astype(node.dtype, copy=False)
    base = None
    for value, fast in _FAST_POWERS.items():
        where = exponent == value
        if where.any():
            if base is None:
                base = np.broadcast_to(x, result.shape).astype(node.dtype)
            fast(base, out=result, where=where)
    return result


for _name, _ufunc in {**UNARY_UFUNCS, **BINARY_UFUNCS}.items():
    if _name == "power":
        register_op(_name, _power_kernel)
    else:
        register_op(_name, _ufunc_kernel(_ufunc), inplace=True)

_PY_SCALARS = (bool, int, float, complex)


def _weak_dtype(value: Any, other_dtype: np.dtype, op: str, position: int):
    """The dtype NumPy converts a weak Python scalar to in ``op``'s loop.

    That is the loop's, not ``np.result_type``'s: ``arctan2(int8, 300)`` runs
    in float16, so 300 is a float16 there and does not overflow int8.
    """
    ufunc = BINARY_UFUNCS.get(op)
    if ufunc is not None:
        dtypes: list[Any] = [other_dtype, other_dtype, None]
        dtypes[position] = type(value)
        try:
            return ufunc.resolve_dtypes(tuple(dtypes))[position]
        except TypeError:
            pass  # no loop: inference of the node raises the usual message
    return np.result_type(other_dtype, value)


def _weak_scalar(value: Any, other_dtype: np.dtype, op: str, position: int) -> Node:
    """A Python scalar as a 0-d fill of the dtype NEP 50 converts it to."""
    dtype = _weak_dtype(value, other_dtype, op, position)
    try:
        held = scalar_of(np.asarray(value, dtype=dtype))
    except OverflowError:
        raise LazyValueError(
            f"{op}: Python integer {value!r} is out of bounds for {dtype}"
        ) from None
    return fill_node((), held)


def binary_operands(x: Any, y: Any, op: str) -> tuple[Node, Node]:
    """The nodes of two operands, with Python scalars made weak."""
    x_scalar = type(x) in _PY_SCALARS
    y_scalar = type(y) in _PY_SCALARS
    if x_scalar and not y_scalar:
        y_node = _operand(y, op)
        return _weak_scalar(x, y_node.dtype, op, 0), y_node
    if y_scalar and not x_scalar:
        x_node = _operand(x, op)
        return x_node, _weak_scalar(y, x_node.dtype, op, 1)
    return _operand(x, op), _operand(y, op)


def _operand(value: Any, op: str) -> Node:
    try:
        return as_tensor(value).node
    except (TypeError, ValueError) as exc:
        raise LazyTypeError(
            f"{op}: cannot use an operand of type {type(value).__name__}: {exc}"
        ) from exc


def infer_binary(name: str, x: Node, y: Node) -> tuple[tuple[int, ...], np.dtype]:
    """The shape and dtype of binary ufunc ``name`` on two nodes."""
    shape = broadcast_shapes(x.shape, y.shape, op=name)
    return shape, _result_dtype(name, (x.dtype, y.dtype))


def apply_binary(name: str, x: Node, y: Node) -> Node:
    """Build the node of binary ufunc ``name`` on two nodes."""
    shape, dtype = infer_binary(name, x, y)
    if name == "power" and dtype.kind in "iu":
        _check_integer_exponent(y, dtype)
    return Node(name, (x, y), {}, shape, dtype)


def _check_integer_exponent(exponent: Node, dtype: np.dtype) -> None:
    """Raise where NumPy raises on a known negative integer exponent."""
    if exponent.op == "full":
        lowest = exponent.attrs["value"]
    elif exponent.op == "constant" and exponent.attrs["data"].size:
        lowest = exponent.attrs["data"].min()
    else:
        return
    if lowest < 0:
        raise LazyValueError(
            f"power: integers to negative integer powers are not allowed: "
            f"exponent {lowest} with result dtype {dtype}"
        )


_COMPARISONS = {
    "equal": operator.eq,
    "not_equal": operator.ne,
    "less": operator.lt,
    "less_equal": operator.le,
    "greater": operator.gt,
    "greater_equal": operator.ge,
}


def _compare_out_of_range(name: str, x: Any, y: Any) -> LazyTensor | None:
    """int8 < 300 -> True: NumPy 2 compares an integer array with a Python int
    outside its dtype's range exactly, so every element has the same answer."""
    compare = _COMPARISONS.get(name)
    if compare is None:
        return None
    for position, value in enumerate((x, y)):
        other = (x, y)[1 - position]
        if type(value) is not int or type(other) in _PY_SCALARS:
            continue
        node = _operand(other, name)
        if node.dtype.kind not in "iu":
            return None
        info = np.iinfo(node.dtype)
        if info.min <= value <= info.max:
            return None
        # Any value of the dtype stands for every element: all compare alike.
        operands = (value, info.min) if position == 0 else (info.min, value)
        return LazyTensor(fill_node(node.shape, np.bool_(compare(*operands))))
    return None


def apply_unary(name: str, x: Node) -> Node:
    """Build the node of unary ufunc ``name`` on a node."""
    return Node(name, (x,), {}, x.shape, _result_dtype(name, (x.dtype,)))


def _make_binary(name: str, ufunc: np.ufunc):
    def function(x: Any, y: Any) -> LazyTensor:
        known = _compare_out_of_range(name, x, y)
        if known is not None:
            return known
        x_node, y_node = binary_operands(x, y, name)
        return LazyTensor(apply_binary(name, x_node, y_node))

    function.__name__ = name
    function.__qualname__ = name
    function.__doc__ = f"""Lazy ``np.{ufunc.__name__}`` of two operands, broadcast.

    Python scalars are weak (NEP 50); the result dtype is NumPy's.

    Examples
    --------
    >>> import numpy as np, lazyinit as li
    >>> a, b = np.array([1, 2, 3]), np.array([3, 2, 1])
    >>> bool((li.{name}(a, b).numpy() == np.{ufunc.__name__}(a, b)).all())
    True
    """
    return function


def _make_unary(name: str, ufunc: np.ufunc):
    def function(x: Any) -> LazyTensor:
        return LazyTensor(apply_unary(name, _operand(x, name)))

    function.__name__ = name
    function.__qualname__ = name
    function.__doc__ = f"""Lazy ``np.{ufunc.__name__}``, elementwise.

    Examples
    --------
    >>> import numpy as np, lazyinit as li
    >>> a = np.array([1, 2, 3])
    >>> bool((li.{name}(a).numpy() == np.{ufunc.__name__}(a)).all())
    True
    """
    return function


# The loops below define one function per table entry; the type checker cannot
# follow ``globals()``, so it reads the same names from these declarations
# (tests/test_typing.py keeps the two lists equal).
if TYPE_CHECKING:
    add: Callable[[Any, Any], LazyTensor]
    subtract: Callable[[Any, Any], LazyTensor]
    multiply: Callable[[Any, Any], LazyTensor]
    divide: Callable[[Any, Any], LazyTensor]
    floor_divide: Callable[[Any, Any], LazyTensor]
    remainder: Callable[[Any, Any], LazyTensor]
    power: Callable[[Any, Any], LazyTensor]
    maximum: Callable[[Any, Any], LazyTensor]
    minimum: Callable[[Any, Any], LazyTensor]
    equal: Callable[[Any, Any], LazyTensor]
    not_equal: Callable[[Any, Any], LazyTensor]
    less: Callable[[Any, Any], LazyTensor]
    less_equal: Callable[[Any, Any], LazyTensor]
    greater: Callable[[Any, Any], LazyTensor]
    greater_equal: Callable[[Any, Any], LazyTensor]
    bitwise_and: Callable[[Any, Any], LazyTensor]
    bitwise_or: Callable[[Any, Any], LazyTensor]
    bitwise_xor: Callable[[Any, Any], LazyTensor]
    logical_and: Callable[[Any, Any], LazyTensor]
    logical_or: Callable[[Any, Any], LazyTensor]
    arctan2: Callable[[Any, Any], LazyTensor]

    negative: Callable[[Any], LazyTensor]
    positive: Callable[[Any], LazyTensor]
    absolute: Callable[[Any], LazyTensor]
    sign: Callable[[Any], LazyTensor]
    exp: Callable[[Any], LazyTensor]
    expm1: Callable[[Any], LazyTensor]
    log: Callable[[Any], LazyTensor]
    log1p: Callable[[Any], LazyTensor]
    sqrt: Callable[[Any], LazyTensor]
    square: Callable[[Any], LazyTensor]
    tanh: Callable[[Any], LazyTensor]
    sin: Callable[[Any], LazyTensor]
    cos: Callable[[Any], LazyTensor]
    floor: Callable[[Any], LazyTensor]
    ceil: Callable[[Any], LazyTensor]
    invert: Callable[[Any], LazyTensor]
    logical_not: Callable[[Any], LazyTensor]
    isnan: Callable[[Any], LazyTensor]
    isfinite: Callable[[Any], LazyTensor]

for _name, _ufunc in BINARY_UFUNCS.items():
    globals()[_name] = _make_binary(_name, _ufunc)
    __all__.append(_name)
for _name, _ufunc in UNARY_UFUNCS.items():
    globals()[_name] = _make_unary(_name, _ufunc)
    __all__.append(_name)


# --- where --------------------------------------------------------------------


def _where_kernel(node: Node, condition, x, y) -> np.ndarray:
    return np.where(condition, x, y)


register_op("where", _where_kernel)


def where(condition: Any, x: Any, y: Any) -> LazyTensor:
    """Lazy ``np.where(condition, x, y)``: elements of ``x`` where true.

    Examples
    --------
    >>> import numpy as np, lazyinit as li
    >>> a = li.asarray(np.array([-1.0, 2.0]))
    >>> li.where(a > 0, a, 0).numpy()
    array([0., 2.])
    """
    cond = _operand(condition, "where")
    x_weak, y_weak = type(x) in _PY_SCALARS, type(y) in _PY_SCALARS
    if x_weak and y_weak:
        x_node, y_node = _operand(x, "where"), _operand(y, "where")
    else:
        x_node, y_node = binary_operands(x, y, "where")
    shape = broadcast_shapes(cond.shape, x_node.shape, y_node.shape, op="where")
    dtype = np.result_type(x_node.dtype, y_node.dtype)
    if cond.dtype != np.bool_:
        cond = Node("astype", (cond,), {}, cond.shape, np.dtype(bool))
    return LazyTensor(Node("where", (cond, x_node, y_node), {}, shape, dtype))


# --- astype -------------------------------------------------------------------


def _astype_kernel(node: Node, x: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", over="ignore"):
        return x.astype(node.dtype)


register_op("astype", _astype_kernel)


def astype(x: Any, dtype: Any) -> LazyTensor:
    """Cast to ``dtype`` as ``ndarray.astype`` does (unsafe casting).

    Examples
    --------
    >>> import lazyinit as li
    >>> li.astype(li.full((2,), 2.7), "int32").numpy()
    array([2, 2], dtype=int32)
    """
    node = _operand(x, "astype")
    dtype = normalize_dtype(dtype)
    if dtype.kind not in "biufc" and dtype.name != "bfloat16":
        raise LazyTypeError(f"astype: dtype must be numeric or bool, received {dtype}")
    return LazyTensor(Node("astype", (node,), {}, node.shape, dtype))


# --- rewrites -----------------------------------------------------------------
# Each rule's docstring states its identity and when it is exact.

from lazyinit.graph import get_op  # noqa: E402
from lazyinit.rewrite import (  # noqa: E402
    RewriteContext,
    conform,
    fill_value,
    is_negative_zero,
    is_positive_zero,
    make_fill,
    rule,
)

_ELEMENTWISE = (*UNARY_UFUNCS, *BINARY_UFUNCS, "where", "astype")


@rule(*_ELEMENTWISE)
def fold_fills(node: Node, ctx: RewriteContext) -> Node | None:
    """op(fill, ...) -> fill: the kernel run once on 0-d values; exact, but
    for a NaN made from non-NaN inputs under exact=True (see below)."""
    values = [fill_value(child) for child in node.inputs]
    if any(value is None for value in values):
        return None
    try:
        scalar = get_op(node.op).kernel(node, *(np.asarray(v) for v in values))
    except ValueError:
        # NumPy refuses the values (an integer to a negative power): keep the
        # node, so that evaluating it raises as the oracle does.
        return None
    if ctx.exact and _makes_nan(scalar, values):
        # A NaN that an op creates (0 % 0, inf - inf) takes its sign bit from
        # the kernel's code path, and NumPy's scalar and SIMD loops differ;
        # only the sign can differ, which exact mode does not allow.
        return None
    return make_fill(node, scalar)


def _makes_nan(result: Any, values: list[Any]) -> bool:
    kind = np.asarray(result).dtype.kind
    if kind not in "fc" or not np.isnan(result):
        return False
    return not any(np.asarray(v).dtype.kind in "fc" and np.isnan(v) for v in values)


def _other(node: Node, position: int) -> Node:
    return node.inputs[1 - position]


def _fills(node: Node):
    """(position, value) of each fill operand of a binary node."""
    for position, child in enumerate(node.inputs):
        value = fill_value(child)
        if value is not None:
            yield position, value


def _is_float(dtype: np.dtype) -> bool:
    return dtype.kind in "fc"


def _held(value: np.generic, dtype: np.dtype) -> np.generic:
    """``value`` as the kernel sees it: cast to the node's dtype."""
    return scalar_of(np.asarray(value).astype(dtype))


def _complex_unit_applies(ctx: RewriteContext, x: Node) -> bool:
    """True when ``x * 1`` or ``x / 1`` may be replaced by ``x`` in a complex node.

    NumPy multiplies and divides complex numbers with the full formula, so the
    unit's zero imaginary part meets the other part of ``x``: ``(inf+0j) * 1``
    is ``inf+nanj`` and a zero part may change sign. Only the signs of zeros
    differ when ``x`` is finite, which the default mode allows and exact
    mode does not.
    """
    return not ctx.exact and ctx.is_finite(x)


@rule("add")
def add_zero(node: Node, ctx: RewriteContext) -> Node | None:
    """x + 0 -> x; exact for integers and for x + (-0.0), else up to a zero's sign."""
    for position, value in _fills(node):
        if value != 0:
            continue
        # Only -0.0 (per part for a complex: -0.0-0.0j) is an exact identity.
        is_exact = is_negative_zero(_held(value, node.dtype))
        if ctx.exact and _is_float(node.dtype) and not is_exact:
            continue
        return conform(_other(node, position), node)
    return None


@rule("subtract")
def subtract_zero(node: Node, ctx: RewriteContext) -> Node | None:
    """x - 0 -> x, 0 - x -> -x; exact for integers and x - (+0.0)."""
    first, second = (fill_value(child) for child in node.inputs)
    keeps_sign = not ctx.exact or not _is_float(node.dtype)
    if (
        second is not None
        and second == 0
        and (keeps_sign or is_positive_zero(_held(second, node.dtype)))
    ):
        return conform(node.inputs[0], node)
    if first is not None and first == 0 and not (ctx.exact and _is_float(node.dtype)):
        return apply_unary("negative", conform(node.inputs[1], node))
    return None


@rule("multiply")
def multiply_one(node: Node, ctx: RewriteContext) -> Node | None:
    """x * 1 -> x; exact for real dtypes, for complex up to a zero's sign when x
    is finite."""
    for position, value in _fills(node):
        if value != 1:
            continue
        other = _other(node, position)
        if node.dtype.kind == "c" and not _complex_unit_applies(ctx, other):
            continue
        return conform(other, node)
    return None


@rule("multiply")
def multiply_zero(node: Node, ctx: RewriteContext) -> Node | None:
    """x * 0 -> 0 when x is finite; exact for integers, else up to a zero's sign."""
    for position, value in _fills(node):
        if value != 0 or not ctx.is_finite(_other(node, position)):
            continue
        if ctx.exact and _is_float(node.dtype):
            continue
        return make_fill(node, 0)
    return None


@rule("divide")
def divide_one(node: Node, ctx: RewriteContext) -> Node | None:
    """x / 1 -> x; exact for real dtypes, for complex up to a zero's sign when x
    is finite."""
    value = fill_value(node.inputs[1])
    if value is None or value != 1:
        return None
    if node.dtype.kind == "c" and not _complex_unit_applies(ctx, node.inputs[0]):
        return None
    return conform(node.inputs[0], node)


@rule("power")
def power_identities(node: Node, ctx: RewriteContext) -> Node | None:
    """x ** 1 -> x and x ** 0 -> 1 (NaN ** 0 is 1 too); exact, except that a
    complex zero ** 1 is +0+0j whatever the signs of its parts, and that pow
    may clear a NaN's sign bit, so exact mode wants x proven finite."""
    value = fill_value(node.inputs[1])
    if value is None:
        return None
    if value == 1:
        if ctx.exact and node.dtype.kind == "c":
            return None
        if ctx.exact and node.dtype.kind == "f" and not ctx.is_finite(node.inputs[0]):
            return None
        return conform(node.inputs[0], node)
    if value == 0:
        return make_fill(node, 1)
    return None


_BOOL_IDENTITY = {
    "bitwise_and": (True, False),
    "logical_and": (True, False),
    "bitwise_or": (False, True),
    "logical_or": (False, True),
    "bitwise_xor": (False, None),
}


@rule(*_BOOL_IDENTITY)
def boolean_identities(node: Node, ctx: RewriteContext) -> Node | None:
    """x & True -> x, x & False -> False, x | False -> x, x | True -> True,
    x ^ False -> x; for bool operands, always exact."""
    identity, absorbing = _BOOL_IDENTITY[node.op]
    for position, value in _fills(node):
        other = _other(node, position)
        if value.dtype != np.bool_ or other.dtype != np.bool_:
            continue
        if bool(value) == identity:
            return conform(other, node)
        if absorbing is not None and bool(value) == absorbing:
            return make_fill(node, absorbing)
    return None


@rule("bitwise_and")
def and_zero(node: Node, ctx: RewriteContext) -> Node | None:
    """x & 0 -> 0 for integers; always exact."""
    if node.dtype.kind not in "iu":
        return None
    for _, value in _fills(node):
        if value == 0:
            return make_fill(node, 0)
    return None


@rule("where")
def where_known(node: Node, ctx: RewriteContext) -> Node | None:
    """where(True, x, y) -> x, where(False, x, y) -> y, where(c, x, x) -> x;
    always exact."""
    condition, x, y = node.inputs
    value = fill_value(condition)
    if value is not None:
        return conform(x if value else y, node)
    if x is y:
        return conform(x, node)
    return None


@rule("astype")
def astype_same(node: Node, ctx: RewriteContext) -> Node | None:
    """astype(x, x.dtype) -> x; always exact."""
    (x,) = node.inputs
    return x if x.dtype == node.dtype else None


@rule("negative")
def negative_negative(node: Node, ctx: RewriteContext) -> Node | None:
    """-(-x) -> x; always exact (the sign bit flips twice)."""
    (x,) = node.inputs
    if x.op == "negative" and x.inputs[0].dtype == node.dtype:
        return x.inputs[0]
    return None


@rule(*UNARY_UFUNCS, *BINARY_UFUNCS)
def elementwise_under_broadcast(node: Node, ctx: RewriteContext) -> Node | None:
    """op(broadcast_to(a), fill) -> broadcast_to(op(a, fill)), and likewise
    for unary ops: the kernel runs on a's elements, not on every copy of them;
    always exact (the same kernel on the same values)."""
    spread = [child for child in node.inputs if child.op == "broadcast_to"]
    if len(spread) != 1:
        return None
    inputs = []
    for child in node.inputs:
        if child is spread[0]:
            inputs.append(child.inputs[0])
        elif child.op == "full":
            inputs.append(fill_node((), child.attrs["value"]))
        else:
            return None
    shape, dtype = (
        infer_binary(node.op, *inputs)
        if len(inputs) == 2
        else (inputs[0].shape, node.dtype)
    )
    inner = Node(node.op, tuple(inputs), {}, shape, dtype)
    return Node("broadcast_to", (inner,), {}, node.shape, node.dtype)
