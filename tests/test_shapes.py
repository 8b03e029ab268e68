"""normalize_shape, broadcast_shapes and axis checks against NumPy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lazyinit as li
from lazyinit.shapes import broadcast_shapes, normalize_axes, normalize_axis


class TensorShape:
    """A stand-in for TensorFlow's TensorShape: only ``as_list()``."""

    def __init__(self, dims):
        self.dims = dims

    def as_list(self):
        if self.dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self.dims)


class Dimension:
    """A stand-in for TensorFlow 1's Dimension: the length is ``.value``."""

    def __init__(self, value):
        self.value = value


SPELLINGS = [
    ("int", 3, (3,)),
    ("zero", 0, (0,)),
    ("tuple", (2, 3), (2, 3)),
    ("empty tuple", (), ()),
    ("list", [4, 0, 1], (4, 0, 1)),
    ("numpy array", np.array([2, 3]), (2, 3)),
    ("numpy uint array", np.array([2, 3], np.uint8), (2, 3)),
    ("numpy 0-d array", np.array(5), (5,)),
    ("numpy scalar", np.int64(4), (4,)),
    ("numpy scalars", (np.int32(2), np.uint64(3)), (2, 3)),
    ("as_list", TensorShape([2, 3]), (2, 3)),
    ("as_list of 0-d", TensorShape([]), ()),
    ("TF1 dimensions", (Dimension(2), Dimension(0)), (2, 0)),
    ("generator", (d for d in (1, 2)), (1, 2)),
]


@pytest.mark.parametrize(
    ("shape", "expected"), [c[1:] for c in SPELLINGS], ids=[c[0] for c in SPELLINGS]
)
def test_shape_spellings(shape, expected):
    normalized = li.normalize_shape(shape)
    assert normalized == expected
    assert all(type(d) is int for d in normalized)


@pytest.mark.parametrize(
    ("shape", "expected"),
    [c[1:] for c in SPELLINGS[:-1]],
    ids=[c[0] for c in SPELLINGS[:-1]],
)
def test_every_constructor_accepts_every_spelling(shape, expected):
    assert li.zeros(shape).shape == expected
    assert li.full(shape, 2, "int8").shape == expected
    assert li.placeholder("x", shape).shape == expected
    assert li.ones(shape).numpy().shape == expected


BAD_SHAPES = [
    (
        "negative",
        (2, -1),
        ValueError,
        r"shape: dimension 1 of \(2, -1\) is -1; expected a non-negative integer",
    ),
    ("negative int", -3, ValueError, r"shape: dimension 0 of -3 is -3"),
    (
        "float",
        (2, 3.0),
        TypeError,
        r"shape: dimension 1 of \(2, 3\.0\) is 3\.0 of type float",
    ),
    ("numpy float", np.array([2.0]), TypeError, r"is 2\.0 of type float"),
    (
        "bool",
        (True, 2),
        TypeError,
        r"shape: dimension 0 of \(True, 2\) is a bool \(True\)",
    ),
    ("numpy bool", (np.True_,), TypeError, r"is a bool"),
    (
        "None",
        (None,),
        ValueError,
        r"shape: dimension 0 of \(None,\) is unknown \(None\)",
    ),
    ("unknown rank", TensorShape(None), ValueError, r"shape: .* is not fully defined"),
    (
        "unknown dim",
        TensorShape([None, 3]),
        ValueError,
        r"dimension 0 of \[None, 3\] is unknown",
    ),
    (
        "string",
        "2",
        TypeError,
        r"shape: expected an int or a sequence of ints, received '2'",
    ),
    (
        "string dim",
        (2, "3"),
        TypeError,
        r"dimension 1 of \(2, '3'\) is '3' of type str",
    ),
    (
        "2-d array",
        np.ones((2, 2), int),
        ValueError,
        r"expected a 1-D array of dimensions, received an array of shape \(2, 2\)",
    ),
    (
        "nested",
        ((2, 3),),
        TypeError,
        r"dimension 0 of \(\(2, 3\),\) is \(2, 3\) of type tuple",
    ),
]


@pytest.mark.parametrize(
    ("shape", "error", "message"),
    [c[1:] for c in BAD_SHAPES],
    ids=[c[0] for c in BAD_SHAPES],
)
def test_bad_shapes(shape, error, message):
    with pytest.raises(error, match=message) as info:
        li.normalize_shape(shape)
    assert isinstance(info.value, li.LazyInitError)


def test_the_argument_is_named():
    with pytest.raises(ValueError, match=r"^new_shape: dimension 0"):
        li.normalize_shape((-1,), argument="new_shape")


@settings(max_examples=200)
@given(hnp.mutually_broadcastable_shapes(num_shapes=3, min_side=0, max_side=3))
def test_broadcast_shapes_like_numpy(shapes):
    assert broadcast_shapes(*shapes.input_shapes) == np.broadcast_shapes(
        *shapes.input_shapes
    )


@settings(max_examples=200)
@given(
    st.lists(
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
        min_size=1,
        max_size=3,
    )
)
def test_broadcast_shapes_raise_where_numpy_raises(shapes):
    try:
        expected = np.broadcast_shapes(*shapes)
    except ValueError:
        with pytest.raises(
            ValueError, match=r"op: shapes .* cannot be broadcast together"
        ):
            broadcast_shapes(*shapes, op="op")
    else:
        assert broadcast_shapes(*shapes) == expected


@settings(max_examples=100)
@given(st.integers(0, 4), st.integers(-6, 6))
def test_normalize_axis_like_numpy(ndim, axis):
    try:
        expected = np.lib.array_utils.normalize_axis_index(axis, ndim)
    except np.exceptions.AxisError:
        with pytest.raises(ValueError, match=rf"sum: axis {axis} is out of range"):
            normalize_axis(axis, ndim, op="sum")
    else:
        assert normalize_axis(axis, ndim, op="sum") == expected


@pytest.mark.parametrize(
    ("axis", "expected"),
    [
        (None, (0, 1, 2)),
        (1, (1,)),
        ((-1, 0), (0, 2)),
        ([2], (2,)),
        (np.array([0]), (0,)),
    ],
    ids=str,
)
def test_normalize_axes(axis, expected):
    assert normalize_axes(axis, 3, op="sum") == expected


@pytest.mark.parametrize(
    ("axis", "error", "message"),
    [
        ((0, 0), ValueError, r"sum: axis \(0, 0\) repeats an axis"),
        (True, TypeError, r"sum: axis must be an integer, received True"),
        ("0", TypeError, r"sum: axis must be an integer, received '0'"),
        (1.0, TypeError, r"sum: axis must be an integer, received 1\.0"),
    ],
    ids=str,
)
def test_bad_axes(axis, error, message):
    with pytest.raises(error, match=message):
        normalize_axes(axis, 3, op="sum")
