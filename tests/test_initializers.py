"""Tests of lazyinit.initializers against TensorFlow 2 / Keras behaviour.

NumPy is the reference for values; TensorFlow's documented examples, default
configs and error cases (reference/tf-initializers.md) are the reference for
the API.
"""

import json
import math
import re

import numpy as np
import pytest

import lazyinit as li
from lazyinit.initializers import deserialize, get, serialize

CLASSES = [li.Zeros, li.Ones, li.Constant, li.RandomNormal, li.RandomUniform]

# ---------------------------------------------------------------------------
# names


@pytest.mark.parametrize(
    ("alias", "cls"),
    [
        (li.zeros_initializer, li.Zeros),
        (li.ones_initializer, li.Ones),
        (li.constant_initializer, li.Constant),
        (li.random_normal_initializer, li.RandomNormal),
        (li.random_uniform_initializer, li.RandomUniform),
        (li.initializers.zeros, li.Zeros),
        (li.initializers.ones, li.Ones),
        (li.initializers.constant, li.Constant),
        (li.initializers.random_normal, li.RandomNormal),
        (li.initializers.random_uniform, li.RandomUniform),
        (li.initializers.Zeros, li.Zeros),
        (li.initializers.zeros_initializer, li.Zeros),
    ],
)
def test_aliases_are_the_classes(alias, cls):
    assert alias is cls


@pytest.mark.parametrize("name", ["zeros", "ones", "random_normal", "random_uniform"])
def test_top_level_tensor_functions_are_not_shadowed(name):
    assert not isinstance(getattr(li, name), type)
    assert name not in li.initializers.__all__


@pytest.mark.parametrize("name", ["get", "serialize", "deserialize"])
def test_registry_functions_live_in_the_initializers_module_only(name):
    assert callable(getattr(li.initializers, name))
    assert not hasattr(li, name)


def test_initializer_base_is_exported():
    assert li.Initializer is li.initializers.Initializer
    assert all(issubclass(cls, li.Initializer) for cls in CLASSES)


# ---------------------------------------------------------------------------
# TensorFlow's documented examples


@pytest.mark.parametrize("shape", [[3], [3, 3]])
def test_zeros_initializer_documented_example(shape):
    tensor = li.zeros_initializer()(shape=shape)

    assert tensor.shape == tuple(shape)
    assert tensor.dtype == np.float32
    assert tensor.op == "full"
    values = tensor.numpy()
    assert values.dtype == np.float32
    np.testing.assert_array_equal(values, np.zeros(shape, np.float32))


def test_constant_initializer_documented_example():
    values = li.constant_initializer((10, 20, 30))(shape=[3]).numpy()

    np.testing.assert_array_equal(values, np.array([10, 20, 30], np.float32))


# ---------------------------------------------------------------------------
# dtypes

FILL_CASES = [(li.Zeros(), 0), (li.Ones(), 1), (li.Constant(3), 3)]
NUMERIC_OR_BOOL = [
    "float16",
    "float32",
    "float64",
    "int8",
    "int32",
    "int64",
    "uint8",
    "uint64",
    "complex64",
    "bool",
    float,
    int,
    bool,
    np.float16,
]
NOT_NUMERIC = [str, "U5", "S3", object, "V8", "datetime64[s]", "timedelta64[s]"]


@pytest.mark.parametrize("dtype", NUMERIC_OR_BOOL)
@pytest.mark.parametrize(("init", "value"), FILL_CASES)
def test_fills_accept_numeric_and_bool_dtypes(init, value, dtype):
    tensor = init((2, 3), dtype)

    expected = np.full((2, 3), value, dtype=dtype)
    assert tensor.dtype == expected.dtype
    assert tensor.op == "full"
    np.testing.assert_array_equal(tensor.numpy(), expected)


@pytest.mark.parametrize("dtype", NOT_NUMERIC)
@pytest.mark.parametrize("init", [li.Zeros(), li.Ones(), li.Constant(2.0)])
def test_fills_reject_other_dtypes_naming_them(init, dtype):
    name = type(init).__name__
    with pytest.raises(
        ValueError,
        match=rf"{name}: dtype expected .*{re.escape(repr(np.dtype(dtype)))}",
    ):
        init((2,), dtype)


