"""Scenario 3: build Llama-2-7B's 291 parameters without allocating them.

lazyinit's model builder makes each parameter with the initializer Hugging
Face uses. The peers build the same list of tensors: PyTorch meta tensors
(``normal_`` on an empty one, ``ones``, ``zeros``), Dask's lazy random and
fill arrays, JAX's ``eval_shape`` of an init function, and plain objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from harness import Config, PlainNode, Row, ScenarioResult, interleaved_best

from lazyinit.models import build_parameters, load_config, parameter_count

NAME = "build_llama"
TITLE = "build the Llama-2-7B parameter set"

LAZYINIT = "lazyinit build_parameters"
# (name, shape, kind, stddev) with kind one of "normal", "ones", "zeros".
Spec = list[tuple[str, tuple[int, ...], str, float]]


def parameter_spec(params: dict[str, Any]) -> Spec:
    """What the peers must build: each parameter's name, shape and fill."""
    spec = []
    for name, param in params.items():
        kind = type(param.initializer).__name__
        config = param.initializer.get_config()
        if kind == "RandomNormal":
            spec.append((name, param.shape, "normal", float(config["stddev"])))
        elif kind in ("Ones", "Zeros"):
            spec.append((name, param.shape, kind.lower(), 0.0))
        else:
            raise ValueError(f"{name}: no peer builder for initializer {kind}")
    return spec


def torch_builder(torch: Any, spec: Spec) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        params = {}
        for name, shape, kind, std in spec:
            if kind == "normal":
                tensor = torch.empty(shape, device="meta").normal_(0.0, std)
            elif kind == "ones":
                tensor = torch.ones(shape, device="meta")
            else:
                tensor = torch.zeros(shape, device="meta")
            params[name] = tensor
        return params

    return build


def dask_builder(dask: Any, spec: Spec) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        rng = dask.random.default_rng(0)
        params = {}
        for name, shape, kind, std in spec:
            if kind == "normal":
                params[name] = rng.normal(0.0, std, size=shape).astype(np.float32)
            elif kind == "ones":
                params[name] = dask.ones(shape, dtype=np.float32)
            else:
                params[name] = dask.zeros(shape, dtype=np.float32)
        return params

    return build


def jax_builder(jax: Any, spec: Spec) -> Callable[[], dict[str, Any]]:
    jnp = jax.numpy

    def init(key: Any) -> dict[str, Any]:
        params = {}
        for index, (name, shape, kind, std) in enumerate(spec):
            if kind == "normal":
                subkey = jax.random.fold_in(key, index)
                params[name] = std * jax.random.normal(subkey, shape, jnp.float32)
            elif kind == "ones":
                params[name] = jnp.ones(shape, jnp.float32)
            else:
                params[name] = jnp.zeros(shape, jnp.float32)
        return params

    key = jax.random.key(0)
    # A fresh function each call: the same one would hit JAX's trace cache.
    return lambda: jax.eval_shape(lambda k: init(k), key)


def plain_builder(spec: Spec) -> Callable[[], dict[str, Any]]:
    return lambda: {
        name: PlainNode(kind, (), shape, "float32") for name, shape, kind, _ in spec
    }


def run(config: Config) -> ScenarioResult:
    """Time each builder on the full parameter list, interleaved."""
    llama = load_config("llama-2-7b")
    params = build_parameters(llama)
    spec = parameter_spec(params)
    builders: dict[str, Callable[[], Any]] = {
        LAZYINIT: lambda: build_parameters(llama),
        "plain Python objects": plain_builder(spec),
    }
    torch = config.peer("torch")
    if torch is not None:
        builders["torch meta"] = torch_builder(torch, spec)
    dask = config.peer("dask")
    if dask is not None:
        builders["dask random/ones"] = dask_builder(dask, spec)
    jax = config.peer("jax")
    if jax is not None:
        builders["jax eval_shape(init)"] = jax_builder(jax, spec)

    repeat = 2 if config.quick else 5
    best = interleaved_best(builders, repeat, config.min_seconds)
    result = ScenarioResult(NAME, TITLE, reference=LAZYINIT)
    result.rows = [Row(name, seconds) for name, seconds in best.items()]
    count = parameter_count(params)
    result.notes.append(
        f"{len(params)} tensors, {count:,} parameters, "
        f"{count * 4 / 2**30:.1f} GiB in float32, none allocated"
    )
    return result
