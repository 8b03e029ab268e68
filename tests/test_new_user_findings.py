"""What a new user found by following the README and then throwing bad input at
the public API, as a TensorFlow / Keras / NumPy user would.

Each test's docstring says what the user expects and why. Tests that fail
point at a real bug; the passing ones pin behaviour that already keeps the
promises of docs/ and DESIGN.md (errors at the point of entry, with the
exception type NumPy/TF users expect and a message naming the argument, the
value and what was expected; never a silent wrong result).
"""

import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest

import lazyinit as li
from lazyinit import initializers as inits

# --------------------------------------------------------------------------
# Iteration and indexing: what NumPy users do without thinking
# --------------------------------------------------------------------------


def test_iterating_a_lazy_tensor_yields_its_rows():
    """`for row in t` / `list(t)` work on every NumPy array and TF tensor.

    A LazyTensor has `len()` and integer indexing, so Python falls back to
    the sequence protocol, which stops on IndexError. The out-of-range index
    raises LazyValueError instead, so `list(li.ones((2, 3)))` crashes with
    "index 2 is out of bounds" instead of giving two lazy rows.
    """
    rows = list(li.ones((2, 3)))
    assert len(rows) == 2
    assert all(r.shape == (3,) for r in rows)


def test_out_of_range_index_raises_index_error():
    """NumPy raises IndexError for `a[2]` on a length-2 axis, and code written
    for NumPy catches IndexError. A ValueError subclass alone is not enough;
    the error may stay a LazyInitError too."""
    t = li.ones((2, 3))
    with pytest.raises(IndexError, match=r"index 2 is out of bounds for axis 0"):
        t[2]


def test_basic_index_errors_are_raised_at_build_time():
    """Float and string indices fail when the node is built, naming the index
    (NumPy would raise IndexError; TypeError is an acceptable stand-in)."""
    t = li.ones((2, 3))
    with pytest.raises(TypeError, match=r"1\.5"):
        t[1.5]
    with pytest.raises(TypeError, match="'a'"):
        t["a"]


def test_np_sum_of_a_lazy_tensor_does_not_crash_inside_numpy():
    """`np.sum(t)`, `np.mean(t)` dispatch to `t.sum(axis=None, dtype=None,
    out=None)`. The method rejects `out=`, so the user gets a TypeError raised
    from numpy/_core/fromnumeric.py about an argument they never passed.
    Expected: the sum (lazy or eager) of the six ones."""
    t = li.ones((2, 3))
    assert float(np.asarray(np.sum(t))) == 6.0
    assert float(np.asarray(np.mean(t))) == 1.0


def test_concatenate_of_a_2d_lazy_tensor_matches_numpy():
    """`np.concatenate(a)` treats a 2-D array as the sequence of its rows and
    returns shape (6,). lazyinit says "need a non-empty sequence of arrays",
    which is false for a non-empty tensor."""
    a = np.arange(6.0).reshape(2, 3)
    got = li.evaluate(li.concatenate(li.asarray(a)))
    np.testing.assert_array_equal(got, np.concatenate(a))


# --------------------------------------------------------------------------
# Folding: complex dtypes break the folder and exact=True
# --------------------------------------------------------------------------


def test_sum_of_complex_zeros_folds_without_crashing():
    """`li.zeros(5, dtype="complex64").sum()` is valid (NumPy gives 0j and
    `simplify=False` agrees) but the default evaluation crashes in the rewrite
    pass with NumPy's "ufunc 'signbit' not supported" TypeError."""
    y = li.zeros(5, dtype="complex64").sum()
    ref = li.evaluate(y, simplify=False)
    assert li.evaluate(y).tobytes() == ref.tobytes()


def test_complex_zeros_matmul_folds_without_crashing():
    """The README's headline fold (`zeros @ w`) crashes for complex dtypes
    with a TypeError from np.signbit deep in lazyinit/rewrite.py."""
    z = li.zeros((2, 3), dtype="complex64")
    w = li.ones((3, 2), dtype="complex64")
    ref = li.evaluate(z @ w, simplify=False)
    np.testing.assert_array_equal(li.evaluate(z @ w), ref)


def test_exact_complex_add_zeros_does_not_crash():
    """`exact=True` must give the reference bytes; for a complex `x + zeros`
    it raises NumPy's signbit TypeError instead."""
    x = li.asarray(np.array([1 + 1j, -0.0, 2j], np.complex64))
    y = x + li.zeros(3, dtype="complex64")
    assert li.evaluate(y, exact=True).tobytes() == (
        li.evaluate(y, simplify=False).tobytes()
    )