def test_default_dtype_is_float32():
    for init in [li.Zeros(), li.Ones(), li.Constant(2), li.RandomNormal()]:
        assert init((2,)).dtype == np.float32
    assert li.Constant([1, 2])((2,)).dtype == np.float32
    assert li.RandomUniform()((2,)).dtype == np.float32


def test_dtype_accepts_objects_with_as_numpy_dtype():
    class FakeTensorFlowDType:
        as_numpy_dtype = np.float16

    assert li.Ones()((2,), FakeTensorFlowDType()).dtype == np.float16


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize(
    "init", [li.RandomNormal(seed=1), li.RandomUniform(seed=1)], ids=repr
)
def test_random_initializers_accept_float_dtypes(init, dtype):
    values = init((50,), dtype).numpy()

    assert values.dtype == np.dtype(dtype)
    assert np.isfinite(values).all()


@pytest.mark.parametrize(
    ("init", "dtype", "expected"),
    [
        (li.RandomNormal(), "int32", "floating point"),
        (li.RandomNormal(), "bool", "floating point"),
        (li.RandomNormal(), "complex64", "floating point"),
        (li.RandomNormal(), str, "floating point"),
        (li.RandomUniform(), "bool", "floating point or integer"),
        (li.RandomUniform(), "complex128", "floating point or integer"),
        (li.RandomUniform(), object, "floating point or integer"),
    ],
)
def test_random_initializers_reject_other_dtypes_naming_them(init, dtype, expected):
    name = type(init).__name__
    pattern = rf"{name}: dtype expected to be {expected}.*"
    pattern += re.escape(repr(np.dtype(dtype)))
    with pytest.raises(ValueError, match=pattern):
        init((2,), dtype)


@pytest.mark.parametrize(
    ("dtype", "match"), [("not-a-dtype", "not-a-dtype"), (3.5, "3.5")]
)
def test_unreadable_dtype_raises_type_error(dtype, match):
    with pytest.raises(TypeError, match=rf"Zeros: dtype: cannot interpret .*{match}"):
        li.Zeros()((2,), dtype)


# ---------------------------------------------------------------------------
# shapes


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        (3, (3,)),
        ([], ()),
        ((0,), (0,)),
        ((2, 0, 3), (2, 0, 3)),
        (np.array([4, 2]), (4, 2)),
        ([np.int64(2), 3], (2, 3)),
    ],
)
@pytest.mark.parametrize("init", [li.Zeros(), li.Constant(1.5), li.RandomNormal()])
def test_accepted_shapes_including_zero_size(init, shape, expected):
    tensor = init(shape)

    assert tensor.shape == expected
    assert tensor.numpy().shape == expected


@pytest.mark.parametrize(
    ("shape", "error", "match"),
    [
        ((2, -1), ValueError, r"shape: dimension 1 of \(2, -1\) is -1"),
        ((2.0, 3), TypeError, r"shape: dimension 0 of \(2.0, 3\) is 2.0"),
        ((True, 3), TypeError, r"shape: dimension 0 of \(True, 3\) is a bool"),
        ((None, 3), ValueError, r"shape: dimension 0 of \(None, 3\) is unknown"),
        ("3", TypeError, r"shape: expected an int or a sequence of ints"),
    ],
)
@pytest.mark.parametrize("init", [li.Zeros(), li.RandomNormal(), li.RandomUniform()])
def test_bad_shapes_raise_naming_the_dimension(init, shape, error, match):
    with pytest.raises(error, match=rf"{type(init).__name__}: {match}"):
        init(shape)


# ---------------------------------------------------------------------------
# keyword arguments and partitions


@pytest.mark.parametrize("init", [cls() for cls in CLASSES], ids=repr)
def test_unknown_call_keyword_raises_type_error_naming_it(init):
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'dtpye'.*"):
        init((2, 2), dtpye="float32")


@pytest.mark.parametrize("init", [li.Zeros(), li.Ones()], ids=repr)
def test_fill_partition_is_a_fill_of_the_partition_shape(init):
    whole = init((4, 2)).numpy()

    piece = init((4, 2), partition_shape=(2, 2), partition_offset=(2, 0))

    assert piece.op == "full"
    np.testing.assert_array_equal(piece.numpy(), whole[2:4, 0:2])


