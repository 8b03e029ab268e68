"""Model parameter sets and the GPT-2 forward graph (lazyinit.models)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import lazyinit as li
from lazyinit.graph import topological_order
from lazyinit.models import (
    ConfigError,
    build_parameters,
    bundled_configs,
    describe_initializer,
    gpt2_forward,
    load_config,
    parameter_bytes,
    parameter_count,
    parameter_seed,
)

TINY_GPT2 = {
    "model_type": "gpt2",
    "vocab_size": 50,
    "n_positions": 16,
    "n_embd": 32,
    "n_layer": 2,
    "n_head": 2,
    "layer_norm_epsilon": 1e-5,
    "initializer_range": 0.02,
}

TINY_LLAMA = {
    "model_type": "llama",
    "vocab_size": 50,
    "hidden_size": 16,
    "intermediate_size": 40,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
}


def _elements(params) -> int:
    return sum(math.prod(param.shape) for param in params.values())


# --- totals against the published counts -------------------------------------


def test_gpt2_small_has_the_published_parameter_count():
    params = build_parameters(load_config("gpt2"))

    # Published: GPT-2 small has 124,439,808 parameters (lm_head tied to wte).
    assert _elements(params) == 124_439_808
    vocab, positions, embd, layers = 50257, 1024, 768, 12
    per_layer = 12 * embd * embd + 13 * embd
    assert vocab * embd + positions * embd + layers * per_layer + 2 * embd == (
        124_439_808
    )
    assert parameter_count(params) == 124_439_808
    assert parameter_bytes(params) == 4 * 124_439_808
    assert len(params) == 2 + 12 * 12 + 2
    assert "lm_head.weight" not in params


def test_llama_2_7b_has_the_published_parameter_count():
    params = build_parameters(load_config("llama-2-7b"))

    # Published: Llama-2-7B has 6,738,415,616 parameters in 291 tensors.
    assert _elements(params) == 6_738_415_616
    assert parameter_count(params) == 6_738_415_616
    assert len(params) == 291
    assert params["lm_head.weight"].shape == (32000, 4096)


def test_llama_2_7b_allocates_nothing():
    params = build_parameters(load_config("llama-2-7b"))

    nodes = topological_order(param.tensor.node for param in params.values())
    assert len(nodes) == 291
    assert {node.op for node in nodes} == {"random_normal", "full"}
    assert all(not node.inputs for node in nodes)


# --- names, layouts, initializers -------------------------------------------------


def test_gpt2_names_and_conv1d_layout():
    params = build_parameters(load_config("gpt2"))

    names = list(params)
    assert names[:2] == ["transformer.wte.weight", "transformer.wpe.weight"]
    assert names[-2:] == ["transformer.ln_f.weight", "transformer.ln_f.bias"]
    assert params["transformer.h.0.attn.c_attn.weight"].shape == (768, 2304)
    assert params["transformer.h.11.mlp.c_fc.weight"].shape == (768, 3072)
    assert params["transformer.h.11.mlp.c_proj.weight"].shape == (3072, 768)
    assert params["transformer.h.5.attn.c_attn.bias"].shape == (2304,)


@pytest.mark.parametrize(
    ("name", "kind", "stddev"),
    [
        ("transformer.wte.weight", "RandomNormal", 0.02),
        ("transformer.wpe.weight", "RandomNormal", 0.02),
        ("transformer.h.3.attn.c_attn.weight", "RandomNormal", 0.02),
        ("transformer.h.3.mlp.c_fc.weight", "RandomNormal", 0.02),
        # Hugging Face scales the residual projections by 1 / sqrt(2 * n_layer).
        ("transformer.h.3.attn.c_proj.weight", "RandomNormal", 0.02 / 24**0.5),
        ("transformer.h.3.mlp.c_proj.weight", "RandomNormal", 0.02 / 24**0.5),
        ("transformer.h.3.attn.c_attn.bias", "Zeros", None),
        ("transformer.h.3.mlp.c_proj.bias", "Zeros", None),
        ("transformer.h.3.ln_1.weight", "Ones", None),
        ("transformer.h.3.ln_2.bias", "Zeros", None),
        ("transformer.ln_f.weight", "Ones", None),
    ],
)
def test_gpt2_initializers(name, kind, stddev):
    param = build_parameters(load_config("gpt2"), seed=3)[name]

    assert type(param.initializer).__name__ == kind
    assert param.dtype == np.float32
    if stddev is None:
        expected_value = 1.0 if kind == "Ones" else 0.0
        assert param.tensor.op == "full"
        assert param.tensor.fill_value == expected_value
    else:
        config = param.initializer.get_config()
        assert config["mean"] == 0.0
        assert config["stddev"] == pytest.approx(stddev)
        assert config["seed"] == parameter_seed(3, name)
        assert param.tensor.op == "random_normal"


def test_llama_names_layouts_and_initializers():
    params = build_parameters(TINY_LLAMA)

    assert list(params)[:10] == [
        "model.embed_tokens.weight",
        "model.layers.0.self_attn.q_proj.weight",
        "model.layers.0.self_attn.k_proj.weight",
        "model.layers.0.self_attn.v_proj.weight",
        "model.layers.0.self_attn.o_proj.weight",
        "model.layers.0.mlp.gate_proj.weight",
        "model.layers.0.mlp.up_proj.weight",
        "model.layers.0.mlp.down_proj.weight",
        "model.layers.0.input_layernorm.weight",
        "model.layers.0.post_attention_layernorm.weight",
    ]
    assert list(params)[-2:] == ["model.norm.weight", "lm_head.weight"]
    # nn.Linear stores (out, in); 2 key/value heads of dimension 16 / 4.
    assert params["model.layers.1.self_attn.k_proj.weight"].shape == (8, 16)
    assert params["model.layers.1.mlp.down_proj.weight"].shape == (16, 40)
    for name, param in params.items():
        expected = "Ones" if name.endswith("norm.weight") else "RandomNormal"
        assert type(param.initializer).__name__ == expected, name


def test_llama_optional_biases_and_tied_embeddings():
    config = {**TINY_LLAMA, "attention_bias": True, "tie_word_embeddings": True}
    params = build_parameters(config)

    assert params["model.layers.0.self_attn.k_proj.bias"].shape == (8,)
    assert type(
        params["model.layers.0.self_attn.o_proj.bias"].initializer
    ).__name__ == ("Zeros")
    assert "model.layers.0.mlp.up_proj.bias" not in params
    assert "lm_head.weight" not in params


def test_gpt2_untied_head_is_a_parameter():
    params = build_parameters({**TINY_GPT2, "tie_word_embeddings": False})

    assert params["lm_head.weight"].shape == (50, 32)


def test_describe_initializer_leaves_out_the_seed():
    params = build_parameters(TINY_GPT2)

    described = {describe_initializer(p.initializer) for p in params.values()}
    assert described == {
        "RandomNormal(mean=0, stddev=0.02)",
        # 0.02 / sqrt(2 * n_layer) for the residual projections.
        "RandomNormal(mean=0, stddev=0.01)",
        "Zeros()",
        "Ones()",
    }


# --- seeds ----------------------------------------------------------------------


def test_parameter_seed_is_stable_across_processes():
    # A fixed value: Python's hash() of a str would change between processes.
    assert parameter_seed(0, "transformer.wte.weight") == 617833797
    assert 0 <= parameter_seed(2**40, "x") < 2**31


def test_every_random_parameter_has_its_own_seed():
    params = build_parameters(load_config("llama-2-7b"), seed=5)

    seeds = [
        p.initializer.get_config()["seed"]
        for p in params.values()
        if p.tensor.op == "random_normal"
    ]
    # Embedding, 7 linear weights per layer, output head.
    assert len(seeds) == len(set(seeds)) == 1 + 32 * 7 + 1


def test_same_model_seed_same_values_other_seed_other_values():
    first = build_parameters(TINY_GPT2, seed=1)["transformer.wte.weight"]
    again = build_parameters(TINY_GPT2, seed=1)["transformer.wte.weight"]
    other = build_parameters(TINY_GPT2, seed=2)["transformer.wte.weight"]

    assert np.array_equal(li.evaluate(first.tensor), li.evaluate(again.tensor))
    assert not np.array_equal(li.evaluate(first.tensor), li.evaluate(other.tensor))


def test_random_parameters_have_the_configured_spread():
    config = {**TINY_GPT2, "vocab_size": 2000, "initializer_range": 0.05}
    values = li.evaluate(build_parameters(config)["transformer.wte.weight"].tensor)

    assert values.dtype == np.float32
    assert abs(float(values.mean())) < 0.002
    assert float(values.std()) == pytest.approx(0.05, rel=0.02)


def test_dtype_option():
    params = build_parameters(TINY_LLAMA, dtype="float16")

    assert {param.dtype for param in params.values()} == {np.dtype(np.float16)}


# --- the forward graph --------------------------------------------------------------


def _reference_gpt2(weights: dict[str, np.ndarray], config: dict, ids: np.ndarray):
    """GPT-2's forward pass written directly in NumPy, as Hugging Face does it."""
    embd, heads = config["n_embd"], config["n_head"]
    head_dim = embd // heads
    eps = config["layer_norm_epsilon"]
    batch, length = ids.shape

    def layer_norm(x, prefix):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        y = (x - mu) / np.sqrt(var + np.float32(eps))
        return y * weights[f"{prefix}.weight"] + weights[f"{prefix}.bias"]

    def conv1d(x, prefix):
        return x @ weights[f"{prefix}.weight"] + weights[f"{prefix}.bias"]

    def split(x):
        return x.reshape(batch, length, heads, head_dim).transpose(0, 2, 1, 3)

    causal = np.tril(np.ones((length, length), dtype=bool))
    h = (
        weights["transformer.wte.weight"][ids]
        + weights["transformer.wpe.weight"][:length]
    )
    for layer in range(config["n_layer"]):
        prefix = f"transformer.h.{layer}"
        qkv = conv1d(layer_norm(h, f"{prefix}.ln_1"), f"{prefix}.attn.c_attn")
        q, k, v = (split(part) for part in np.split(qkv, 3, axis=-1))
        scores = q @ k.swapaxes(-1, -2) / np.float32(np.sqrt(head_dim))
        scores = np.where(causal, scores, np.finfo(np.float32).min)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        probabilities = scores / scores.sum(-1, keepdims=True)
        attended = (probabilities @ v).transpose(0, 2, 1, 3).reshape(h.shape)
        h = h + conv1d(attended, f"{prefix}.attn.c_proj")
        x = conv1d(layer_norm(h, f"{prefix}.ln_2"), f"{prefix}.mlp.c_fc")
        c = np.float32(np.sqrt(2 / np.pi))
        gelu = (
            np.float32(0.5) * x * (1 + np.tanh(c * (x + np.float32(0.044715) * x**3)))
        )
        h = h + conv1d(gelu, f"{prefix}.mlp.c_proj")
    h = layer_norm(h, "transformer.ln_f")
    head = weights.get("lm_head.weight", weights["transformer.wte.weight"])
    return h @ head.T


