"""The array API namespace: standard functions checked against NumPy 2's own
(array API compatible) namespace for shapes, dtypes and values."""

import numpy as np
import pytest

import lazyinit as li
import lazyinit.array_api as xp

RNG = np.random.default_rng(1)
F32 = RNG.uniform(0.5, 2.0, (2, 3)).astype(np.float32)
G32 = RNG.uniform(-2.0, 2.0, (2, 3)).astype(np.float32)
I32 = (np.arange(6, dtype=np.int32).reshape(2, 3) - 2) * 3
J32 = np.arange(6, dtype=np.int32).reshape(2, 3) % 4 + 1
U16 = np.arange(6, dtype=np.uint16).reshape(2, 3)
B = np.array([[True, False, True], [False, False, True]])
V = np.arange(4.0)

UNARY = "abs ceil cos exp expm1 floor isfinite isnan log log1p negative positive "
UNARY += "sign sin sqrt square tanh"
BINARY = "add atan2 divide equal greater greater_equal less less_equal maximum "
BINARY += "minimum multiply not_equal pow subtract"
INTEGER_BINARY = "bitwise_and bitwise_or bitwise_xor floor_divide remainder"

# name -> (arguments, keyword arguments); arrays become lazy tensors.
CASES: dict[str, tuple[tuple, dict]] = {
    **{f"{name}": ((F32,), {}) for name in UNARY.split()},
    **{f"{name}": ((F32, G32), {}) for name in BINARY.split()},
    **{f"{name}": ((I32, J32), {}) for name in INTEGER_BINARY.split()},
    "bitwise_invert": ((I32,), {}),
    "logical_and": ((B, B[::-1]), {}),
    "logical_or": ((B, ~B), {}),
    "logical_not": ((B,), {}),
    "add mixed ints": ((I32, U16), {}),
    "multiply broadcast": ((F32, F32[0]), {}),
    "where": ((B, F32, G32), {}),
    "matmul": ((F32, G32.T), {}),
    "matmul 1-D": ((V, V), {}),
    "matrix_transpose": ((F32,), {}),
    "sum": ((F32,), {}),
    "sum int32 -> int64": ((I32,), {"axis": 0}),
    "sum uint16 -> uint64": ((U16,), {"axis": 1, "keepdims": True}),
    "sum dtype": ((I32,), {"dtype": np.float64}),
    "sum tuple axis": ((F32,), {"axis": (0, 1)}),
    "prod": ((J32,), {"axis": -1}),
    "mean": ((F32,), {"axis": 1}),
    "max": ((F32,), {"axis": 0, "keepdims": True}),
    "min": ((I32,), {}),
    "all": ((I32,), {"axis": 1}),
    "any": ((B,), {"axis": 0}),
    "reshape": ((F32, (3, 2)), {}),
    "permute_dims": ((F32, (1, 0)), {}),
    "expand_dims": ((F32,), {"axis": 1}),
    "squeeze": ((F32[None],), {"axis": 0}),
    "broadcast_to": ((V, (2, 4)), {}),
    "moveaxis": ((np.zeros((2, 3, 4), np.int8), 0, -1), {}),
    "concat": (([F32, G32],), {}),
    "concat axis=1": (([F32, G32],), {"axis": 1}),
    "concat axis=None": (([F32, G32[:1]],), {"axis": None}),
    "stack": (([F32, G32],), {"axis": 1}),
    "take": ((F32, np.array([2, 0])), {"axis": 1}),
    "astype": ((F32, np.int16), {}),
    "astype bool": ((I32, np.bool_), {}),
    "zeros_like": ((I32,), {}),
    "ones_like": ((F32,), {"dtype": np.int8}),
    "full_like": ((F32, 2.5), {}),
}


def _lazy(value):
    if isinstance(value, np.ndarray):
        return li.asarray(value)
    if isinstance(value, list):
        return [_lazy(v) for v in value]
    return value


@pytest.mark.parametrize("case", list(CASES))
def test_standard_function_matches_numpy(case):
    name = case.split()[0]
    args, kwargs = CASES[case]
    namespace = li.asarray(F32).__array_namespace__()
    with np.errstate(all="ignore"):
        expected = getattr(np, name)(*args, **kwargs)
        lazy = getattr(namespace, name)(*(_lazy(a) for a in args), **kwargs)
    assert isinstance(lazy, li.LazyTensor)
    got = li.evaluate(lazy)
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_namespace_is_this_module_and_checks_the_version():
    t = li.ones((2,))
    assert t.__array_namespace__() is xp
    assert t.__array_namespace__(api_version="2023.12") is xp
    with pytest.raises(ValueError, match=r"api_version '2099\.12'"):
        t.__array_namespace__(api_version="2099.12")
    assert xp.__array_api_version__ == "2023.12"