def test_exact_complex_multiply_by_ones_is_bit_identical():
    """docs: "exact=True: bit-identical to the reference". NumPy's complex
    multiply gives `(inf+0j) * (1+0j) == inf+nanj`, but `x * 1 -> x` fires
    even under exact=True and returns inf+0j."""
    x = li.asarray(np.array([complex(np.inf, 0), 1 + 1j], np.complex64))
    y = x * li.ones(2, dtype="complex64")
    assert li.evaluate(y, exact=True).tobytes() == (
        li.evaluate(y, simplify=False).tobytes()
    )


def test_default_complex_multiply_by_ones_keeps_nan():
    """Default folding may only change the sign of a zero. For complex
    operands `x * 1 -> x` turns NumPy's inf+nanj (a NaN) into inf+0j."""
    x = li.asarray(np.array([complex(np.inf, 0), 1 + 1j], np.complex64))
    y = x * li.ones(2, dtype="complex64")
    ref = li.evaluate(y, simplify=False)
    got = li.evaluate(y)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(ref))


def test_nan_times_zeros_stays_nan_and_exact_is_bitwise():
    """README: NaN * 0 stays NaN unless `assume_finite=True`; `x + 0` with
    x = -0.0 is bit-identical under exact=True. (Holds for real dtypes.)"""
    x = li.asarray(np.array([np.nan, np.inf, -0.0, 1.0]))
    z = li.zeros(4, dtype="float64")
    np.testing.assert_array_equal(
        np.isnan(li.evaluate(x * z)), [True, True, False, False]
    )
    assert li.evaluate(x + z, exact=True).tobytes() == (
        li.evaluate(x + z, simplify=False).tobytes()
    )
    i8 = li.asarray(np.array([127, -128], np.int8))
    y = (i8 + li.ones(2, dtype="int8")) * li.ones(2, dtype="int8")
    np.testing.assert_array_equal(li.evaluate(y), li.evaluate(y, simplify=False))


# --------------------------------------------------------------------------
# Placeholders and feeds
# --------------------------------------------------------------------------


def test_feed_value_out_of_int32_range_is_not_silently_wrapped():
    """An int32 placeholder fed `np.array([2**40, 2, 3])` evaluates to
    `[0, 2, 3]` with no error and no warning: a silent wrong result. The
    complex case is refused ("does not cast safely"); a value that does not
    fit the placeholder's dtype should be refused too, naming the
    placeholder."""
    q = li.placeholder("q", (3,), "int32")
    with pytest.raises((TypeError, ValueError), match="'q'"):
        li.evaluate(q, feed={"q": np.array([2**40, 2, 3])})


def test_feed_that_is_not_a_mapping_raises_type_error():
    """`feed=np.ones(...)` raises NumPy's "truth value of an array is
    ambiguous" from lazyinit/evaluate.py, and `feed=[("p", arr)]` is ignored
    and then reported as "placeholder 'p' was not fed". Expected: TypeError
    naming `feed` and saying a mapping of names to arrays is needed."""
    p = li.placeholder("p", (2, 3))
    arr = np.ones((2, 3), np.float32)
    with pytest.raises(TypeError, match="feed"):
        li.evaluate(p, feed=arr)
    with pytest.raises(TypeError, match="feed"):
        li.evaluate(p, feed=[("p", arr)])


def test_placeholder_errors_name_the_placeholder():
    """Not fed, wrong shape and wrong kind of dtype all raise at evaluation
    with the placeholder's name and both shapes/dtypes (already true)."""
    p = li.placeholder("p", (2, 3))
    with pytest.raises(ValueError, match="'p' was not fed"):
        li.evaluate(p)
    with pytest.raises(ValueError, match=r"'p' has shape \(2, 3\).*\(3, 2\)"):
        li.evaluate(p, feed={"p": np.ones((3, 2))})
    with pytest.raises(TypeError, match=r"'p' has dtype float32.*complex128"):
        li.evaluate(p, feed={"p": np.ones((2, 3), np.complex128)})