@pytest.mark.parametrize(
    "init", [li.RandomNormal(seed=5), li.RandomUniform(-1, 1, seed=5)], ids=repr
)
@pytest.mark.parametrize(
    ("partition_shape", "partition_offset"),
    [((2, 2), (0, 0)), ((2, 2), (2, 0)), ((1, 1), (3, 1)), ((4, 2), None)],
)
def test_random_partition_equals_slice_of_the_whole(
    init, partition_shape, partition_offset
):
    whole = init((4, 2)).numpy()

    piece = init(
        (4, 2), partition_shape=partition_shape, partition_offset=partition_offset
    ).numpy()

    offset = partition_offset or (0, 0)
    index = tuple(slice(o, o + p) for o, p in zip(offset, partition_shape, strict=True))
    assert piece.tobytes() == whole[index].tobytes()


def test_random_partition_is_lazy_with_partition_shape():
    piece = li.RandomNormal(seed=1)(
        (30, 100), partition_shape=(20, 100), partition_offset=(10, 0)
    )

    assert piece.shape == (20, 100)
    assert piece.dtype == np.float32


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"partition_shape": (2,)},
            r"partition_shape \(2,\) has 1 dimensions but shape \(4, 2\) has 2",
        ),
        (
            {"partition_shape": (2, 2), "partition_offset": (0,)},
            r"partition_offset \(0,\) has 1 dimensions",
        ),
        (
            {"partition_shape": (2, 2), "partition_offset": (3, 0)},
            r"does not fit shape \(4, 2\): on axis 0, 3 \+ 2 > 4",
        ),
        (
            {"partition_shape": (5, 2)},
            r"on axis 0, 0 \+ 5 > 4",
        ),
        (
            {"partition_offset": (0, 0)},
            r"partition_offset=\(0, 0\) was given without partition_shape",
        ),
        (
            {"partition_shape": (2, -2)},
            r"partition_shape: dimension 1 of \(2, -2\) is -2",
        ),
        (
            {"partition_shape": (2, 2), "partition_offset": (-1, 0)},
            r"partition_offset: dimension 0 of \(-1, 0\) is -1",
        ),
    ],
)
@pytest.mark.parametrize("init", [li.Zeros(), li.RandomNormal(seed=0)], ids=repr)
def test_bad_partitions_raise_value_error(init, kwargs, match):
    with pytest.raises(ValueError, match=match):
        init((4, 2), **kwargs)


def test_constant_rejects_partition_arguments():
    init = li.Constant([1, 2, 3, 4])

    with pytest.raises(
        ValueError,
        match="Constant initializer doesn't support partition-related arguments",
    ):
        init((4, 2), partition_shape=(2, 2))


def test_partition_arguments_set_to_none_are_ignored():
    tensor = li.Constant(1)((2,), partition_shape=None, partition_offset=None)

    assert tensor.shape == (2,)


# ---------------------------------------------------------------------------
# Constant values


@pytest.mark.parametrize(
    ("value", "shape", "expected"),
    [
        (2, (5, 6, 4), np.full((5, 6, 4), 2)),
        (True, (2,), np.ones(2)),
        (np.float32(1.5), (2,), np.full(2, 1.5)),
        (np.array(7), (2, 2), np.full((2, 2), 7)),
        ([5], (2, 2), np.full((2, 2), 5)),
        ([1, 2, 3], (2, 3), [[1, 2, 3], [1, 2, 3]]),
        ([[1], [2]], (2, 3), [[1, 1, 1], [2, 2, 2]]),
        ([1, 2, 3], (0, 3), np.zeros((0, 3))),
        ((10, 20, 30), [3], [10, 20, 30]),
        (list(range(6)), [2, 3], [[0, 1, 2], [3, 4, 5]]),
        (np.arange(6), [2, 3], [[0, 1, 2], [3, 4, 5]]),
        (np.arange(6).reshape(2, 3), [2, 3], [[0, 1, 2], [3, 4, 5]]),
        (np.arange(6).reshape(2, 3), [3, 2], [[0, 1], [2, 3], [4, 5]]),
        (np.arange(6).reshape(2, 3), [6], [0, 1, 2, 3, 4, 5]),
    ],
)
def test_constant_broadcasts_or_reshapes_like_numpy_and_tensorflow(
    value, shape, expected
):
    tensor = li.Constant(value)(shape)

    values = tensor.numpy()
    assert values.dtype == np.float32
    np.testing.assert_array_equal(values, np.asarray(expected, np.float32))


