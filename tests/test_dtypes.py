"""normalize_dtype: every spelling becomes one np.dtype, or an error naming it."""

from __future__ import annotations

import numpy as np
import pytest

import lazyinit as li
from lazyinit.dtypes import (
    check_numeric_or_bool,
    is_floating,
    is_integer,
    is_numeric_or_bool,
)


class TFDType:
    """A stand-in for TensorFlow's DType: only ``as_numpy_dtype``."""

    def __init__(self, numpy_type):
        self.as_numpy_dtype = numpy_type


SPELLINGS = [
    ("np.dtype", np.dtype("float16"), "float16"),
    ("name", "float32", "float32"),
    ("short name", "f8", "float64"),
    ("char code", "i", "int32"),
    ("int name", "uint8", "uint8"),
    ("bool name", "bool", "bool"),
    ("Python float", float, "float64"),
    ("Python int", int, "int64"),
    ("Python bool", bool, "bool"),
    ("Python complex", complex, "complex128"),
    ("NumPy scalar type", np.float16, "float16"),
    ("NumPy int type", np.int8, "int8"),
    ("NumPy bool type", np.bool_, "bool"),
    ("as_numpy_dtype", TFDType(np.float32), "float32"),
    ("as_numpy_dtype bool", TFDType(np.bool_), "bool"),
    ("None is the default", None, "float32"),
]


@pytest.mark.parametrize(
    ("dtype", "expected"), [c[1:] for c in SPELLINGS], ids=[c[0] for c in SPELLINGS]
)
def test_dtype_spellings(dtype, expected):
    normalized = li.normalize_dtype(dtype)
    assert isinstance(normalized, np.dtype)
    assert normalized == np.dtype(expected)


@pytest.mark.parametrize(
    ("dtype", "expected"), [c[1:] for c in SPELLINGS], ids=[c[0] for c in SPELLINGS]
)
def test_every_constructor_accepts_every_spelling(dtype, expected):
    for tensor in (li.zeros((2,), dtype), li.placeholder("x", (2,), dtype)):
        assert tensor.dtype == np.dtype(expected)
    assert li.ones((2,), dtype).numpy().dtype == np.dtype(expected)
    assert li.zeros((2,)).astype(dtype).dtype == np.dtype(expected)


@pytest.mark.parametrize(
    "dtype", ["float7", "notatype", object(), TFDType("nope"), 3.5], ids=repr
)
def test_unreadable_dtypes_raise_type_error_naming_them(dtype):
    shown = dtype.as_numpy_dtype if isinstance(dtype, TFDType) else dtype
    with pytest.raises(TypeError, match=rf"^dtype: cannot interpret {shown!r}"):
        li.normalize_dtype(dtype)


def test_the_argument_is_named():
    with pytest.raises(TypeError, match=r"^out: cannot interpret 'x'"):
        li.normalize_dtype("x", argument="out")


@pytest.mark.parametrize("dtype", ["U5", "S3", object, "V8", "M8[s]", "m8[s]"], ids=str)
def test_non_numeric_dtypes_are_refused_by_value(dtype):
    normalized = li.normalize_dtype(dtype)
    assert not is_numeric_or_bool(normalized)
    with pytest.raises(ValueError, match=r"where: dtype expected to be numeric"):
        check_numeric_or_bool(normalized, where="where")


@pytest.mark.parametrize(
    ("dtype", "floating", "integer"),
    [
        ("float16", True, False),
        ("float64", True, False),
        ("int8", False, True),
        ("uint64", False, True),
        ("bool", False, False),
        ("complex64", False, False),
    ],
)
def test_dtype_predicates(dtype, floating, integer):
    dtype = np.dtype(dtype)
    assert is_floating(dtype) == floating
    assert is_integer(dtype) == integer
    assert is_numeric_or_bool(dtype)
