"""Shape and dtype inference against eager NumPy 2.

Each case is a function ``build(m, *operands)`` run twice: with ``m = numpy``
on concrete arrays and with ``m = lazyinit`` on lazy tensors of the same
shapes and dtypes. The lazy node must have NumPy's shape and dtype, and where
NumPy raises, building must raise a ValueError or TypeError. The values are
checked too, with the oracle evaluator, as a cheap check of every kernel.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lazyinit as li
from lazyinit.ops.elementwise import BINARY_UFUNCS, UNARY_UFUNCS

DTYPES = [
    np.dtype(name)
    for name in (
        "bool",
        "int8",
        "uint8",
        "int16",
        "uint16",
        "int32",
        "uint32",
        "int64",
        "uint64",
        "float16",
        "float32",
        "float64",
        "complex64",
        "complex128",
    )
]
dtypes = st.sampled_from(DTYPES)
shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=3)

# Python scalars within int64: NumPy's handling of larger ones is uneven.
PYTHON_SCALARS = [True, False, 0, 1, -1, 2, 127, 128, 255, 256, -129, 300, 70000]
PYTHON_SCALARS += [2**31, -(2**31) - 1, 2**63 - 1, -(2**63), 0.0, -0.0, 1.5, -2.5]
PYTHON_SCALARS += [1e10, 1e300, float("nan"), float("inf"), 1j]


def concrete(shape, dtype: np.dtype) -> np.ndarray:
    """Ones of ``shape``: no value-dependent errors, every kernel defined."""
    return np.ones(shape, dtype)


def is_legacy_0d_axis(shape, axis) -> bool:
    """NumPy reads an int axis 0 or -1 of a 0-d array as no axis (reductions,
    squeeze) or as the axis of a 1-element array (take); lazyinit raises."""
    return shape == () and isinstance(axis, int) and axis in (0, -1)


def lazy(operand):
    return li.asarray(operand) if isinstance(operand, np.ndarray) else operand


def check_like_numpy(build, *operands) -> None:
    """Build with NumPy and with lazyinit; compare shape, dtype and values."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = np.asarray(build(np, *operands))
        except (ValueError, TypeError, OverflowError, IndexError):
            with pytest.raises((ValueError, TypeError)):
                build(li, *map(lazy, operands))
            return
        result = build(li, *map(lazy, operands))
        assert isinstance(result, li.LazyTensor)
        assert (result.shape, result.dtype) == (expected.shape, expected.dtype)
        actual = li.evaluate(result, simplify=False)
    assert actual.tobytes() == expected.tobytes(), (actual, expected)


# --- elementwise --------------------------------------------------------------------


@settings(max_examples=300)
@given(st.sampled_from(sorted(UNARY_UFUNCS)), dtypes, shapes)
def test_unary_ufuncs(name, dtype, shape):
    check_like_numpy(lambda m, x: getattr(m, name)(x), concrete(shape, dtype))


@settings(max_examples=400)
@given(
    st.sampled_from(sorted(BINARY_UFUNCS)),
    dtypes,
    dtypes,
    hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3),
)
def test_binary_ufuncs_broadcast_and_promote(name, first, second, broadcast):
    x, y = (
        concrete(s, d)
        for s, d in zip(broadcast.input_shapes, (first, second), strict=True)
    )
    check_like_numpy(lambda m, a, b: getattr(m, name)(a, b), x, y)


@settings(max_examples=150)
@given(st.sampled_from(["add", "multiply", "less"]), shapes, shapes)
def test_binary_ufuncs_on_shapes_that_may_not_broadcast(name, first, second):
    x, y = concrete(first, np.float32), concrete(second, np.int8)
    check_like_numpy(lambda m, a, b: getattr(m, name)(a, b), x, y)


@settings(max_examples=400)
@given(
    st.sampled_from(sorted(BINARY_UFUNCS)),
    dtypes,
    st.sampled_from(PYTHON_SCALARS),
    st.booleans(),
)
def test_python_scalars_are_weak(name, dtype, scalar, scalar_first):
    # NumPy's logical ops mishandle huge ints; the rest is NEP 50 as written.
    assume(not (name.startswith("logical") and isinstance(scalar, int)))
    x = concrete((2,), dtype)
    if scalar_first:
        check_like_numpy(lambda m, a: getattr(m, name)(scalar, a), x)
    else:
        check_like_numpy(lambda m, a: getattr(m, name)(a, scalar), x)