@pytest.mark.parametrize(
    ("value", "shape", "value_shape", "target"),
    [
        (list(range(6)), [2, 4], r"\(6,\)", r"\(2, 4\)"),
        (list(range(6)), [2, 2], r"\(6,\)", r"\(2, 2\)"),
        (np.arange(6).reshape(2, 3), [2, 4], r"\(2, 3\)", r"\(2, 4\)"),
        (np.arange(6).reshape(2, 3), [2, 2], r"\(2, 3\)", r"\(2, 2\)"),
        ([1, 2, 3], [0], r"\(3,\)", r"\(0,\)"),
    ],
)
def test_constant_never_pads_or_repeats(value, shape, value_shape, target):
    pattern = rf"Constant: value of shape {value_shape} .* to shape {target}"
    with pytest.raises(TypeError, match=pattern):
        li.Constant(value)(shape)


def test_constant_scalar_is_a_fill_held_in_the_dtype():
    tensor = li.Constant(1.0001)((3,), "float16")

    assert tensor.op == "full"
    assert tensor.fill_value == np.float16(1.0)


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (li.zeros((2,)), r"invalid type for value: LazyTensor"),
        ({"a": 1}, r"invalid type for value: dict"),
        (None, r"invalid type for value: NoneType"),
        ("abc", r"value must hold numbers or bools, received 'abc'"),
        ([1, "a"], r"value must hold numbers or bools"),
        ([[1, 2], [3]], r"value cannot be read as an array"),
    ],
)
def test_constant_rejects_other_values(value, match):
    with pytest.raises(TypeError, match=rf"Constant: {match}"):
        li.Constant(value)


def test_constant_snapshots_its_value():
    value = np.arange(3.0)
    init = li.Constant(value)

    value[0] = 100.0

    np.testing.assert_array_equal(init((3,)).numpy(), [0.0, 1.0, 2.0])
    assert init.get_config() == {"value": [0.0, 1.0, 2.0]}


@pytest.mark.parametrize(
    ("value", "config_value"),
    [
        (0, 0),
        (2.5, 2.5),
        (np.float32(0.5), 0.5),
        (True, True),
        ((1, 2), [1, 2]),
        (np.eye(2, dtype=np.float32), [[1.0, 0.0], [0.0, 1.0]]),
    ],
)
def test_constant_config_is_json_ready(value, config_value):
    config = li.Constant(value).get_config()

    assert config == {"value": config_value}
    assert json.loads(json.dumps(config)) == config


# ---------------------------------------------------------------------------
# configs

TF_DEFAULT_CONFIGS = [
    (li.Zeros, {}),
    (li.Ones, {}),
    (li.Constant, {"value": 0}),
    (li.RandomNormal, {"mean": 0.0, "stddev": 0.05, "seed": None}),
    (li.RandomUniform, {"minval": -0.05, "maxval": 0.05, "seed": None}),
]


@pytest.mark.parametrize(("cls", "expected"), TF_DEFAULT_CONFIGS)
def test_default_config_equals_tensorflow(cls, expected):
    config = cls().get_config()

    assert config == expected
    assert list(config) == list(expected)


INSTANCES = [
    li.Zeros(),
    li.Ones(),
    li.Constant(),
    li.Constant(-2.5),
    li.Constant([[1, 2], [3, 4]]),
    li.RandomNormal(),
    li.RandomNormal(mean=1.0, stddev=2.0, seed=153),
    li.RandomUniform(),
    li.RandomUniform(-1, 1, seed=124),
]


@pytest.mark.parametrize("init", INSTANCES, ids=repr)
def test_from_config_round_trip(init):
    clone = type(init).from_config(init.get_config())

    assert type(clone) is type(init)
    assert clone.get_config() == init.get_config()


@pytest.mark.parametrize("init", INSTANCES, ids=repr)
def test_json_serialization_round_trip(init):
    payload = json.dumps(serialize(init))

    clone = deserialize(json.loads(payload))

    assert type(clone) is type(init)
    assert clone.get_config() == init.get_config()
    if getattr(init, "seed", 0) is not None:
        shape, dtype = (2, 2), "float32"
        assert clone(shape, dtype).numpy().tobytes() == (
            init(shape, dtype).numpy().tobytes()
        )


