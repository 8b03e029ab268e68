"""Llama: its parameters as Hugging Face's ``LlamaForCausalLM`` names them.

Linear weights are stored ``(out, in)`` as ``torch.nn.Linear`` does. The
Hugging Face initialization draws every linear and embedding weight from
N(0, initializer_range**2), sets RMSNorm scales to one and optional biases
to zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lazyinit.models.config import (
    ConfigError,
    check_config,
    config_float,
    config_int,
)
from lazyinit.models.parameters import Parameter, ParameterBuilder

__all__ = ["llama_parameters"]

REQUIRED_KEYS = (
    "vocab_size",
    "hidden_size",
    "intermediate_size",
    "num_hidden_layers",
    "num_attention_heads",
)


def llama_parameters(
    config: Mapping[str, Any], *, seed: int = 0, dtype: Any = "float32"
) -> dict[str, Parameter]:
    """The parameters of a Llama language model, lazily initialized.

    Parameters
    ----------
    config : mapping
        A Hugging Face Llama config: ``vocab_size``, ``hidden_size``,
        ``intermediate_size``, ``num_hidden_layers`` and
        ``num_attention_heads`` are required; ``num_key_value_heads``,
        ``head_dim``, ``initializer_range``, ``tie_word_embeddings``,
        ``attention_bias`` and ``mlp_bias`` default as in Hugging Face.
    seed : int, default 0
        The model seed; each random parameter's seed derives from it and the
        parameter's name.
    dtype : dtype-like, default float32

    Returns
    -------
    dict of str to Parameter
        In the order of the Hugging Face state dict.

    Raises
    ------
    ConfigError
        If a required key is missing, a size is not a positive integer or
        the attention heads do not divide evenly.

    Examples
    --------
    >>> from lazyinit.models import llama_parameters
    >>> tiny = {"vocab_size": 10, "hidden_size": 8, "intermediate_size": 16,
    ...         "num_hidden_layers": 1, "num_attention_heads": 4,
    ...         "num_key_value_heads": 2}
    >>> params = llama_parameters(tiny)
    >>> params["model.layers.0.self_attn.k_proj.weight"].shape
    (4, 8)
    >>> list(params)[-1]
    'lm_head.weight'
    """
    check_config(config, REQUIRED_KEYS)
    hidden = config_int(config, "hidden_size")
    intermediate = config_int(config, "intermediate_size")
    vocab = config_int(config, "vocab_size")
    heads = config_int(config, "num_attention_heads")
    kv_heads = config_int(config, "num_key_value_heads", heads)
    head_dim = config_int(config, "head_dim", hidden // heads)
    std = config_float(config, "initializer_range", 0.02)
    if heads % kv_heads:
        raise ConfigError(
            f"llama config: num_attention_heads ({heads}) must be a multiple of "
            f"num_key_value_heads ({kv_heads})"
        )

    build = ParameterBuilder(seed, dtype)
    linear_shapes = {
        "self_attn.q_proj": (heads * head_dim, hidden),
        "self_attn.k_proj": (kv_heads * head_dim, hidden),
        "self_attn.v_proj": (kv_heads * head_dim, hidden),
        "self_attn.o_proj": (hidden, heads * head_dim),
        "mlp.gate_proj": (intermediate, hidden),
        "mlp.up_proj": (intermediate, hidden),
        "mlp.down_proj": (hidden, intermediate),
    }
    has_bias = {
        "self_attn": bool(config.get("attention_bias", False)),
        "mlp": bool(config.get("mlp_bias", False)),
    }
    build.normal("model.embed_tokens.weight", (vocab, hidden), std)
    for layer in range(config_int(config, "num_hidden_layers")):
        prefix = f"model.layers.{layer}"
        for module, shape in linear_shapes.items():
            build.normal(f"{prefix}.{module}.weight", shape, std)
            if has_bias[module.split(".")[0]]:
                build.zeros(f"{prefix}.{module}.bias", shape[:1])
        build.ones(f"{prefix}.input_layernorm.weight", (hidden,))
        build.ones(f"{prefix}.post_attention_layernorm.weight", (hidden,))
    build.ones("model.norm.weight", (hidden,))
    if not config.get("tie_word_embeddings", False):
        build.normal("lm_head.weight", (vocab, hidden), std)
    return build.params