NEP50 = [
    ("float32 + 1.0", np.float32, lambda x: x + 1.0, np.float32),
    ("int8 + 1", np.int8, lambda x: x + 1, np.int8),
    ("int8 * 1.5", np.int8, lambda x: x * 1.5, np.float64),
    ("bool + 1", np.bool_, lambda x: x + 1, np.int64),
    ("float16 * 2", np.float16, lambda x: x * 2, np.float16),
    ("uint8 - 1", np.uint8, lambda x: x - 1, np.uint8),
    ("int8 / 1", np.int8, lambda x: x / 1, np.float64),
    ("uint8 == 300", np.uint8, lambda x: x == 300, np.bool_),
    ("int8 < -1000", np.int8, lambda x: x < -1000, np.bool_),
    ("arctan2(uint8, 300)", np.uint8, lambda x: li.arctan2(x, 300), np.float16),
    ("int8 ** 2", np.int8, lambda x: x**2, np.int8),
    ("float32 + np.float64", np.float32, lambda x: x + np.float64(1), np.float64),
]


@pytest.mark.parametrize(
    ("dtype", "build", "expected"),
    [case[1:] for case in NEP50],
    ids=[case[0] for case in NEP50],
)
def test_nep50_promotion(dtype, build, expected):
    assert build(li.ones((2,), dtype)).dtype == expected
    with np.errstate(all="ignore"):
        assert build(np.ones((2,), dtype)).dtype == expected


OVERFLOWS = [
    ("uint8 + 300", np.uint8, lambda x: x + 300),
    ("int8 * 128", np.int8, lambda x: x * 128),
    ("uint8 - -1", np.uint8, lambda x: x - -1),
    ("int64 + 2**63", np.int64, lambda x: x + 2**63),
    ("int32 ** -1", np.int32, lambda x: x**-1),
]


@pytest.mark.parametrize(
    ("dtype", "build"), [case[1:] for case in OVERFLOWS], ids=[c[0] for c in OVERFLOWS]
)
def test_python_scalars_out_of_range_raise_when_building(dtype, build):
    with pytest.raises((OverflowError, ValueError)):
        build(np.ones((2,), dtype))
    with pytest.raises(ValueError, match=r"(out of bounds for|negative integer)"):
        build(li.ones((2,), dtype))


def test_out_of_range_comparisons_fold_to_their_answer():
    x = li.asarray(np.arange(-3, 3, dtype=np.int8))
    data = np.arange(-3, 3, dtype=np.int8)
    for build in (
        lambda a: a < 1000,
        lambda a: a >= 1000,
        lambda a: a == -1000,
        lambda a: a != 300,
        lambda a: a > -1000,
        lambda a: a >= 1000,
    ):
        np.testing.assert_array_equal(li.evaluate(build(x)), build(data))


@settings(max_examples=150)
@given(dtypes, dtypes, dtypes, shapes)
def test_where(condition, first, second, shape):
    operands = (concrete(shape, d) for d in (condition, first, second))
    check_like_numpy(lambda m, c, a, b: m.where(c, a, b), *operands)


@pytest.mark.parametrize(
    ("x", "y"), [(1, 2.0), (True, 2), (np.int8(1), 2), (1, np.float32(2))]
)
def test_where_of_scalars(x, y):
    cond = np.array([True, False])
    check_like_numpy(lambda m, c: m.where(c, x, y), cond)


@settings(max_examples=100)
@given(dtypes, dtypes, shapes)
def test_astype(source, target, shape):
    check_like_numpy(lambda m, x: m.astype(x, target), concrete(shape, source))


# --- matmul -------------------------------------------------------------------------

MATMUL_SHAPES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)),
    ((3,), (5, 3, 4)),
    ((5, 2, 3), (3,)),
    ((1, 2, 3), (5, 3, 4)),
    ((0, 3), (3, 0)),
    ((2, 0), (0, 4)),
    ((3, 4), (5, 6)),
    ((3,), (4,)),
    ((2, 2, 3), (3, 3, 4)),
    ((), (3,)),
    ((3,), ()),
]


@pytest.mark.parametrize(("a", "b"), MATMUL_SHAPES, ids=str)
@pytest.mark.parametrize("dtypes", [("float32", "float32"), ("int8", "float16")])
def test_matmul_shapes(a, b, dtypes):
    x, y = concrete(a, np.dtype(dtypes[0])), concrete(b, np.dtype(dtypes[1]))
    check_like_numpy(lambda m, p, q: p @ q, x, y)
    check_like_numpy(lambda m, p, q: m.matmul(p, q), x, y)


@settings(max_examples=150)
@given(
    dtypes,
    dtypes,
    hnp.mutually_broadcastable_shapes(
        signature="(m?,n),(n,p?)->(m?,p?)", max_dims=4, max_side=3
    ),
)
def test_matmul_promotes_and_batches(first, second, shapes):
    x, y = (
        concrete(s, d)
        for s, d in zip(shapes.input_shapes, (first, second), strict=True)
    )
    check_like_numpy(lambda m, p, q: m.matmul(p, q), x, y)


# --- reductions ---------------------------------------------------------------------


@st.composite
def axes(draw, ndim):
    if draw(st.booleans()):
        return None
    if draw(st.booleans()) or not ndim:
        return draw(st.integers(-ndim - 1, ndim))
    return tuple(draw(st.lists(st.integers(-ndim, ndim - 1), max_size=ndim + 1)))