def test_serialize_format():
    assert serialize(li.RandomUniform(seed=2)) == {
        "module": "lazyinit.initializers",
        "class_name": "RandomUniform",
        "config": {"minval": -0.05, "maxval": 0.05, "seed": 2},
        "registered_name": None,
    }
    assert serialize(li.Zeros)["class_name"] == "Zeros"
    assert serialize(None) is None


def test_from_config_drops_dtype_without_mutating_the_caller():
    config = {"mean": 1.0, "dtype": "float32"}

    init = li.RandomNormal.from_config(config)

    assert init.mean == 1.0
    assert config == {"mean": 1.0, "dtype": "float32"}


@pytest.mark.parametrize(
    ("cls", "config", "match"),
    [
        (li.Zeros, {"value": 1}, r"Zeros.from_config: unknown key 'value'; .* none"),
        (
            li.RandomNormal,
            {"mean": 0.0, "std": 1.0},
            r"RandomNormal.from_config: unknown key 'std'; accepted keys: "
            r"'mean', 'stddev', 'seed'",
        ),
        (
            li.RandomUniform,
            {"low": 0, "high": 1},
            r"unknown keys 'low', 'high'; accepted keys: 'minval', 'maxval', 'seed'",
        ),
    ],
)
def test_unknown_config_key_raises_naming_it_and_the_accepted_ones(cls, config, match):
    with pytest.raises(ValueError, match=match):
        cls.from_config(config)


def test_from_config_needs_a_mapping():
    with pytest.raises(TypeError, match=r"Zeros.from_config: config must be a mapping"):
        li.Zeros.from_config([("value", 1)])


@pytest.mark.parametrize(
    ("init", "expected"),
    [
        (li.Zeros(), "Zeros()"),
        (li.Constant(2), "Constant(value=2)"),
        (li.RandomNormal(seed=3), "RandomNormal(mean=0.0, stddev=0.05, seed=3)"),
    ],
)
def test_repr_shows_the_config(init, expected):
    assert repr(init) == expected


# ---------------------------------------------------------------------------
# get / deserialize

NAMES = [
    ("Zeros", li.Zeros),
    ("zeros", li.Zeros),
    ("zero", li.Zeros),
    ("Ones", li.Ones),
    ("ones", li.Ones),
    ("one", li.Ones),
    ("Constant", li.Constant),
    ("constant", li.Constant),
    ("RandomNormal", li.RandomNormal),
    ("random_normal", li.RandomNormal),
    ("normal", li.RandomNormal),
    ("RandomUniform", li.RandomUniform),
    ("random_uniform", li.RandomUniform),
    ("uniform", li.RandomUniform),
]


@pytest.mark.parametrize(("name", "cls"), NAMES)
def test_get_by_name(name, cls):
    init = get(name)

    assert type(init) is cls
    assert init.get_config() == cls().get_config()


@pytest.mark.parametrize(
    "identifier",
    [
        {"class_name": "RandomNormal", "config": {"stddev": 2.0, "seed": 1}},
        {
            "module": "lazyinit.initializers",
            "class_name": "RandomNormal",
            "config": {"stddev": 2.0, "seed": 1},
            "registered_name": None,
        },
        {
            "module": "keras.initializers",
            "class_name": "random_normal",
            "config": {"mean": 0.0, "stddev": 2.0, "seed": 1, "dtype": "float32"},
        },
    ],
)
def test_get_by_config_dict(identifier):
    init = get(identifier)

    assert init.get_config() == {"mean": 0.0, "stddev": 2.0, "seed": 1}


def test_get_with_every_other_kind_of_identifier():
    def custom(shape, dtype=None):
        return li.ones(shape, dtype)

    instance = li.Ones()
    assert get(None) is None
    assert get(instance) is instance
    assert type(get(li.Ones)) is li.Ones
    assert type(get(li.initializers.zeros)) is li.Zeros
    assert get(custom) is custom
    assert get({"class_name": "Zeros"}).get_config() == {}


@pytest.mark.parametrize("identifier", [42, 1.5, [1, 2]])
def test_get_rejects_what_is_not_an_initializer(identifier):
    with pytest.raises(ValueError, match=r"could not interpret initializer identifier"):
        get(identifier)