def _token_ids(config, shape=(2, 8), seed=0):
    return np.random.default_rng(seed).integers(0, config["vocab_size"], shape)


@pytest.mark.parametrize("tied", [True, False])
def test_gpt2_forward_matches_numpy_with_and_without_folding(tied):
    config = {**TINY_GPT2, "tie_word_embeddings": tied}
    params = build_parameters(config, seed=7)
    ids = _token_ids(config)

    logits = gpt2_forward(params, config, ids)
    folded = li.evaluate(logits)
    unfolded = li.evaluate(logits, simplify=False)
    weights = {name: li.evaluate(p.tensor) for name, p in params.items()}
    expected = _reference_gpt2(weights, config, ids)

    assert logits.shape == (2, 8, 50)
    assert folded.dtype == unfolded.dtype == np.float32
    assert np.array_equal(folded, unfolded)
    np.testing.assert_allclose(folded, expected, rtol=1e-5, atol=1e-6)


def test_gpt2_forward_uses_every_bias_and_scale():
    # Random biases and LayerNorm parameters, so that dropping any of them
    # (which a zero or one fill would hide) changes the logits.
    params = build_parameters(TINY_GPT2, seed=1)
    tensors = {
        name: li.random_normal(p.shape, 0.0, 0.5, seed=i)
        for i, (name, p) in enumerate(params.items())
    }
    ids = _token_ids(TINY_GPT2, shape=(1, 5), seed=3)

    logits = li.evaluate(gpt2_forward(tensors, TINY_GPT2, ids))
    weights = {name: li.evaluate(t) for name, t in tensors.items()}

    np.testing.assert_allclose(
        logits, _reference_gpt2(weights, TINY_GPT2, ids), rtol=1e-5, atol=1e-5
    )


