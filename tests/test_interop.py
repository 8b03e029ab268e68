"""NumPy's protocols: ufuncs and functions on lazy tensors stay lazy and equal
NumPy's answers on the materialized inputs; what cannot stay lazy is refused."""

import numpy as np
import pytest

import lazyinit as li
from lazyinit.interop import FUNCTIONS, UFUNCS

RNG = np.random.default_rng(0)
FLOATS = RNG.uniform(0.5, 2.0, (3, 4))
OTHER = RNG.uniform(-2.0, 2.0, (3, 4))
INTS = np.arange(12, dtype=np.int32).reshape(3, 4) - 5
OTHER_INTS = np.arange(12, dtype=np.int32).reshape(3, 4) % 5 + 1


def _check(lazy, expected):
    assert isinstance(lazy, li.LazyTensor), type(lazy)
    got = li.evaluate(lazy)
    assert got.shape == np.shape(expected)
    assert got.dtype == np.asarray(expected).dtype
    np.testing.assert_array_equal(got, expected)


def _ufunc_operands(ufunc):
    name = ufunc.__name__
    if name.startswith(("bitwise", "invert", "floor_divide", "remainder")):
        return (INTS, OTHER_INTS)[: ufunc.nin]
    if ufunc is np.matmul:
        return FLOATS, OTHER.T
    return (FLOATS, OTHER)[: ufunc.nin]


@pytest.mark.parametrize("ufunc", list(UFUNCS), ids=lambda u: u.__name__)
def test_every_supported_ufunc_is_lazy_and_equals_numpy(ufunc):
    arrays = _ufunc_operands(ufunc)
    with np.errstate(all="ignore"):
        expected = ufunc(*arrays)
        _check(ufunc(*(li.asarray(a) for a in arrays)), expected)


MIXED_UFUNC_CASES = {
    "add(t, 1)": lambda t, u: np.add(t, 1),
    "add(int8 t, 1) stays int8": lambda t, u: np.add(t.astype(np.int8), 1),
    "multiply(t, 2.5) weak": lambda t, u: np.multiply(t.astype(np.float32), 2.5),
    "add(ndarray, t)": lambda t, u: np.add(OTHER, t),
    "add(t, float64 scalar) strong": lambda t, u: np.add(
        t.astype(np.float32), np.float64(1.5)
    ),
    "ndarray + t": lambda t, u: OTHER + t,
    "ndarray < t": lambda t, u: OTHER < t,  # noqa: SIM300  (ndarray first)
    "float32 scalar * t": lambda t, u: np.float32(2) * t,
    "exp(t)": lambda t, u: np.exp(t),
    "maximum(t, u)": lambda t, u: np.maximum(t, u),
    "abs alias": lambda t, u: np.abs(u),
    "pow alias": lambda t, u: np.pow(t, 2),
    "true_divide alias": lambda t, u: np.true_divide(t, u),
    "ndarray @ t": lambda t, u: OTHER.T @ t,
    "matmul(t, u.T)": lambda t, u: np.matmul(t, np.transpose(u)),
}


@pytest.mark.parametrize("case", list(MIXED_UFUNC_CASES))
def test_ufuncs_convert_operands_as_lazyinit_does(case):
    function = MIXED_UFUNC_CASES[case]
    t, u = li.asarray(FLOATS), li.asarray(OTHER)
    lazy = function(t, u)
    expected = function(FLOATS, OTHER)
    if isinstance(expected, li.LazyTensor):
        expected = li.evaluate(expected)
    _check(lazy, expected)


FUNCTION_CASES = {
    "sum": lambda t, u: np.sum(t),
    "sum axis=0": lambda t, u: np.sum(t, axis=0),
    "sum axis keepdims dtype": lambda t, u: np.sum(
        t, axis=(0, 1), keepdims=True, dtype=np.float32
    ),
    "sum int": lambda t, u: np.sum(t.astype(np.int16), 1),
    "mean": lambda t, u: np.mean(t, axis=1),
    "prod": lambda t, u: np.prod(t, axis=-1),
    "max": lambda t, u: np.max(t, axis=0),
    "amax": lambda t, u: np.amax(t),
    "min keepdims": lambda t, u: np.min(t, axis=1, keepdims=True),
    "amin": lambda t, u: np.amin(t, 0),
    "reshape": lambda t, u: np.reshape(t, (4, 3)),
    "reshape -1": lambda t, u: np.reshape(t, -1),
    "ravel": lambda t, u: np.ravel(t),
    "transpose": lambda t, u: np.transpose(t),
    "transpose axes": lambda t, u: np.transpose(np.reshape(t, (3, 2, 2)), (2, 0, 1)),
    "permute_dims": lambda t, u: np.permute_dims(t, (1, 0)),
    "matrix_transpose": lambda t, u: np.matrix_transpose(t),
    "concatenate": lambda t, u: np.concatenate([t, u]),
    "concatenate axis=1": lambda t, u: np.concatenate((t, u), axis=1),
    "concatenate ndarray": lambda t, u: np.concatenate([t, OTHER], axis=0),
    "concatenate axis=None": lambda t, u: np.concatenate([t, u], axis=None),
    "concatenate dtype": lambda t, u: np.concatenate([t, u], dtype=np.float32),
    "concat": lambda t, u: np.concat([u, t]),
    "stack": lambda t, u: np.stack([t, u]),
    "stack axis=-1": lambda t, u: np.stack([t, u], axis=-1),
    "where": lambda t, u: np.where(t > 1, t, 0),
    "where u": lambda t, u: np.where(u > 0, t, u),
    "broadcast_to": lambda t, u: np.broadcast_to(t, (2, 3, 4)),
    "expand_dims": lambda t, u: np.expand_dims(t, 1),
    "squeeze": lambda t, u: np.squeeze(np.expand_dims(t, 0)),
    "squeeze axis": lambda t, u: np.squeeze(np.expand_dims(t, 2), axis=2),
    "take": lambda t, u: np.take(t, np.array([2, 0]), axis=0),
    "take flat": lambda t, u: np.take(t, np.array([5, 1, 11])),
    "linalg.matmul": lambda t, u: np.linalg.matmul(t, np.transpose(u)),
    "zeros_like": lambda t, u: np.zeros_like(t),
    "ones_like dtype": lambda t, u: np.ones_like(t, dtype=np.int8),
    "full_like": lambda t, u: np.full_like(t, 7.5),
    "full_like shape": lambda t, u: np.full_like(t, 2, shape=(2,)),
    "astype": lambda t, u: np.astype(t, np.int32),
}