@pytest.mark.parametrize(
    ("call", "dtype", "shape"),
    [
        (lambda: xp.zeros((2, 3)), np.float32, (2, 3)),
        (lambda: xp.ones(4, dtype=xp.int8), np.int8, (4,)),
        (lambda: xp.empty((0, 2)), np.float32, (0, 2)),
        (lambda: xp.full((2,), 7), np.int64, (2,)),
        (lambda: xp.full((2,), 0.5), np.float32, (2,)),
        (lambda: xp.full((2,), True), np.bool_, (2,)),
        (lambda: xp.full((2,), 1j), np.complex64, (2,)),
        (lambda: xp.asarray([1.0, 2.0]), np.float32, (2,)),
        (lambda: xp.asarray([[1, 2]]), np.int64, (1, 2)),
        (lambda: xp.asarray(np.arange(3, dtype=np.int16)), np.int16, (3,)),
        (lambda: xp.asarray(3.0, dtype=xp.float64), np.float64, ()),
        (lambda: xp.eye(2, 3), np.float32, (2, 3)),
        (lambda: xp.empty_like(xp.ones(3, dtype=xp.uint8)), np.uint8, (3,)),
    ],
)
def test_creation_uses_lazyinits_default_dtypes(call, dtype, shape):
    result = call()
    assert isinstance(result, li.LazyTensor)
    assert (result.dtype, result.shape) == (np.dtype(dtype), shape)


def test_default_dtypes_are_reported_by_the_inspection_object():
    info = xp.__array_namespace_info__()
    defaults = info.default_dtypes()
    assert defaults["real floating"] == xp.float32
    assert defaults["complex floating"] == xp.complex64
    assert defaults["integral"] == defaults["indexing"] == xp.int64
    assert info.devices() == ["cpu"] and info.default_device() == "cpu"
    assert info.capabilities()["data-dependent shapes"] is False
    assert set(info.dtypes(kind="real floating")) == {"float32", "float64"}
    assert len(info.dtypes()) == 13


def test_asarray_copy_rules():
    t = xp.ones(3)
    assert xp.asarray(t) is t
    assert xp.asarray(t, copy=False) is t
    with pytest.raises(ValueError, match="copy=False"):
        xp.asarray(np.ones(3), copy=False)
    with pytest.raises(ValueError, match="needs a copy"):
        xp.asarray(t, dtype=xp.float64, copy=False)
    assert xp.astype(t, xp.float32) is t


def test_data_type_functions_match_numpy():
    t = xp.ones(2, dtype=xp.uint8)
    assert xp.result_type(t, xp.int8) == np.int16
    assert xp.can_cast(t, xp.int16) and not xp.can_cast(xp.float64, xp.float32)
    assert xp.finfo(xp.float32).eps == np.finfo(np.float32).eps
    assert xp.finfo(xp.ones(1)).smallest_normal == np.finfo(np.float32).tiny
    assert xp.iinfo(xp.int8).min == -128
    assert xp.isdtype(xp.float32, "real floating")
    assert not xp.isdtype(xp.int8, ("real floating", "bool"))


def test_manipulation_helpers_match_numpy():
    a, b = xp.broadcast_arrays(xp.asarray(V), xp.zeros((3, 1)))
    assert a.shape == b.shape == (3, 4)
    parts = xp.unstack(li.asarray(F32), axis=1)
    assert len(parts) == 3
    for got, expected in zip(parts, np.unstack(F32, axis=1), strict=True):
        np.testing.assert_array_equal(li.evaluate(got), expected)


def test_empty_reductions_of_all_and_any():
    empty = xp.zeros((0, 3))
    assert li.evaluate(xp.all(empty)).item() is True
    assert li.evaluate(xp.any(empty, axis=0)).tolist() == [False] * 3
    nan = xp.asarray([np.nan, 1.0])
    assert li.evaluate(xp.all(nan)).item() is True


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: xp.take(xp.zeros((2, 3)), xp.asarray([0])), ValueError, "axis"),
        (lambda: xp.eye(3, k=1), ValueError, "k=0"),
        (lambda: xp.zeros(2, device="gpu"), ValueError, "device"),
        (lambda: xp.expand_dims(xp.zeros(2), axis=(0, 1)), TypeError, "axis"),
        (lambda: xp.sum(xp.zeros(2), axis=[0]), TypeError, "axis"),
        (lambda: xp.argmax, AttributeError, "no 'argmax'"),
    ],
)
def test_what_the_standard_refuses_or_lazyinit_lacks_raises(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_tensors_have_the_standards_device_attributes():
    t = xp.ones(2)
    assert t.device == "cpu"
    assert t.to_device("cpu") is t
    with pytest.raises(ValueError, match="device"):
        t.to_device("gpu")
