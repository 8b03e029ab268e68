"""The whole initializer family against TensorFlow 2 / Keras.

Names, default configs, argument checks and partitions come from
reference/tf-initializers.md (sections 1-3 and 5); distributions are checked
with fixed seeds on large draws, with tolerances of five standard errors.
"""

import json
import math
import re

import ml_dtypes
import numpy as np
import pytest

import lazyinit as li
from lazyinit.initializers import deserialize, get, serialize
from lazyinit.initializers.variance_scaling import compute_fans

BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
FLOATS = ["float16", "float32", "float64", BFLOAT16]
TRUNCATED_STD = 0.87962566103423978

# (class, TensorFlow 2 default config)
DEFAULTS = [
    (li.Zeros, {}),
    (li.Ones, {}),
    (li.Constant, {"value": 0}),
    (li.RandomUniform, {"minval": -0.05, "maxval": 0.05, "seed": None}),
    (li.RandomNormal, {"mean": 0.0, "stddev": 0.05, "seed": None}),
    (li.TruncatedNormal, {"mean": 0.0, "stddev": 0.05, "seed": None}),
    (
        li.VarianceScaling,
        {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"}
        | {"seed": None},
    ),
    (li.GlorotUniform, {"seed": None}),
    (li.GlorotNormal, {"seed": None}),
    (li.HeUniform, {"seed": None}),
    (li.HeNormal, {"seed": None}),
    (li.LecunUniform, {"seed": None}),
    (li.LecunNormal, {"seed": None}),
    (li.Orthogonal, {"gain": 1.0, "seed": None}),
    (li.Identity, {"gain": 1.0}),
]
CLASSES = [cls for cls, _ in DEFAULTS]
RANDOM = [
    li.RandomUniform,
    li.RandomNormal,
    li.TruncatedNormal,
    li.VarianceScaling,
    li.GlorotUniform,
    li.GlorotNormal,
    li.HeUniform,
    li.HeNormal,
    li.LecunUniform,
    li.LecunNormal,
    li.Orthogonal,
]
SLICEABLE = [cls for cls in RANDOM if cls is not li.Orthogonal]
FLOAT_ONLY = [cls for cls in RANDOM if cls is not li.RandomUniform] + [li.Identity]

# Every name a user may write: (where, name, class).
NAMES = [
    *((li.initializers, cls.__name__, cls) for cls in CLASSES),
    *(
        (li, f"{name}_initializer", cls)
        for name, cls in [
            ("zeros", li.Zeros),
            ("ones", li.Ones),
            ("constant", li.Constant),
            ("random_uniform", li.RandomUniform),
            ("random_normal", li.RandomNormal),
            ("truncated_normal", li.TruncatedNormal),
            ("variance_scaling", li.VarianceScaling),
            ("glorot_uniform", li.GlorotUniform),
            ("glorot_normal", li.GlorotNormal),
            ("orthogonal", li.Orthogonal),
            ("identity", li.Identity),
        ]
    ),
    *(
        (li.initializers, name, cls)
        for name, cls in [
            ("zeros", li.Zeros),
            ("ones", li.Ones),
            ("constant", li.Constant),
            ("random_uniform", li.RandomUniform),
            ("random_normal", li.RandomNormal),
            ("truncated_normal", li.TruncatedNormal),
            ("variance_scaling", li.VarianceScaling),
            ("glorot_uniform", li.GlorotUniform),
            ("glorot_normal", li.GlorotNormal),
            ("he_uniform", li.HeUniform),
            ("he_normal", li.HeNormal),
            ("lecun_uniform", li.LecunUniform),
            ("lecun_normal", li.LecunNormal),
            ("orthogonal", li.Orthogonal),
            ("identity", li.Identity),
            ("OrthogonalInitializer", li.Orthogonal),
            ("IdentityInitializer", li.Identity),
        ]
    ),
]
# Names that only ``get``/``deserialize`` know.
LOOKUP_ONLY = [
    ("normal", li.RandomNormal),
    ("uniform", li.RandomUniform),
    ("one", li.Ones),
    ("zero", li.Zeros),
    ("GlorotUniformV2", li.GlorotUniform),
    ("he_normalV2", li.HeNormal),
    ("VarianceScalingV2", li.VarianceScaling),
]


def _id(value):
    return getattr(value, "__name__", str(value))


# ---------------------------------------------------------------------------
# names and configs


@pytest.mark.parametrize(("where", "name", "cls"), NAMES, ids=lambda v: _id(v))
def test_every_name_is_the_class_and_resolves(where, name, cls):
    assert getattr(where, name) is cls
    # TensorFlow's factories are Python names only; Keras configs never
    # hold them, so lookups by name do not know them either.
    if not name.endswith("_initializer"):
        assert type(get(name)) is cls


@pytest.mark.parametrize(("name", "cls"), LOOKUP_ONLY)
def test_short_and_legacy_names_resolve(name, cls):
    assert type(get(name)) is cls
    assert type(deserialize({"class_name": name, "config": {}})) is cls


@pytest.mark.parametrize(("cls", "expected"), DEFAULTS, ids=_id)
def test_default_config_equals_tensorflow(cls, expected):
    assert cls().get_config() == expected


@pytest.mark.parametrize(("cls", "_"), DEFAULTS, ids=_id)
def test_config_and_json_round_trips(cls, _):
    init = _configured(cls)

    rebuilt = cls.from_config(init.get_config())
    text = json.dumps(serialize(init))
    loaded = deserialize(json.loads(text))

    assert type(rebuilt) is cls and rebuilt.get_config() == init.get_config()
    assert type(loaded) is cls and loaded.get_config() == init.get_config()
    assert get(json.loads(text)).get_config() == init.get_config()


def _configured(cls):
    """An instance with every argument away from its default."""
    arguments = {
        li.Constant: {"value": [1.5, 2.5]},
        li.RandomUniform: {"minval": -2.0, "maxval": 3.0, "seed": 4},
        li.RandomNormal: {"mean": 1.0, "stddev": 3.0, "seed": 4},
        li.TruncatedNormal: {"mean": 1.0, "stddev": 3.0, "seed": 4},
        li.VarianceScaling: {
            "scale": 2.5,
            "mode": "fan_avg",
            "distribution": "uniform",
            "seed": 4,
        },
        li.Orthogonal: {"gain": 0.5, "seed": 4},
        li.Identity: {"gain": 0.5},
    }.get(cls, {"seed": 4} if cls in RANDOM else {})
    return cls(**arguments)


@pytest.mark.parametrize(
    ("cls", "expected"),
    [
        (li.GlorotUniform, (1.0, "fan_avg", "uniform")),
        (li.GlorotNormal, (1.0, "fan_avg", "truncated_normal")),
        (li.HeUniform, (2.0, "fan_in", "uniform")),
        (li.HeNormal, (2.0, "fan_in", "truncated_normal")),
        (li.LecunUniform, (1.0, "fan_in", "uniform")),
        (li.LecunNormal, (1.0, "fan_in", "truncated_normal")),
    ],
    ids=_id,
)
def test_presets_are_variance_scalings(cls, expected):
    init = cls(seed=3)

    assert isinstance(init, li.VarianceScaling)
    assert (init.scale, init.mode, init.distribution) == expected
    assert repr(init) == f"{cls.__name__}(seed=3)"


def test_variance_scaling_reads_normal_as_truncated_normal():
    config = {"distribution": "normal", "mode": "fan_avg", "scale": 1.0, "seed": None}

    init = deserialize({"class_name": "VarianceScaling", "config": config})

    assert init.distribution == "truncated_normal"
    assert li.VarianceScaling(distribution="Uniform").distribution == "uniform"


@pytest.mark.parametrize(
    ("build", "error", "match"),
    [
        (lambda: li.VarianceScaling(scale=0.0), ValueError, r"scale must be a posi"),
        (lambda: li.VarianceScaling(scale=-1), ValueError, r"received scale=-1"),
        (lambda: li.VarianceScaling(mode="fan_max"), ValueError, r"mode=.fan_max."),
        (
            lambda: li.VarianceScaling(distribution="gamma"),
            ValueError,
            r"distribution must be one of .* received distribution='gamma'",
        ),
        (lambda: li.VarianceScaling(distribution=1), TypeError, r"distribution"),
        (lambda: li.VarianceScaling(scale="2"), TypeError, r"scale must be a real"),
        (lambda: li.TruncatedNormal(stddev=-0.1), ValueError, r"stddev=-0.1"),
        (lambda: li.TruncatedNormal(mean=math.inf), ValueError, r"mean must be fin"),
        (lambda: li.GlorotUniform(seed=-1), ValueError, r"GlorotUniform: seed"),
        (lambda: li.HeNormal(seed=1.5), TypeError, r"HeNormal: seed"),
        (lambda: li.Orthogonal(gain="x"), TypeError, r"gain must be a real"),
        (lambda: li.Identity(gain=math.nan), ValueError, r"gain must be finite"),
    ],
)
def test_bad_constructor_arguments_raise_naming_them(build, error, match):
    with pytest.raises(error, match=match):
        build()


# ---------------------------------------------------------------------------
# dtypes


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("cls", [*RANDOM, li.Identity], ids=_id)
def test_floating_dtypes_are_accepted(cls, dtype):
    values = cls()((6, 4), dtype).numpy()

    assert values.dtype == np.dtype(dtype)
    assert np.isfinite(values.astype(np.float64)).all()


@pytest.mark.parametrize("dtype", ["int32", "uint8", "bool", "complex64", str])
@pytest.mark.parametrize("cls", FLOAT_ONLY, ids=_id)
def test_float_only_initializers_reject_other_dtypes(cls, dtype):
    pattern = rf"{cls.__name__}: dtype expected to be floating point"
    with pytest.raises(ValueError, match=pattern):
        cls()((3, 3), dtype)


@pytest.mark.parametrize("dtype", ["int8", "int32", "uint16", "int64"])
def test_random_uniform_accepts_integers(dtype):
    values = li.RandomUniform(-3 if dtype[0] == "i" else 0, 5, seed=1)((1000,), dtype)

    assert values.numpy().dtype == np.dtype(dtype)


# ---------------------------------------------------------------------------
# seeds


@pytest.mark.parametrize("cls", RANDOM, ids=_id)
def test_seeded_calls_repeat_and_unseeded_calls_differ(cls):
    shape = (20, 10)

    seeded = [cls(seed=42)(shape).numpy().tobytes() for _ in range(2)]
    unseeded_init = cls()
    unseeded = [unseeded_init(shape).numpy().tobytes() for _ in range(2)]
    tensor = unseeded_init(shape)

    assert seeded[0] == seeded[1]
    assert unseeded[0] != unseeded[1]
    assert tensor.numpy().tobytes() == tensor.numpy().tobytes()
    assert cls(seed=1)(shape).numpy().tobytes() != cls(seed=2)(shape).numpy().tobytes()


# ---------------------------------------------------------------------------
# partitions


@pytest.mark.parametrize("cls", [li.Zeros, li.Ones, *SLICEABLE], ids=_id)
@pytest.mark.parametrize(
    ("partition_shape", "partition_offset"),
    [((2, 2), (0, 0)), ((2, 2), (2, 0)), ((1, 1), (3, 1)), ((3, 1), (1, 1))],
)
def test_partition_equals_the_slice_of_the_whole(
    cls, partition_shape, partition_offset
):
    init = cls(seed=5) if cls in RANDOM else cls()
    whole = init((4, 2)).numpy()

    piece = init(
        (4, 2), partition_shape=partition_shape, partition_offset=partition_offset
    )

    index = tuple(
        slice(o, o + p) for o, p in zip(partition_offset, partition_shape, strict=True)
    )
    assert piece.shape == partition_shape
    assert piece.numpy().tobytes() == whole[index].tobytes()


def test_variance_scaling_partition_uses_the_full_shape_for_fans():
    init = li.VarianceScaling(distribution="untruncated_normal", seed=1)

    piece = init((1000, 100), partition_shape=(100, 100), partition_offset=(300, 0))

    values = piece.numpy().astype(np.float64)
    assert abs(values.var() - 1 / 1000) < 5 * (1 / 1000) * math.sqrt(2 / values.size)


@pytest.mark.parametrize("cls", [li.Orthogonal, li.Identity], ids=_id)
def test_matrix_initializers_reject_partitions(cls):
    pattern = f"{cls.__name__} initializer doesn't support partition-related arguments"
    with pytest.raises(ValueError, match=pattern):
        cls()((4, 2), partition_shape=(2, 2), partition_offset=(0, 0))


# ---------------------------------------------------------------------------
# statistics (five standard errors of the sample size)

SAMPLES = 400_000


def _within(statistic, target, spread, count):
    return abs(statistic - target) < 5 * spread / math.sqrt(count)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_random_normal_statistics(dtype):
    values = li.RandomNormal(1.0, 2.0, seed=153)((SAMPLES,), dtype).numpy()

    values = values.astype(np.float64)
    assert _within(values.mean(), 1.0, 2.0, SAMPLES)
    assert _within(values.std(), 2.0, 2.0 / math.sqrt(2), SAMPLES)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", BFLOAT16])
def test_truncated_normal_statistics_and_bounds(dtype):
    values = li.TruncatedNormal(1.0, 2.0, seed=126)((SAMPLES,), dtype).numpy()

    values = values.astype(np.float64)
    assert values.min() >= 1.0 - 4.0 and values.max() <= 1.0 + 4.0
    assert _within(values.mean(), 1.0, 2.0, SAMPLES)
    if dtype in ("float32", "float64"):
        assert _within(values.std(), 2.0 * TRUNCATED_STD, 2.0, SAMPLES)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", BFLOAT16])
def test_random_uniform_statistics_and_bounds(dtype):
    values = li.RandomUniform(-1.0, 3.0, seed=124)((SAMPLES,), dtype).numpy()

    values = values.astype(np.float64)
    assert values.min() >= -1.0 and values.max() < 3.0
    assert _within(values.mean(), 1.0, 4.0 / math.sqrt(12), SAMPLES)


FAN_SHAPES = {
    "2-D": ((300, 500), 300, 500),
    "4-D": ((3, 3, 64, 96), 576, 864),
}


@pytest.mark.parametrize("shape_name", FAN_SHAPES)
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize(
    "distribution", ["truncated_normal", "untruncated_normal", "uniform"]
)
def test_variance_scaling_standard_deviation(shape_name, mode, distribution):
    shape, fan_in, fan_out = FAN_SHAPES[shape_name]
    fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}
    init = li.VarianceScaling(1.7, mode, distribution, seed=11)

    values = init(shape).numpy().astype(np.float64)

    std = math.sqrt(1.7 / fan[mode])
    assert _within(values.mean(), 0.0, std, values.size)
    assert _within(values.std(), std, std, values.size)
    bound = {"uniform": math.sqrt(3), "truncated_normal": 2 / TRUNCATED_STD}
    if distribution in bound:
        assert np.abs(values).max() <= bound[distribution] * std


