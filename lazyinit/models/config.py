"""Model configurations: the bundled ones and Hugging Face style ``config.json``.

A configuration is the plain dict that ``json.load`` gives for a Hugging Face
``config.json``. This module finds and reads one (a bundled name, a file or a
model directory) and checks the keys a parameter builder needs, so that a bad
file fails here with a message naming the key, not later inside a builder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from lazyinit.errors import LazyValueError

__all__ = [
    "ConfigError",
    "bundled_configs",
    "check_config",
    "config_float",
    "config_int",
    "load_config",
]


class ConfigError(LazyValueError):
    """A model configuration that cannot be read or does not describe a model."""


def bundled_configs() -> list[str]:
    """The names of the configurations shipped with lazyinit.

    Examples
    --------
    >>> from lazyinit.models import bundled_configs
    >>> bundled_configs()
    ['gpt2', 'llama-2-7b']
    """
    folder = resources.files("lazyinit.models") / "configs"
    return sorted(
        entry.name.removesuffix(".json")
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    )


def load_config(source: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a model configuration: a bundled name, a JSON file or a model folder.

    Parameters
    ----------
    source : str or path-like
        A bundled name (see :func:`bundled_configs`), the path of a Hugging
        Face style ``config.json``, or a folder that holds one. An existing
        path wins over a bundled name.

    Returns
    -------
    dict
        The configuration as ``json.load`` gives it.

    Raises
    ------
    ConfigError
        If the file cannot be read, is not JSON or does not hold an object.

    Examples
    --------
    >>> from lazyinit.models import load_config
    >>> config = load_config("gpt2")
    >>> config["model_type"], config["n_layer"], config["n_embd"]
    ('gpt2', 12, 768)
    """
    path = Path(source)
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ConfigError(
                f"cannot read config {str(source)!r}: the folder holds no "
                f"config.json; pass a config.json path, a folder that holds one, or "
                f"one of the bundled names {bundled_configs()}"
            )
        path = path / "config.json"
    if not path.exists() and str(source) in bundled_configs():
        folder = resources.files("lazyinit.models") / "configs"
        return _parse(folder.joinpath(f"{source}.json").read_text("utf-8"), source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ConfigError(
            f"cannot read config {str(source)!r}: {reason}; pass a config.json "
            f"path or one of the bundled names {bundled_configs()}"
        ) from None
    return _parse(text, source)


def _parse(text: str, source: str | os.PathLike[str]) -> dict[str, Any]:
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"config {str(source)!r} is not valid JSON: {exc}") from None
    if not isinstance(config, dict):
        raise ConfigError(
            f"config {str(source)!r} must hold a JSON object, found "
            f"{type(config).__name__}"
        )
    return config


def check_config(config: Mapping[str, Any], required: Iterable[str]) -> None:
    """Raise :class:`ConfigError` naming every ``required`` key ``config`` lacks.

    Examples
    --------
    >>> from lazyinit.models import check_config
    >>> check_config({"model_type": "gpt2", "n_embd": 8}, ["n_embd", "n_head"])
    Traceback (most recent call last):
    ...
    lazyinit.models.config.ConfigError: gpt2 config is missing key 'n_head'
    """
    missing = [key for key in required if config.get(key) is None]
    if missing:
        keys = ", ".join(repr(key) for key in missing)
        noun = "key" if len(missing) == 1 else "keys"
        kind = config.get("model_type", "model")
        raise ConfigError(f"{kind} config is missing {noun} {keys}")


def config_int(config: Mapping[str, Any], key: str, default: int | None = None) -> int:
    """``config[key]`` (or ``default`` when absent or null) as a positive int.

    Examples
    --------
    >>> from lazyinit.models import config_int
    >>> config_int({"n_head": 12}, "n_head")
    12
    >>> config_int({"n_head": "12"}, "n_head")
    Traceback (most recent call last):
    ...
    lazyinit.models.config.ConfigError: config key 'n_head' must be a positive ...
    """
    value = config.get(key)
    if value is None:
        value = default
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(
            f"config key {key!r} must be a positive integer, found {value!r}"
        )
    return value


def config_float(
    config: Mapping[str, Any], key: str, default: float | None = None
) -> float:
    """``config[key]`` (or ``default`` when absent or null) as a finite float >= 0.

    Examples
    --------
    >>> from lazyinit.models import config_float
    >>> config_float({}, "initializer_range", 0.02)
    0.02
    """
    value = config.get(key)
    if value is None:
        value = default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"config key {key!r} must be a number, found {value!r}")
    if not 0 <= value < float("inf"):
        raise ConfigError(
            f"config key {key!r} must be finite and non-negative, found {value!r}"
        )
    return float(value)