@pytest.mark.parametrize("case", list(FUNCTION_CASES))
def test_every_supported_function_is_lazy_and_equals_numpy(case):
    function = FUNCTION_CASES[case]
    t, u = li.asarray(FLOATS), li.asarray(OTHER)
    _check(function(t, u), function(FLOATS, OTHER))


def test_empty_like_is_lazy_with_numpys_shape_and_dtype():
    result = np.empty_like(li.asarray(INTS))
    assert isinstance(result, li.LazyTensor)
    assert (result.shape, result.dtype) == (INTS.shape, INTS.dtype)


def test_metadata_functions_answer_without_evaluating():
    t = li.placeholder("x", (3, 4), "int16")
    assert np.shape(t) == (3, 4)
    assert np.ndim(t) == 2
    assert np.size(t) == 12
    assert np.size(t, 1) == 4
    assert np.result_type(t, np.float32) == np.result_type(np.int16, np.float32)
    assert np.result_type(t, 1.0) == np.result_type(np.ones(1, np.int16), 1.0)


def test_every_table_entry_is_covered():
    covered = {np.max, np.amax, np.min, np.amin, np.empty_like}
    covered |= {np.shape, np.ndim, np.size, np.result_type}
    named = {getattr(np, name.split()[0], None) for name in FUNCTION_CASES} | {
        np.linalg.matmul
    }
    assert set(FUNCTIONS) <= covered | named


UNSUPPORTED = {
    "cumsum": (lambda t: np.cumsum(t), r"numpy\.cumsum is not supported"),
    "median": (lambda t: np.median(t), r"numpy\.median is not supported"),
    "linalg.norm": (lambda t: np.linalg.norm(t), r"numpy\.linalg\.norm is not"),
    "ufunc without op": (lambda t: np.arcsin(t), r"numpy\.arcsin is not supported"),
    "two-output ufunc": (lambda t: np.modf(t), r"numpy\.modf is not supported"),
    "reduce": (lambda t: np.add.reduce(t), r"numpy\.add\.reduce .*np\.sum"),
    "accumulate": (lambda t: np.add.accumulate(t), r"numpy\.add\.accumulate"),
    "outer": (lambda t: np.multiply.outer(t, t), r"numpy\.multiply\.outer"),
    "out=": (lambda t: np.add(t, 1, out=np.empty((3, 4))), r"numpy\.add: out="),
    "where=": (
        lambda t: np.exp(t, where=np.ones((3, 4), bool)),
        r"numpy\.exp: where=",
    ),
    "dtype=": (lambda t: np.add(t, 1, dtype=np.float32), r"numpy\.add: dtype="),
    "sum out=": (lambda t: np.sum(t, out=np.empty(())), r"numpy\.sum: out="),
    "sum where=": (lambda t: np.sum(t, where=True), r"numpy\.sum: where="),
    "max initial=": (lambda t: np.max(t, initial=0), r"numpy\.max: initial="),
    "take mode=": (
        lambda t: np.take(t, [0], mode="clip"),
        r"numpy\.take: mode=",
    ),
    "where one argument": (lambda t: np.where(t), r"three-argument form"),
    "reshape order F": (lambda t: np.reshape(t, -1, order="F"), r"order='F'"),
    "concatenate casting": (
        lambda t: np.concatenate([t, t], dtype=np.int8, casting="safe"),
        r"cannot cast array 0 from float64 to int8",
    ),
}


def _add_in_place(t):
    array = np.ones((3, 4))
    array += t
    return array


UNSUPPORTED["in-place into an ndarray"] = (_add_in_place, r"numpy\.add: out=")


@pytest.mark.parametrize("case", list(UNSUPPORTED))
def test_what_cannot_stay_lazy_raises_a_clear_type_error(case, monkeypatch):
    function, message = UNSUPPORTED[case]
    evaluated = []
    monkeypatch.setattr(li.LazyTensor, "numpy", lambda self: evaluated.append(self))
    with pytest.raises(TypeError, match=message):
        function(li.asarray(FLOATS))
    assert not evaluated  # never a silent materialization


def test_asarray_honours_dtype_and_copy():
    t = li.asarray(FLOATS)
    as32 = np.asarray(t, dtype=np.float32)
    assert as32.dtype == np.float32
    np.testing.assert_array_equal(as32, FLOATS.astype(np.float32))
    assert np.array(t, copy=True).flags.writeable
    np.testing.assert_array_equal(np.asarray(t), FLOATS)
    with pytest.raises(ValueError, match="without a copy"):
        np.array(t, copy=False)
    with pytest.raises(ValueError, match="without a copy"):
        np.asarray(t, copy=False)


def test_another_librarys_array_is_left_to_handle_the_ufunc():
    class Foreign:
        def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
            return "foreign"

    assert np.add(li.ones((2,)), Foreign()) == "foreign"