@pytest.mark.parametrize(
    ("cls", "variance"),
    [
        (li.GlorotUniform, 2 / (576 + 1152)),
        (li.GlorotNormal, 2 / (576 + 1152)),
        (li.HeUniform, 2 / 576),
        (li.HeNormal, 2 / 576),
        (li.LecunUniform, 1 / 576),
        (li.LecunNormal, 1 / 576),
    ],
    ids=_id,
)
def test_preset_standard_deviations(cls, variance):
    values = cls(seed=123)((3, 3, 64, 128)).numpy().astype(np.float64)

    std = math.sqrt(variance)
    assert _within(values.mean(), 0.0, std, values.size)
    assert _within(values.std(), std, std, values.size)


@pytest.mark.parametrize(
    ("shape", "fans"),
    [
        ((), (1, 1)),
        ((7,), (7, 7)),
        ((3, 5), (3, 5)),
        ((4, 3, 5), (12, 20)),
        ((5, 6, 4, 2), (120, 60)),
        ((2, 3, 4, 5, 6), (120, 144)),
        ((0, 5), (0, 5)),
        ((3, 0, 4, 5), (0, 0)),
    ],
)
def test_fans_as_tensorflow_computes_them(shape, fans):
    assert compute_fans(shape) == fans


@pytest.mark.parametrize("shape", [(0, 5), (0, 0), (3, 0, 4, 5), (), (0,)])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
def test_zero_size_dimensions_never_divide_by_zero(shape, mode):
    values = li.VarianceScaling(mode=mode, seed=1)(shape).numpy()

    assert values.shape == shape
    assert np.isfinite(values).all()