@pytest.mark.parametrize(
    "identifier",
    [
        "typo",
        "ZEROS",
        "glorotUniform",
        "zeros_initializer",
        {"class_name": "Typo", "config": {}},
        {"module": "os", "class_name": "system", "config": {"command": "true"}},
    ],
)
def test_unknown_names_raise_listing_the_known_ones(identifier):
    with pytest.raises(ValueError, match=r"unknown initializer '\w+'; known names: .*"):
        get(identifier)
    with pytest.raises(ValueError, match=r"'RandomNormal', 'RandomUniform'"):
        deserialize(identifier)


def test_deserialize_rejects_a_dict_without_class_name():
    with pytest.raises(ValueError, match=r"needs a 'class_name' key"):
        deserialize({"config": {}})


def test_deserialize_rejects_other_kinds():
    with pytest.raises(TypeError, match=r"deserialize: expected a dict, a str or None"):
        deserialize(li.Zeros())


class Twos(li.Initializer):
    def __init__(self, scale=1):
        self.scale = scale

    def generate(self, shape, dtype):
        return li.full(shape, 2 * self.scale, dtype)

    def get_config(self):
        return {"scale": self.scale}


def twos(shape, dtype=None):
    return li.full(shape, 2, li.normalize_dtype(dtype))


def test_custom_objects_round_trip():
    payload = json.loads(json.dumps(serialize(Twos(scale=3))))

    assert payload["class_name"] == "Twos"
    assert payload["registered_name"] == "Twos"
    clone = deserialize(payload, custom_objects={"Twos": Twos})
    assert clone.get_config() == {"scale": 3}
    assert clone((2,)).fill_value == 6
    assert deserialize("Twos", custom_objects={"Twos": Twos}).scale == 1


def test_custom_function_round_trip():
    payload = json.loads(json.dumps(serialize(twos)))

    assert deserialize(payload, custom_objects={"twos": twos}) is twos
    assert deserialize("twos", custom_objects={"twos": twos}) is twos
    with pytest.raises(ValueError, match=r"unknown initializer 'twos'"):
        deserialize(payload)


def test_custom_objects_take_precedence_over_builtins():
    assert type(deserialize("zeros", custom_objects={"zeros": Twos})) is Twos


def test_serialize_rejects_lambdas_and_other_objects():
    with pytest.raises(TypeError, match=r"serialize: expected an Initializer"):
        serialize(lambda shape, dtype=None: li.zeros(shape))
    with pytest.raises(TypeError, match=r"serialize: expected an Initializer"):
        serialize(3)


# ---------------------------------------------------------------------------
# constructor arguments


@pytest.mark.parametrize(
    ("build", "error", "match"),
    [
        (
            lambda: li.RandomNormal(stddev=-1.0),
            ValueError,
            r"RandomNormal: stddev must be non-negative, received stddev=-1.0",
        ),
        (
            lambda: li.RandomNormal(mean=float("nan")),
            ValueError,
            r"RandomNormal: mean must be finite, received mean=nan",
        ),
        (
            lambda: li.RandomNormal(stddev="1"),
            TypeError,
            r"RandomNormal: stddev must be a real number, received '1'",
        ),
        (
            lambda: li.RandomUniform(minval=1.0, maxval=0.0),
            ValueError,
            r"RandomUniform: minval must not exceed maxval, received "
            r"minval=1.0, maxval=0.0",
        ),
        (
            lambda: li.RandomUniform(maxval=float("inf")),
            ValueError,
            r"RandomUniform: maxval must be finite, received maxval=inf",
        ),
        (
            lambda: li.RandomNormal(seed=-1),
            ValueError,
            r"RandomNormal: seed must be non-negative, received -1",
        ),
        (
            lambda: li.RandomUniform(seed=1.5),
            TypeError,
            r"RandomUniform: seed must be an int or None, received 1.5",
        ),
        (
            lambda: li.RandomUniform(seed=True),
            TypeError,
            r"RandomUniform: seed must be an int or None, received True",
        ),
    ],
)
def test_bad_constructor_arguments_raise_naming_them(build, error, match):
    with pytest.raises(error, match=match):
        build()


def test_numpy_scalars_become_python_numbers_in_configs():
    init = li.RandomNormal(np.float32(0.5), np.float64(2.0), np.int64(3))

    assert init.get_config() == {"mean": 0.5, "stddev": 2.0, "seed": 3}
    assert json.loads(json.dumps(init.get_config())) == init.get_config()