def test_gpt2_forward_folds_zero_biases_and_unit_scales():
    params = build_parameters(TINY_GPT2)
    logits = gpt2_forward(params, TINY_GPT2, _token_ids(TINY_GPT2))

    folded, report = li.simplify(logits, report=True)

    layers = TINY_GPT2["n_layer"]
    # Per block: ln_1, c_attn, attn c_proj, ln_2, c_fc, mlp c_proj; then ln_f.
    assert report.fired["add_zero"] == 6 * layers + 1
    assert report.fired["multiply_one"] == 2 * layers + 1
    assert report.nodes_after < report.nodes_before
    assert folded.node_count() == report.nodes_after


def test_gpt2_forward_accepts_a_full_context():
    ids = _token_ids(TINY_GPT2, shape=(1, 16))

    assert gpt2_forward(build_parameters(TINY_GPT2), TINY_GPT2, ids).shape == (
        1,
        16,
        50,
    )


@pytest.mark.parametrize(
    ("shape", "match"),
    [((1, 17), r"length <= n_positions \(16\)"), ((8,), r"received shape \(8,\)")],
)
def test_gpt2_forward_rejects_bad_token_batches(shape, match):
    params = build_parameters(TINY_GPT2)

    with pytest.raises(ValueError, match=match):
        gpt2_forward(params, TINY_GPT2, np.zeros(shape, dtype=np.int64))


