"""Bad input raises when the node is built, naming the op, argument and value.

One table: each row builds something wrong and pins the exception type and
the part of the message that names what was received. Errors are ValueError
(bad values and shapes) or TypeError (wrong kinds), as lazyinit subclasses.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import lazyinit as li


def ones(*shape, dtype="float32"):
    return li.ones(shape, dtype)


CASES = [
    # shapes
    (
        "negative dim",
        lambda: li.zeros((2, -1)),
        ValueError,
        r"zeros: shape: dim.*1 of \(2, -1\) is -1",
    ),
    (
        "float dim",
        lambda: li.full((2.0, 3), 1.0),
        TypeError,
        r"full: shape: .*2\.0 of type float",
    ),
    (
        "bool dim",
        lambda: li.ones((True,)),
        TypeError,
        r"ones: shape: .*is a bool \(True\)",
    ),
    (
        "None dim",
        lambda: li.zeros((None, 3)),
        ValueError,
        r"zeros: shape: .*unknown \(None\)",
    ),
    ("string shape", lambda: li.zeros("23"), TypeError, r"received '23'"),
    ("placeholder shape", lambda: li.placeholder("x", (-3,)), ValueError, r"is -3"),
    # dtypes
    ("string dtype", lambda: li.zeros((2,), "U5"), ValueError, r"zeros: dtype .*<U5"),
    (
        "object dtype",
        lambda: li.full((2,), 1, object),
        ValueError,
        r"full: dtype .*'O'",
    ),
    ("void dtype", lambda: li.ones((2,), "V8"), ValueError, r"ones: dtype .*V8"),
    (
        "datetime dtype",
        lambda: li.zeros((2,), "M8[s]"),
        ValueError,
        r"zeros: dtype .*M8",
    ),
    (
        "placeholder dtype",
        lambda: li.placeholder("x", (2,), "U3"),
        ValueError,
        r"placeholder: dtype .*<U3",
    ),
    (
        "unknown dtype",
        lambda: li.zeros((2,), "float7"),
        TypeError,
        r"cannot interpret 'float7' as a dtype",
    ),
    ("astype to string", lambda: ones(2).astype("U3"), TypeError, r"astype: .*<U3"),
    (
        "fill out of range",
        lambda: li.full((2,), 300, "int8"),
        ValueError,
        r"full: fill_value 300 is out of range for dtype int8",
    ),
    (
        "nan in an int fill",
        lambda: li.full((2,), np.nan, "int32"),
        ValueError,
        r"full: fill_value nan cannot be held in dtype int32",
    ),
    (
        "array fill",
        lambda: li.full((2,), [1, 2]),
        ValueError,
        r"full: fill_value must be a scalar, received an array of shape \(2,\)",
    ),
    # elementwise
    (
        "broadcast",
        lambda: ones(2, 3) + ones(4),
        ValueError,
        r"add: shapes \(2, 3\) and \(4,\) cannot be broadcast",
    ),
    (
        "where broadcast",
        lambda: li.where(ones(2) > 0, ones(3), 0.0),
        ValueError,
        r"where: shapes \(2,\) and \(3,\)",
    ),
    (
        "dtype not supported",
        lambda: ones(2) & ones(2),
        TypeError,
        r"bitwise_and: not supported for dtypes float32 and float32",
    ),
    (
        "bool subtract",
        lambda: ones(2, dtype=bool) - True,
        TypeError,
        r"subtract: not supported for dtypes bool and bool",
    ),
    (
        "uint8 + 300",
        lambda: ones(2, dtype="uint8") + 300,
        ValueError,
        r"add: Python integer 300 is out of bounds for uint8",
    ),
    (
        "int power -1",
        lambda: ones(2, dtype="int32") ** -1,
        ValueError,
        r"power: integers to negative integer powers .*-1",
    ),
    ("string operand", lambda: ones(2) + "a", TypeError, r"add: .*str"),
    # matmul
    (
        "matmul",
        lambda: ones(3, 4) @ ones(5, 6),
        ValueError,
        r"matmul: shapes \(3, 4\) and \(5, 6\) do not align: "
        r"4 \(dim 1\) != 5 \(dim 0\)",
    ),
    (
        "matmul 1-d",
        lambda: ones(3) @ ones(4),
        ValueError,
        r"matmul: shapes \(3,\) and \(4,\) do not align",
    ),
    (
        "matmul batch",
        lambda: ones(2, 3, 4) @ ones(5, 4, 2),
        ValueError,
        r"matmul: shapes \(2,\) and \(5,\) cannot be broadcast",
    ),
    (
        "matmul 0-d",
        lambda: ones() @ ones(3),
        ValueError,
        r"matmul: the first operand is 0-d",
    ),
    # axes
    (
        "sum axis",
        lambda: li.sum(ones(2, 3), axis=2),
        ValueError,
        r"sum: axis 2 is out of range for an array of dimension 2",
    ),
    (
        "mean axis",
        lambda: ones(2).mean(axis=-2),
        ValueError,
        r"mean: axis -2 is out of range",
    ),
    (
        "repeated axis",
        lambda: li.sum(ones(2, 3), axis=(0, -2)),
        ValueError,
        r"sum: axis \(0, -2\) repeats an axis",
    ),
    (
        "float axis",
        lambda: li.max(ones(2), axis=0.0),
        TypeError,
        r"max: axis must be an integer, received 0\.0",
    ),
    (
        "empty max",
        lambda: li.max(ones(0, 3), axis=0),
        ValueError,
        r"max: zero-size array \(shape \(0, 3\)\)",
    ),
    (
        "expand_dims axis",
        lambda: li.expand_dims(ones(2), 3),
        ValueError,
        r"expand_dims: axis 3 is out of range",
    ),
    (
        "squeeze non-1",
        lambda: li.squeeze(ones(1, 2), axis=1),
        ValueError,
        r"squeeze: cannot select axis 1 of shape \(1, 2\)",
    ),
    (
        "concatenate axis",
        lambda: li.concatenate([ones(2), ones(2)], axis=1),
        ValueError,
        r"concatenate: axis 1 is out of range",
    ),
    (
        "take axis",
        lambda: li.take(ones(2), [0], axis=1),
        ValueError,
        r"take: axis 1 is out of range",
    ),
    # reshape, transpose, broadcast_to
    (
        "reshape size",
        lambda: li.reshape(ones(6), (4,)),
        ValueError,
        r"reshape: cannot reshape an array of size 6 \(shape \(6,\)\) "
        r"into shape \(4,\)",
    ),
    (
        "reshape -1",
        lambda: li.reshape(ones(7), (2, -1)),
        ValueError,
        r"reshape: cannot reshape an array of size 7",
    ),
    (
        "reshape two -1",
        lambda: li.reshape(ones(4), (-1, -1)),
        ValueError,
        r"reshape: can only specify one unknown dimension",
    ),
    (
        "transpose repeat",
        lambda: li.transpose(ones(2, 3), (0, 0)),
        ValueError,
        r"transpose: axes \(0, 0\) is not a permutation of the 2 axes "
        r"of shape \(2, 3\)",
    ),
    (
        "transpose short",
        lambda: li.transpose(ones(2, 3, 4), (1, 0)),
        ValueError,
        r"transpose: axes \(1, 0\) is not a permutation",
    ),
    (
        "transpose range",
        lambda: li.transpose(ones(2, 3), (0, 2)),
        ValueError,
        r"transpose: axes 2 is out of range",
    ),
    (
        "mT of 1-d",
        lambda: ones(3).mT,
        ValueError,
        r"matrix_transpose: needs at least 2 dimensions, received shape \(3,\)",
    ),
    (
        "broadcast_to",
        lambda: li.broadcast_to(ones(3), (2, 4)),
        ValueError,
        r"broadcast_to: shapes \(3,\) and \(2, 4\) cannot be broadcast",
    ),
    (
        "broadcast_to fewer dims",
        lambda: li.broadcast_to(ones(2, 3), (3,)),
        ValueError,
        r"broadcast_to: cannot broadcast shape \(2, 3\) to shape \(3,\)",
    ),
    # indexing
    (
        "too many indices",
        lambda: ones(2, 3)[0, 0, 0],
        ValueError,
        r"getitem: too many indices for shape \(2, 3\): 3 were indexed",
    ),
    (
        "index out of range",
        lambda: ones(2, 3)[:, 3],
        ValueError,
        r"getitem: index 3 is out of bounds for axis 1 with size 3",
    ),
    (
        "two ellipses",
        lambda: ones(2)[..., ...],
        ValueError,
        r"getitem: an index can only have a single ellipsis",
    ),
    (
        "float index",
        lambda: ones(2)[1.0],
        TypeError,
        r"getitem: only integers, slices, None and \.\.\. .*received 1\.0",
    ),
    (
        "take out of range",
        lambda: li.take(ones(3, 2), np.array([0, 3]), axis=0),
        ValueError,
        r"take: index 3 is out of bounds for axis 0 with size 3",
    ),
    (
        "take float indices",
        lambda: li.take(ones(3), np.array([0.5])),
        TypeError,
        r"take: indices must be integers, received dtype float64",
    ),
    # joins
    (
        "concatenate shapes",
        lambda: li.concatenate([ones(2, 3), ones(2, 4)]),
        ValueError,
        r"concatenate: array 0 has shape \(2, 3\) and array 1 has shape "
        r"\(2, 4\); all dimensions but axis 0 must match",
    ),
    (
        "concatenate ndim",
        lambda: li.concatenate([ones(2, 3), ones(3)]),
        ValueError,
        r"concatenate: array 0 has shape \(2, 3\) and array 1 has shape \(3,\)",
    ),
    (
        "concatenate 0-d",
        lambda: li.concatenate([ones(), ones()]),
        ValueError,
        r"concatenate: zero-dimensional arrays cannot be concatenated",
    ),
    (
        "concatenate nothing",
        lambda: li.concatenate([]),
        ValueError,
        r"concatenate: need a non-empty sequence",
    ),
    (
        "stack shapes",
        lambda: li.stack([ones(2), ones(3)]),
        ValueError,
        r"stack: array 0 has shape \(2,\) and array 1 has shape \(3,\)",
    ),
    # placeholders and the graph
    (
        "placeholder name",
        lambda: li.placeholder("", (2,)),
        TypeError,
        r"placeholder: name must be a non-empty str",
    ),
    (
        "truth value",
        lambda: bool(ones(2)),
        TypeError,
        r"truth value of a LazyTensor is not known",
    ),
]


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_raises_when_building(build, error, message):
    with pytest.raises(error, match=message) as info:
        build()
    assert isinstance(info.value, li.LazyInitError)


INITIALIZER_DTYPES = ["U5", object, "V8", "M8[s]", "m8[s]"]


@pytest.mark.parametrize("dtype", INITIALIZER_DTYPES, ids=str)
@pytest.mark.parametrize(
    "factory", ["zeros_initializer", "ones_initializer", "constant_initializer"]
)
def test_constant_initializers_refuse_non_numeric_dtypes(factory, dtype):
    initializer = getattr(li, factory)()
    with pytest.raises(
        ValueError, match=rf"dtype .*{re.escape(np.dtype(dtype).str[1:])}"
    ):
        initializer((2, 3), dtype=dtype)


# --- errors that can only come at evaluation --------------------------------------


def test_unfed_placeholder():
    x = li.placeholder("x", (2,))
    with pytest.raises(ValueError, match=r"placeholder 'x' was not fed: pass feed="):
        li.evaluate(x * 2)


@pytest.mark.parametrize(
    ("array", "error", "message"),
    [
        (
            np.ones(3, np.float32),
            ValueError,
            r"placeholder 'x' has shape \(2,\), received an array of shape \(3,\)",
        ),
        (
            np.ones((2, 1), np.float32),
            ValueError,
            r"has shape \(2,\), received .* \(2, 1\)",
        ),
        (
            np.array(["a", "b"]),
            TypeError,
            r"placeholder 'x' has dtype float32, received dtype <U1",
        ),
        (
            np.ones(2, complex),
            TypeError,
            r"received dtype complex128, which does not cast safely",
        ),
    ],
    ids=["longer", "more dims", "strings", "complex"],
)
@pytest.mark.parametrize("simplify", [False, True])
def test_wrong_feed(array, error, message, simplify):
    x = li.placeholder("x", (2,))
    with pytest.raises(error, match=message):
        li.evaluate(x + 1.0, feed={"x": array}, simplify=simplify)


@pytest.mark.parametrize(
    ("dtype", "array", "bad"),
    [
        ("uint8", np.array([1, 256], np.uint16), "256"),
        ("int8", np.array([127, 128], np.int16), "128"),
        ("int64", np.array([1, 2**63], np.uint64), str(2**63)),
    ],
)
def test_feed_integers_out_of_range_are_refused(dtype, array, bad):
    x = li.placeholder("x", (2,), dtype)
    with pytest.raises(ValueError, match=rf"'x' has dtype {dtype}.*value {bad}"):
        li.evaluate(x, feed={"x": array})