# ---------------------------------------------------------------------------
# Orthogonal and Identity


def _as_matrix(values, shape):
    return values.astype(np.float64).reshape(math.prod(shape[:-1]), shape[-1])


@pytest.mark.parametrize(
    "shape", [(10, 10), (50, 40), (40, 50), (10, 9, 8), (100, 5, 5), (3, 3, 16, 8)]
)
@pytest.mark.parametrize("gain", [1.0, 2.3])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_orthogonal_rows_or_columns(shape, gain, dtype):
    values = li.Orthogonal(gain, seed=123)(shape, dtype).numpy()

    assert values.shape == shape and values.dtype == np.dtype(dtype)
    q = _as_matrix(values, shape)
    gram = q.T @ q if q.shape[0] >= q.shape[1] else q @ q.T
    tolerance = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(gram, gain**2 * np.eye(len(gram)), atol=tolerance)


@pytest.mark.parametrize("dtype", ["float16", BFLOAT16])
def test_orthogonal_in_narrow_dtypes(dtype):
    values = li.Orthogonal(seed=1)((30, 20), dtype).numpy()

    q = _as_matrix(values, (30, 20))
    np.testing.assert_allclose(q.T @ q, np.eye(20), atol=0.05)


def test_orthogonal_slices_are_correct():
    t = li.Orthogonal(seed=3)((12, 8))

    assert li.evaluate(t[2:5, ::-2]).tobytes() == t.numpy()[2:5, ::-2].tobytes()