# --- configs and their errors ------------------------------------------------


def test_bundled_configs():
    assert bundled_configs() == ["gpt2", "llama-2-7b"]
    gpt2 = load_config("gpt2")
    llama = load_config("llama-2-7b")

    assert (gpt2["n_embd"], gpt2["n_layer"], gpt2["n_head"]) == (768, 12, 12)
    assert gpt2["vocab_size"] == 50257 and gpt2["n_positions"] == 1024
    assert llama["hidden_size"] == 4096 and llama["intermediate_size"] == 11008
    assert llama["num_key_value_heads"] == 32
    assert llama["tie_word_embeddings"] is False


def test_load_config_from_a_file_and_a_folder(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps(TINY_LLAMA))

    assert load_config(tmp_path / "config.json") == TINY_LLAMA
    assert load_config(str(tmp_path)) == TINY_LLAMA


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("{not json", "is not valid JSON"),
        ("[1, 2]", "must hold a JSON object, found list"),
    ],
)
def test_load_config_rejects_bad_files(tmp_path, text, match):
    path = tmp_path / "config.json"
    path.write_text(text)

    with pytest.raises(ConfigError, match=match):
        load_config(path)


def test_load_config_names_a_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"cannot read config .*No such file"):
        load_config(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({"vocab_size": 5}, r"config has no 'model_type'"),
        ({"model_type": "bert"}, r"unsupported model_type 'bert'; .*'gpt2', 'llama'"),
        ({**TINY_GPT2, "n_head": None}, r"gpt2 config is missing key 'n_head'"),
        (
            {"model_type": "llama", "vocab_size": 5},
            r"llama config is missing keys 'hidden_size', 'intermediate_size'",
        ),
        ({**TINY_GPT2, "n_embd": 32.0}, r"'n_embd' must be a positive integer"),
        ({**TINY_GPT2, "n_layer": -1}, r"'n_layer' must be a positive integer"),
        ({**TINY_GPT2, "n_head": 3}, r"n_embd \(32\) must be a multiple of n_head"),
        ({**TINY_GPT2, "initializer_range": "x"}, r"must be a number, found 'x'"),
        ({**TINY_LLAMA, "num_key_value_heads": 3}, r"multiple of num_key_value"),
    ],
)
def test_bad_configs_raise_config_errors(config, match):
    with pytest.raises(ConfigError, match=match):
        build_parameters(config)


def test_config_error_is_a_value_error():
    assert issubclass(ConfigError, ValueError)
    assert issubclass(ConfigError, li.LazyInitError)