# ---------------------------------------------------------------------------
# seeds

SEEDED = [
    lambda seed: li.RandomNormal(seed=seed),
    lambda seed: li.RandomUniform(seed=seed),
]


@pytest.mark.parametrize("make", SEEDED)
def test_seeded_initializer_repeats_across_calls_and_instances(make):
    first, second = make(1337), make(1337)

    values = first((10, 10)).numpy().tobytes()

    assert first((10, 10)).numpy().tobytes() == values
    assert second((10, 10)).numpy().tobytes() == values
    assert make(1338)((10, 10)).numpy().tobytes() != values


@pytest.mark.parametrize("make", SEEDED)
def test_unseeded_initializer_draws_new_values_on_every_call(make):
    init = make(None)

    first, second = init((100,)), init((100,))

    assert first.numpy().tobytes() != second.numpy().tobytes()
    assert init.get_config()["seed"] is None


@pytest.mark.parametrize("make", SEEDED)
def test_evaluating_one_lazy_tensor_twice_gives_the_same_bytes(make):
    tensor = make(None)((100,))

    assert tensor.numpy().tobytes() == tensor.numpy().tobytes()
    assert np.asarray(tensor).tobytes() == li.evaluate(tensor).tobytes()


# ---------------------------------------------------------------------------
# distributions

SAMPLES = 10**6
TOLERANCE = 5  # standard errors


@pytest.mark.parametrize(("mean", "stddev"), [(0.0, 1.0), (1.0, 2.0), (-3.0, 0.05)])
def test_random_normal_statistics(mean, stddev):
    values = li.RandomNormal(mean, stddev, seed=153)((SAMPLES,), "float64").numpy()

    mean_error = stddev / math.sqrt(SAMPLES)
    std_error = stddev / math.sqrt(2 * SAMPLES)
    assert abs(values.mean() - mean) < TOLERANCE * mean_error
    assert abs(values.std() - stddev) < TOLERANCE * std_error


def test_random_normal_with_zero_stddev_is_the_mean():
    values = li.RandomNormal(mean=2.0, stddev=0.0, seed=1)((4,)).numpy()

    np.testing.assert_array_equal(values, np.full(4, 2.0, np.float32))


@pytest.mark.parametrize(("low", "high"), [(-1.0, 1.0), (0.0, 7.0), (-0.05, 0.05)])
def test_random_uniform_statistics_and_bounds(low, high):
    values = li.RandomUniform(low, high, seed=124)((SAMPLES,), "float64").numpy()

    width = high - low
    mean_error = width / math.sqrt(12 * SAMPLES)
    assert abs(values.mean() - (low + high) / 2) < TOLERANCE * mean_error
    assert values.min() >= low
    assert values.max() < high


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_random_uniform_upper_bound_is_excluded_after_rounding(dtype):
    values = li.RandomUniform(0.0, 1.0, seed=1)((SAMPLES,), dtype).numpy()

    assert values.max() < 1.0
    assert values.min() >= 0.0


@pytest.mark.parametrize(
    ("low", "high", "dtype"),
    [(0, 7, "int32"), (-128, 128, "int8"), (0, 256, "uint8"), (-3.0, 2.0, "int64")],
)
def test_random_uniform_integers_cover_the_half_open_range(low, high, dtype):
    values = li.RandomUniform(low, high, seed=1)((10**5,), dtype).numpy()

    assert values.dtype == np.dtype(dtype)
    counts = np.bincount(values.astype(np.int64) - int(low))
    assert len(counts) == high - low
    assert counts.min() > 0


@pytest.mark.parametrize(
    ("init", "dtype", "match"),
    [
        (
            li.RandomUniform(),
            "int32",
            r"RandomUniform: minval must be a whole number for integer dtype "
            r"int32, received minval=-0.05",
        ),
        (
            li.RandomUniform(3, 3),
            "int32",
            r"RandomUniform: integer draws need minval < maxval, received "
            r"minval=3, maxval=3",
        ),
        (
            li.RandomUniform(0, 300),
            "int8",
            r"RandomUniform: bounds \[0, 300\) do not fit dtype int8",
        ),
    ],
)
def test_random_uniform_integer_bounds_are_checked(init, dtype, match):
    with pytest.raises(ValueError, match=match):
        init((2,), dtype)