def test_function_arity_and_names_are_checked():
    """li.function rejects too many inputs, unknown and duplicate names."""
    p = li.placeholder("p", (2,))
    q = li.placeholder("q", (2,))
    f = li.function([p, q], p + q)
    a = np.ones(2, np.float32)
    with pytest.raises(TypeError, match="takes 2 inputs"):
        f(a, a, a)
    with pytest.raises(TypeError, match="unknown input 'r'"):
        f(a, r=a)
    with pytest.raises(TypeError, match="'p' given twice"):
        f(a, p=a)
    with pytest.raises(ValueError, match="'q' was not fed"):
        f(a)


def test_function_with_non_tensor_outputs_names_the_argument():
    """`li.function([p], 3)` raises "'int' object is not iterable" from
    lazyinit/compiled.py; a user expects a TypeError naming `outputs`."""
    p = li.placeholder("p", (2,))
    with pytest.raises(TypeError, match="outputs"):
        li.function([p], 3)


# --------------------------------------------------------------------------
# Evaluation: aliasing, snapshots, sizes
# --------------------------------------------------------------------------


def test_results_are_writable_and_never_alias_a_later_evaluation():
    """DESIGN: no array that evaluate returns aliases memory a later
    evaluation writes. Mutating a result must not change the next one."""
    x = li.asarray(np.arange(6.0).reshape(2, 3))
    for t in (x, x + 0, x.T, x[0], li.zeros((2, 3)), li.RandomNormal(seed=1)((3,))):
        first = li.evaluate(t)
        keep = first.copy()
        first[...] = 42
        np.testing.assert_array_equal(li.evaluate(t), keep)
    src = np.ones(3)
    t = li.asarray(src)
    src[:] = 5
    np.testing.assert_array_equal(t.numpy(), np.ones(3))


def test_more_than_64_dimensions_is_refused_at_build_time():
    """DESIGN: where NumPy would raise, building the node raises. NumPy caps
    arrays at 64 dimensions; `li.zeros((1,) * 65)` builds fine and only
    fails at evaluation with NumPy's own ValueError from stride_tricks."""
    with pytest.raises(ValueError, match="64"):
        li.zeros((1,) * 65)


def test_evaluating_an_impossible_size_raises_a_lazyinit_memory_error():
    """`li.evaluate(li.zeros(2**62))` (16 EiB) fails with NumPy's "array is
    too big" ValueError from numpy/lib/_stride_tricks_impl.py. DESIGN: the
    evaluator estimates the bytes and refuses, with a clear error, what would
    not fit; MemoryLimitError exists for that."""
    with pytest.raises(li.MemoryLimitError):
        li.evaluate(li.zeros(2**62))


# --------------------------------------------------------------------------
# Initializer arguments: shapes, dtypes, constructor values
# --------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [{3, 2}, frozenset({4, 1})])
def test_unordered_set_shape_is_rejected(shape):
    """A set has no order: `Zeros()(shape={3, 2})` silently builds shape
    (2, 3). NumPy raises TypeError ("expected a sequence of integers")."""
    with pytest.raises(TypeError, match="shape"):
        inits.Zeros()(shape=shape)


@pytest.mark.parametrize(
    ("shape", "exc", "pattern"),
    [
        (-1, ValueError, r"shape: dimension 0 of -1 is -1"),
        ((2, -1), ValueError, r"dimension 1 of \(2, -1\) is -1"),
        (2.0, TypeError, r"2\.0 of type float"),
        ((True, 2), TypeError, "is a bool"),
        ((None, 3), ValueError, "unknown"),
        ("3", TypeError, "'3'"),
        ([[2, 3]], TypeError, r"\[2, 3\] of type list"),
    ],
)
def test_bad_shapes_are_rejected_with_the_argument_named(shape, exc, pattern):
    """DESIGN: negative, non-integer, boolean or unknown dims raise
    ValueError/TypeError naming the argument and value (already true)."""
    with pytest.raises(exc, match=pattern):
        inits.GlorotUniform(seed=0)(shape=shape)


@pytest.mark.parametrize("dtype", ["str", object, np.str_, "datetime64[s]", "V8"])
def test_zeros_rejects_non_numeric_dtypes_naming_them(dtype):
    """DESIGN: Zeros/Ones/Constant accept numeric and bool dtypes only; the
    rest raise ValueError naming the dtype (already true)."""
    with pytest.raises(ValueError, match="numeric or boolean, received dtype"):
        inits.Zeros()((2,), dtype=dtype)