def test_orthogonal_needs_two_dimensions_and_allows_empty_ones():
    with pytest.raises(ValueError, match=r"Orthogonal: shape must have at least 2"):
        li.Orthogonal()((5,))

    assert li.Orthogonal(seed=1)((0, 4)).numpy().shape == (0, 4)


@pytest.mark.parametrize("shape", [(10, 5), (5, 10), (4, 4), (1, 3), (0, 2)])
@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_identity_is_gain_times_eye(shape, dtype):
    values = li.Identity(gain=0.9)(shape, dtype).numpy()

    expected = (0.9 * np.eye(*shape)).astype(dtype)
    assert values.dtype == np.dtype(dtype)
    assert values.tobytes() == expected.tobytes()


@pytest.mark.parametrize("shape", [(3, 4, 5), (5,), (), (5, 7, 7)])
def test_identity_needs_exactly_two_dimensions(shape):
    pattern = rf"Identity: .* received shape {re.escape(str(shape))}"
    with pytest.raises(ValueError, match=pattern):
        li.Identity()(shape)


def test_identity_is_an_eye_node_not_a_constant():
    t = li.Identity()((4096, 4096))

    assert t.op == "eye"
    assert t.node.inputs == ()


# ---------------------------------------------------------------------------
# what folding knows


@pytest.mark.parametrize(
    "init",
    [
        li.GlorotUniform(seed=1),
        li.HeNormal(seed=1),
        li.TruncatedNormal(seed=1),
        li.RandomNormal(seed=1),
        li.Orthogonal(seed=1),
        li.Identity(),
    ],
    ids=repr,
)
def test_zeros_times_a_finite_initializer_folds(init):
    product = li.zeros((4, 4)) * init((4, 4))

    assert li.simplify(product).op == "full"


def test_a_draw_that_may_overflow_is_not_folded_away():
    wide = li.RandomNormal(stddev=1e38, seed=1)((4, 4), "float32")
    narrow = li.RandomUniform(-1e5, 1e5, seed=1)((4, 4), "float16")

    assert li.simplify(li.zeros((4, 4)) * wide).op != "full"
    assert li.simplify(li.zeros((4, 4), "float16") * narrow).op != "full"
