"""Model parameter sets and forward graphs, built lazily from their configs.

Give :func:`build_parameters` a Hugging Face style config (a bundled one from
:func:`load_config`, or any ``config.json`` of a supported ``model_type``) and
it returns every parameter as a lazy tensor with the initializer the model
uses, under its Hugging Face name. Nothing is allocated: a 7-billion
parameter model is a few hundred graph nodes until it is evaluated.

>>> from lazyinit.models import build_parameters, load_config, parameter_count
>>> params = build_parameters(load_config("llama-2-7b"))
>>> len(params), f"{parameter_count(params):,}"
(291, '6,738,415,616')
>>> {param.tensor.op for param in params.values()}
{...}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lazyinit.models.config import (
    ConfigError,
    bundled_configs,
    check_config,
    config_float,
    config_int,
    load_config,
)
from lazyinit.models.gpt2 import gpt2_forward, gpt2_parameters
from lazyinit.models.llama import llama_parameters
from lazyinit.models.parameters import (
    Parameter,
    describe_initializer,
    parameter_bytes,
    parameter_count,
    parameter_seed,
)

__all__ = [
    "BUILDERS",
    "ConfigError",
    "Parameter",
    "build_parameters",
    "bundled_configs",
    "check_config",
    "config_float",
    "config_int",
    "describe_initializer",
    "gpt2_forward",
    "gpt2_parameters",
    "llama_parameters",
    "load_config",
    "parameter_bytes",
    "parameter_count",
    "parameter_seed",
]

# The parameter builder of each supported ``model_type``.
BUILDERS: dict[str, Callable[..., dict[str, Parameter]]] = {
    "gpt2": gpt2_parameters,
    "llama": llama_parameters,
}


def build_parameters(
    config: Mapping[str, Any], *, seed: int = 0, dtype: Any = "float32"
) -> dict[str, Parameter]:
    """Every parameter of the model ``config`` describes, lazily initialized.

    Parameters
    ----------
    config : mapping
        A Hugging Face style config whose ``model_type`` is a key of
        :data:`BUILDERS` (``"gpt2"``, ``"llama"``).
    seed : int, default 0
        The model seed; each random parameter's seed derives from it and the
        parameter's name (see :func:`parameter_seed`).
    dtype : dtype-like, default float32

    Returns
    -------
    dict of str to Parameter
        Hugging Face parameter names, in state-dict order.

    Raises
    ------
    ConfigError
        If ``model_type`` is missing or unsupported, or the config lacks a
        key the builder needs.

    Examples
    --------
    >>> from lazyinit.models import build_parameters
    >>> tiny = {"model_type": "gpt2", "vocab_size": 10, "n_positions": 4,
    ...         "n_embd": 4, "n_layer": 1, "n_head": 2}
    >>> param = build_parameters(tiny)["transformer.wte.weight"]
    >>> param.shape, param.dtype, param.tensor.op
    ((10, 4), dtype('float32'), 'random_normal')
    >>> build_parameters({"model_type": "bert"})
    Traceback (most recent call last):
    ...
    lazyinit.models.config.ConfigError: unsupported model_type 'bert'; ...
    """
    if not isinstance(config, Mapping):
        raise ConfigError(
            f"build_parameters: config must be a mapping, received "
            f"{type(config).__name__}"
        )
    model_type = config.get("model_type")
    if model_type is None:
        raise ConfigError(
            f"config has no 'model_type'; supported model types: {sorted(BUILDERS)}"
        )
    builder = BUILDERS.get(model_type) if isinstance(model_type, str) else None
    if builder is None:
        raise ConfigError(
            f"unsupported model_type {model_type!r}; supported model types: "
            f"{sorted(BUILDERS)}"
        )
    return builder(config, seed=seed, dtype=dtype)