@settings(max_examples=400)
@given(
    st.sampled_from(["sum", "mean", "prod", "max", "min"]),
    dtypes,
    shapes,
    st.data(),
)
def test_reductions(name, dtype, shape, data):
    axis = data.draw(axes(len(shape)))
    assume(not is_legacy_0d_axis(shape, axis))
    keepdims = data.draw(st.booleans())
    options = {"axis": axis, "keepdims": keepdims}
    if name in ("sum", "mean", "prod") and data.draw(st.booleans()):
        options["dtype"] = data.draw(dtypes)
    check_like_numpy(
        lambda m, x: getattr(m, name)(x, **options), concrete(shape, dtype)
    )


# --- movement -----------------------------------------------------------------------


@settings(max_examples=150)
@given(shapes, st.data())
def test_reshape(shape, data):
    size = int(np.prod(shape))
    target = data.draw(
        st.sampled_from([(-1,), (size,), (1, -1), (-1, size or 1), (size, 1), ()])
        | hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
    )
    check_like_numpy(lambda m, x: m.reshape(x, target), concrete(shape, np.int16))
    check_like_numpy(lambda m, x: x.reshape(target), concrete(shape, np.int16))


@settings(max_examples=150)
@given(shapes, st.data())
def test_transpose(shape, data):
    axes_ = data.draw(
        st.none()
        | st.permutations(range(len(shape))).map(tuple)
        | st.lists(st.integers(-len(shape) - 1, len(shape)), max_size=len(shape) + 1)
    )
    x = concrete(shape, np.float32)
    check_like_numpy(lambda m, a: m.transpose(a, axes_), x)
    check_like_numpy(lambda m, a: a.T, x)
    check_like_numpy(lambda m, a: m.matrix_transpose(a), x)


@settings(max_examples=150)
@given(shapes, st.data())
def test_expand_dims_and_squeeze(shape, data):
    x = concrete(shape, np.uint8)
    axis = data.draw(st.integers(-len(shape) - 2, len(shape) + 1))
    squeezed = data.draw(axes(len(shape)))
    assume(not is_legacy_0d_axis(shape, squeezed))
    check_like_numpy(lambda m, a: m.expand_dims(a, axis), x)
    check_like_numpy(lambda m, a: m.squeeze(a), x)
    check_like_numpy(lambda m, a: m.squeeze(a, squeezed), x)


@settings(max_examples=150)
@given(shapes, shapes)
def test_broadcast_to(shape, target):
    check_like_numpy(lambda m, a: m.broadcast_to(a, target), concrete(shape, np.int8))


@settings(max_examples=400)
@given(shapes, st.data())
def test_basic_indexing(shape, data):
    index = data.draw(
        hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True)
    )
    x = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    check_like_numpy(lambda m, a: a[index], x)


@pytest.mark.parametrize(
    "index",
    [
        np.s_[::-1],
        np.s_[::-2, 1],
        np.s_[-1:-10:-1],
        np.s_[5:0:-2],
        np.s_[-10::-1],
        np.s_[..., ::-1],
        np.s_[None, 1:, ..., None],
        np.s_[np.int64(1)],
        np.s_[-4],
        np.s_[1, 2],
        np.s_[1, 2, 3],
        np.s_[..., ...],
    ],
    ids=str,
)
def test_indexing_table(index):
    x = np.arange(12.0).reshape(4, 3)
    check_like_numpy(lambda m, a: a[index], x)


@settings(max_examples=150)
@given(shapes, st.data())
def test_take(shape, data):
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    axis = data.draw(st.none() | st.integers(-len(shape) - 1, len(shape)))
    assume(not is_legacy_0d_axis(shape, axis))
    indices = data.draw(
        hnp.arrays(
            np.int64,
            hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3),
            elements=st.integers(-8, 8),
        )
    )
    check_like_numpy(lambda m, a, i: m.take(a, i, axis=axis), x, indices)


@settings(max_examples=200)
@given(
    st.lists(st.tuples(shapes, dtypes), min_size=1, max_size=3),
    st.integers(-4, 4),
    st.booleans(),
)
def test_concatenate_and_stack(operands, axis, stacked):
    arrays = [concrete(shape, dtype) for shape, dtype in operands]
    if stacked:
        check_like_numpy(lambda m, *a: m.stack(list(a), axis=axis), *arrays)
    else:
        check_like_numpy(lambda m, *a: m.concatenate(list(a), axis=axis), *arrays)


@settings(max_examples=100)
@given(shapes, st.integers(0, 3), st.integers(-3, 2), dtypes, dtypes)
def test_concatenate_along_an_axis(shape, extra, axis, first, second):
    assume(shape)
    other = list(shape)
    other[axis % len(shape)] = extra
    arrays = concrete(shape, first), concrete(tuple(other), second)
    check_like_numpy(lambda m, a, b: m.concatenate([a, b], axis=axis), *arrays)
