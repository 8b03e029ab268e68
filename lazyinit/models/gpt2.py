"""GPT-2: its parameters as Hugging Face names them, and a forward graph.

The parameters follow ``GPT2LMHeadModel``: Conv1D weights are stored
``(in, out)``, so a layer computes ``x @ weight + bias``; the output
projection is tied to the token embedding unless the config says otherwise.
Initializers follow the Hugging Face implementation: weights and embeddings
from N(0, initializer_range**2), the two residual projections (``c_proj``)
scaled down by ``sqrt(2 * n_layer)`` as in the GPT-2 paper, zero biases and
LayerNorm scales of one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from lazyinit.errors import LazyValueError
from lazyinit.models.config import (
    ConfigError,
    check_config,
    config_float,
    config_int,
)
from lazyinit.models.parameters import Parameter, ParameterBuilder
from lazyinit.ops import elementwise, movement
from lazyinit.ops.creation import asarray
from lazyinit.tensor import LazyTensor

__all__ = ["gpt2_forward", "gpt2_parameters"]

REQUIRED_KEYS = ("vocab_size", "n_positions", "n_embd", "n_layer", "n_head")


def _dimensions(config: Mapping[str, Any]) -> dict[str, Any]:
    """The checked sizes and constants of a GPT-2 config."""
    check_config(config, REQUIRED_KEYS)
    dims: dict[str, Any] = {key: config_int(config, key) for key in REQUIRED_KEYS}
    dims["n_inner"] = config_int(config, "n_inner", 4 * dims["n_embd"])
    dims["initializer_range"] = config_float(config, "initializer_range", 0.02)
    dims["layer_norm_epsilon"] = config_float(config, "layer_norm_epsilon", 1e-5)
    dims["tie_word_embeddings"] = bool(config.get("tie_word_embeddings", True))
    if dims["n_embd"] % dims["n_head"]:
        raise ConfigError(
            f"gpt2 config: n_embd ({dims['n_embd']}) must be a multiple of "
            f"n_head ({dims['n_head']})"
        )
    return dims


def gpt2_parameters(
    config: Mapping[str, Any], *, seed: int = 0, dtype: Any = "float32"
) -> dict[str, Parameter]:
    """The parameters of a GPT-2 language model, lazily initialized.

    Parameters
    ----------
    config : mapping
        A Hugging Face GPT-2 config: ``vocab_size``, ``n_positions``,
        ``n_embd``, ``n_layer`` and ``n_head`` are required; ``n_inner``,
        ``initializer_range``, ``layer_norm_epsilon`` and
        ``tie_word_embeddings`` default as in Hugging Face.
    seed : int, default 0
        The model seed; each random parameter's seed derives from it and the
        parameter's name.
    dtype : dtype-like, default float32

    Returns
    -------
    dict of str to Parameter
        In the order of the Hugging Face state dict, without the tied
        ``lm_head.weight``.

    Raises
    ------
    ConfigError
        If a required key is missing or a size is not a positive integer.

    Examples
    --------
    >>> from lazyinit.models import gpt2_parameters
    >>> tiny = {"vocab_size": 10, "n_positions": 4, "n_embd": 4, "n_layer": 1,
    ...         "n_head": 2}
    >>> params = gpt2_parameters(tiny)
    >>> params["transformer.h.0.attn.c_attn.weight"].shape
    (4, 12)
    >>> params["transformer.h.0.mlp.c_proj.weight"].initializer.get_config()
    {'mean': 0.0, 'stddev': 0.01414..., 'seed': ...}
    """
    dims = _dimensions(config)
    embd, inner, std = dims["n_embd"], dims["n_inner"], dims["initializer_range"]
    residual_std = std / math.sqrt(2 * dims["n_layer"])
    build = ParameterBuilder(seed, dtype)

    build.normal("transformer.wte.weight", (dims["vocab_size"], embd), std)
    build.normal("transformer.wpe.weight", (dims["n_positions"], embd), std)
    for layer in range(dims["n_layer"]):
        prefix = f"transformer.h.{layer}"
        build.ones(f"{prefix}.ln_1.weight", (embd,))
        build.zeros(f"{prefix}.ln_1.bias", (embd,))
        build.normal(f"{prefix}.attn.c_attn.weight", (embd, 3 * embd), std)
        build.zeros(f"{prefix}.attn.c_attn.bias", (3 * embd,))
        build.normal(f"{prefix}.attn.c_proj.weight", (embd, embd), residual_std)
        build.zeros(f"{prefix}.attn.c_proj.bias", (embd,))
        build.ones(f"{prefix}.ln_2.weight", (embd,))
        build.zeros(f"{prefix}.ln_2.bias", (embd,))
        build.normal(f"{prefix}.mlp.c_fc.weight", (embd, inner), std)
        build.zeros(f"{prefix}.mlp.c_fc.bias", (inner,))
        build.normal(f"{prefix}.mlp.c_proj.weight", (inner, embd), residual_std)
        build.zeros(f"{prefix}.mlp.c_proj.bias", (embd,))
    build.ones("transformer.ln_f.weight", (embd,))
    build.zeros("transformer.ln_f.bias", (embd,))
    if not dims["tie_word_embeddings"]:
        build.normal("lm_head.weight", (dims["vocab_size"], embd), std)
    return build.params


def gpt2_forward(
    params: Mapping[str, Parameter | LazyTensor],
    config: Mapping[str, Any],
    token_ids: Any,
) -> LazyTensor:
    """The lazy graph of GPT-2's logits for a batch of token ids.

    Inference mode (no dropout), float arithmetic in the parameters' dtype,
    the tanh approximation of GELU (``gelu_new``) and a causal mask, as in
    Hugging Face's ``GPT2LMHeadModel``.

    Parameters
    ----------
    params : mapping of str to Parameter or LazyTensor
        As :func:`gpt2_parameters` returns them.
    config : mapping
        The config the parameters were built from.
    token_ids : array_like of int or LazyTensor, shape (batch, length)
        ``length`` at most ``n_positions``.

    Returns
    -------
    LazyTensor
        Logits of shape ``(batch, length, vocab_size)``.

    Raises
    ------
    ValueError
        If ``token_ids`` is not 2-d or longer than ``n_positions``.

    Examples
    --------
    >>> import numpy as np, lazyinit as li
    >>> from lazyinit.models import gpt2_forward, gpt2_parameters
    >>> tiny = {"vocab_size": 10, "n_positions": 4, "n_embd": 4, "n_layer": 1,
    ...         "n_head": 2}
    >>> params = gpt2_parameters(tiny, seed=1)
    >>> logits = gpt2_forward(params, tiny, np.array([[1, 2, 3]]))
    >>> logits.shape, logits.dtype
    ((1, 3, 10), dtype('float32'))
    >>> bool(np.isfinite(li.evaluate(logits)).all())
    True
    """
    dims = _dimensions(config)
    weights = {name: _tensor(value) for name, value in params.items()}
    ids = asarray(token_ids)
    if ids.ndim != 2 or ids.shape[1] > dims["n_positions"]:
        raise LazyValueError(
            f"gpt2_forward: token_ids must have shape (batch, length) with length "
            f"<= n_positions ({dims['n_positions']}), received shape {ids.shape}"
        )

    wte = weights["transformer.wte.weight"]
    positions = weights["transformer.wpe.weight"][: ids.shape[1]]
    h = movement.take(wte, ids, axis=0) + positions
    for layer in range(dims["n_layer"]):
        h = _block(weights, f"transformer.h.{layer}", h, dims)
    h = _layer_norm(weights, "transformer.ln_f", h, dims["layer_norm_epsilon"])
    head = weights.get("lm_head.weight", wte)
    return h @ head.T


def _tensor(value: Parameter | LazyTensor) -> LazyTensor:
    return value.tensor if isinstance(value, Parameter) else value


def _block(
    weights: Mapping[str, LazyTensor], prefix: str, h: LazyTensor, dims: dict
) -> LazyTensor:
    """One pre-LayerNorm transformer block with its two residual adds."""
    eps = dims["layer_norm_epsilon"]
    normed = _layer_norm(weights, f"{prefix}.ln_1", h, eps)
    h = h + _attention(weights, f"{prefix}.attn", normed, dims)
    normed = _layer_norm(weights, f"{prefix}.ln_2", h, eps)
    hidden = _gelu(_linear(weights, f"{prefix}.mlp.c_fc", normed))
    return h + _linear(weights, f"{prefix}.mlp.c_proj", hidden)


def _linear(
    weights: Mapping[str, LazyTensor], prefix: str, x: LazyTensor
) -> LazyTensor:
    """A Conv1D layer: ``x @ weight + bias`` with the weight stored (in, out)."""
    return x @ weights[f"{prefix}.weight"] + weights[f"{prefix}.bias"]


def _layer_norm(
    weights: Mapping[str, LazyTensor], prefix: str, x: LazyTensor, eps: float
) -> LazyTensor:
    """LayerNorm over the last axis with the biased variance, then scale and shift."""
    centered = x - x.mean(axis=-1, keepdims=True)
    variance = (centered * centered).mean(axis=-1, keepdims=True)
    normalized = centered / elementwise.sqrt(variance + eps)
    return normalized * weights[f"{prefix}.weight"] + weights[f"{prefix}.bias"]


def _attention(
    weights: Mapping[str, LazyTensor], prefix: str, x: LazyTensor, dims: dict
) -> LazyTensor:
    """Causal multi-head self-attention; ``x`` has shape (batch, length, n_embd)."""
    batch, length, embd = x.shape
    heads = dims["n_head"]
    head_dim = embd // heads

    qkv = _linear(weights, f"{prefix}.c_attn", x)
    q, k, v = (
        qkv[..., i * embd : (i + 1) * embd]
        .reshape(batch, length, heads, head_dim)
        .transpose(0, 2, 1, 3)
        for i in range(3)
    )
    scores = q @ k.mT / math.sqrt(head_dim)
    causal = asarray(np.tril(np.ones((length, length), dtype=bool)))
    lowest = float(np.finfo(scores.dtype).min)
    probabilities = _softmax(elementwise.where(causal, scores, lowest))
    merged = (probabilities @ v).transpose(0, 2, 1, 3).reshape(batch, length, embd)
    return _linear(weights, f"{prefix}.c_proj", merged)


def _softmax(x: LazyTensor) -> LazyTensor:
    """Softmax over the last axis, shifted by the maximum for stability."""
    exponentials = elementwise.exp(x - x.max(axis=-1, keepdims=True))
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


def _gelu(x: LazyTensor) -> LazyTensor:
    """GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)
    return 0.5 * x * (1.0 + elementwise.tanh(inner))