@pytest.mark.parametrize("dtype", ["int32", "complex64", bool])
def test_random_normal_rejects_non_float_dtypes(dtype):
    """TF: RandomNormal needs a floating dtype, ValueError otherwise."""
    with pytest.raises(ValueError, match="floating point"):
        inits.RandomNormal(seed=0)((2,), dtype=dtype)


def test_bfloat16_by_name_works_when_ml_dtypes_is_installed():
    """The dtype error lists "float16, bfloat16, float32 or float64", and a
    TF user writes `dtype="bfloat16"`. In a fresh process that string is
    refused ("cannot interpret 'bfloat16' as a dtype") even with ml_dtypes
    installed, unless the user happens to `import ml_dtypes` first. Expected:
    the name resolves whenever ml_dtypes is installed, or else the error says
    to install ml_dtypes."""
    code = (
        "import lazyinit as li\n"
        "t = li.RandomNormal(seed=0)((2,), dtype='bfloat16')\n"
        "print(t.dtype.name)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    if importlib.util.find_spec("ml_dtypes") is not None:
        assert run.returncode == 0, run.stderr
        assert run.stdout.strip() == "bfloat16"
    else:
        assert "ml_dtypes" in run.stderr


@pytest.mark.parametrize(
    ("make", "exc", "pattern"),
    [
        (lambda: inits.RandomNormal(stddev=-1), ValueError, "stddev=-1"),
        (lambda: inits.RandomUniform(1, 0), ValueError, "minval=1, maxval=0"),
        (lambda: inits.VarianceScaling(scale=0), ValueError, "scale=0"),
        (lambda: inits.VarianceScaling(mode="fan"), ValueError, "mode='fan'"),
        (
            lambda: inits.VarianceScaling(distribution="gauss"),
            ValueError,
            "distribution='gauss'",
        ),
        (lambda: inits.RandomNormal(seed=1.5), TypeError, "seed"),
        (lambda: inits.RandomNormal(seed="1"), TypeError, "seed"),
        (lambda: inits.RandomNormal(seed=-1), ValueError, "seed"),
        (lambda: inits.RandomNormal(seed=True), TypeError, "seed"),
        (lambda: inits.RandomNormal(mean=float("inf")), ValueError, "mean=inf"),
    ],
)
def test_bad_constructor_arguments(make, exc, pattern):
    """Keras/TF reject these at construction; lazyinit does too (already
    true), naming the argument and the value."""
    with pytest.raises(exc, match=pattern):
        make()


def test_unknown_call_keyword_is_a_type_error():
    """TF's own test: `Zeros()((2, 2), dtpye=...)` raises TypeError."""
    with pytest.raises(TypeError, match="dtpye"):
        inits.Zeros()((2, 2), dtpye="float32")


def test_constant_shape_mismatches_raise_type_error_naming_both_shapes():
    """DESIGN and TF2: nothing is padded or repeated silently; TypeError
    names both shapes. Ragged lists, dicts and LazyTensors are refused."""
    with pytest.raises(TypeError, match=r"\(3,\).*\(2, 2\)"):
        inits.Constant([1, 2, 3])((2, 2))
    with pytest.raises(TypeError, match="inhomogeneous"):
        inits.Constant([[1, 2], [3]])
    with pytest.raises(TypeError, match="dict"):
        inits.Constant({"a": 1})
    with pytest.raises(TypeError, match="LazyTensor"):
        inits.Constant(li.zeros(3))


def test_constant_complex_value_with_real_dtype_is_refused():
    """`Constant(1j)((2,))` gives float32 zeros with only a ComplexWarning
    raised from lazyinit/ops/creation.py: the value is lost. TF refuses
    (`tf.constant(1j, tf.float32)` is a TypeError), and lazyinit itself
    refuses a fill that does not fit the dtype (`Constant(300)` in uint8)."""
    with pytest.raises((TypeError, ValueError), match=r"1j|complex"):
        inits.Constant(1j)((2,), dtype="float32")


def test_constant_integer_too_large_says_so():
    """`Constant(2**70)` raises "value must hold numbers or bools, received
    1180591620717411303424 (NumPy reads it as dtype object)". It is a number;
    the message should say it is too large for any integer dtype."""
    with pytest.raises((TypeError, ValueError, OverflowError), match=r"large|range"):
        inits.Constant(2**70)((2,), dtype="int64")


# --------------------------------------------------------------------------
# get / serialize / deserialize
# --------------------------------------------------------------------------


def test_get_rejects_a_class_whose_instance_is_not_an_initializer():
    """`initializers.get(int)` returns `0`. Keras 3 instantiates a class and
    raises "Could not interpret initializer identifier" when the result is
    not callable; lazyinit's own docstring promises ValueError "for anything
    that is not an initializer"."""
    with pytest.raises(ValueError, match="int"):
        inits.get(int)


def test_get_rejects_a_list_config_even_when_empty():
    """`{"class_name": "Zeros", "config": [1, 2]}` is refused ("config must
    be a mapping, received list") but `"config": []` is accepted. The empty
    list is just as malformed."""
    with pytest.raises(TypeError, match="mapping"):
        inits.get({"class_name": "Zeros", "config": []})


def test_deserialize_custom_objects_must_be_a_mapping():
    """`custom_objects=[1]` raises Python's "cannot convert dictionary update
    sequence element #0" from registry.py; expected a TypeError naming
    `custom_objects`."""
    with pytest.raises(TypeError, match="custom_objects"):
        inits.deserialize("zeros", custom_objects=[1])


@pytest.mark.parametrize(
    "config",
    [
        {"module": "os", "class_name": "system", "config": {"command": "true"}},
        {"module": "builtins", "class_name": "eval", "config": {}},
        {"class_name": "__class__", "config": {}},
        {"class_name": "get", "config": {}},
        "deserialize",
        "ZEROS",
    ],
)
def test_deserialize_refuses_unknown_names_and_module_injection(config):
    """`module` is informative only; names outside the initializer family
    (os.system, builtins, helpers of the registry) raise ValueError."""
    with pytest.raises(ValueError, match="unknown initializer"):
        inits.deserialize(config)


def test_keras_aliases_and_legacy_configs_resolve():
    """Keras defaults through `get`, and old configs with
    distribution="normal" load as truncated_normal (already true)."""
    assert inits.get("uniform").get_config()["maxval"] == 0.05
    assert inits.get("normal").get_config()["stddev"] == 0.05
    vs = inits.deserialize(
        {
            "class_name": "VarianceScaling",
            "config": {"distribution": "normal", "mode": "fan_avg", "scale": 1.0},
        }
    )
    assert vs.get_config()["distribution"] == "truncated_normal"


# --------------------------------------------------------------------------
# Random initializers: reproducibility and slices
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cls", [inits.RandomNormal, inits.TruncatedNormal, inits.GlorotUniform]
)
def test_random_seeds_slices_and_partitions(cls):
    """Same seed, same bytes; unseeded instance differs per call; a slice and
    a partition equal the slice of the whole (already true)."""
    shape = (37, 53)
    a = li.evaluate(cls(seed=7)(shape))
    assert a.tobytes() == li.evaluate(cls(seed=7)(shape)).tobytes()
    init = cls()
    assert not np.array_equal(li.evaluate(init(shape)), li.evaluate(init(shape)))
    w = cls(seed=7)(shape)
    np.testing.assert_array_equal(li.evaluate(w[3:20:3, ::-2]), a[3:20:3, ::-2])
    part = cls(seed=7)(shape, partition_shape=(10, 53), partition_offset=(5, 0))
    np.testing.assert_array_equal(li.evaluate(part), a[5:15])


# --------------------------------------------------------------------------
# CLI and config loading
# --------------------------------------------------------------------------


def test_model_folder_without_config_json_says_so(tmp_path):
    """The CLI help says CONFIG may be "a model folder holding one". For a
    folder with no config.json the error is "cannot read config '...': No
    such file or directory", which is false: the folder exists. Expected a
    message that says the folder holds no config.json."""
    with pytest.raises(ValueError, match=r"config\.json") as info:
        li.models.load_config(tmp_path)
    assert "No such file or directory" not in str(info.value)


def test_cli_bad_inputs_exit_2_with_a_message(tmp_path):
    """Invalid JSON and unknown model types give exit code 2 and a one-line
    error, no traceback (already true)."""
    bad = tmp_path / "bad.json"
    bad.write_text("{bad json")
    bert = tmp_path / "bert.json"
    bert.write_text(json.dumps({"model_type": "bert"}))
    for path, pattern in [(bad, "not valid JSON"), (bert, "unsupported model_type")]:
        run = subprocess.run(
            [sys.executable, "-m", "lazyinit", "inspect", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 2
        assert pattern in run.stderr
        assert "Traceback" not in run.stderr
