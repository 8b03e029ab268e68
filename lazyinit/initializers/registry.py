"""Initializers by name: ``get``, ``serialize`` and ``deserialize``, as Keras does.

Names resolve through a fixed table of the built-in classes (their class
names, snake_case names and Keras' short aliases) and the caller's
``custom_objects``. Deserializing never imports a module or evaluates code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.initializers.base import Initializer
from lazyinit.initializers.constant import Constant, Ones, Zeros
from lazyinit.initializers.matrix import Identity, Orthogonal
from lazyinit.initializers.random_initializers import (
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
)
from lazyinit.initializers.variance_scaling import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    VarianceScaling,
)

__all__ = ["deserialize", "get", "serialize"]

MODULE = "lazyinit.initializers"

_BUILTINS: dict[str, type[Initializer]] = {}


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _register(cls: type[Initializer], *aliases: str) -> None:
    """Make ``cls`` known by its class name, its snake_case name and ``aliases``."""
    for name in (cls.__name__, _snake_case(cls.__name__), *aliases):
        _BUILTINS[name] = cls


_register(Zeros, "zero")
_register(Ones, "one")
_register(Constant)
_register(RandomNormal, "normal")
_register(RandomUniform, "uniform")
_register(TruncatedNormal)
_register(VarianceScaling)
_register(GlorotNormal)
_register(GlorotUniform)
_register(HeNormal)
_register(HeUniform)
_register(LecunNormal)
_register(LecunUniform)
_register(Orthogonal, "OrthogonalInitializer")
_register(Identity, "IdentityInitializer")

# Keras 2 configs may name the classes, and the snake_case names of the
# presets, with a ``V2`` suffix. They resolve, but error messages list only
# the names above.
_LEGACY_NAMES = {
    f"{name}V2": _BUILTINS[name]
    for name in (
        *(cls.__name__ for cls in set(_BUILTINS.values())),
        *("glorot_normal", "glorot_uniform", "he_normal", "he_uniform"),
        *("lecun_normal", "lecun_uniform"),
    )
}


def serialize(initializer: Any) -> dict[str, Any] | None:
    """A JSON-compatible description of ``initializer``, in Keras 3's format.

    Parameters
    ----------
    initializer : Initializer, Initializer subclass, named function or None
        A class is instantiated with no arguments first. A function is
        described by its name, for :func:`deserialize` to find in
        ``custom_objects``.

    Returns
    -------
    dict or None
        ``{"module", "class_name", "config", "registered_name"}``; None for
        None.

    Raises
    ------
    TypeError
        For anything else, or a lambda (it has no name to look up).

    Examples
    --------
    >>> import lazyinit as li
    >>> li.initializers.serialize(li.RandomNormal(seed=1))
    {'module': 'lazyinit.initializers', 'class_name': 'RandomNormal',
     'config': {'mean': 0.0, 'stddev': 0.05, 'seed': 1}, 'registered_name': None}
    """
    if initializer is None:
        return None
    if isinstance(initializer, type) and issubclass(initializer, Initializer):
        initializer = initializer()
    if isinstance(initializer, Initializer):
        cls = type(initializer)
        is_builtin = _BUILTINS.get(cls.__name__) is cls
        return {
            "module": MODULE if is_builtin else cls.__module__,
            "class_name": cls.__name__,
            "config": initializer.get_config(),
            "registered_name": None if is_builtin else cls.__name__,
        }
    name = getattr(initializer, "__name__", None)
    if callable(initializer) and name is not None and name != "<lambda>":
        return {
            "module": getattr(initializer, "__module__", None),
            "class_name": "function",
            "config": name,
            "registered_name": name,
        }
    raise LazyTypeError(
        f"serialize: expected an Initializer, an Initializer class or a named "
        f"function, received {initializer!r}"
    )


def deserialize(
    config: Any, custom_objects: Mapping[str, Any] | None = None
) -> Callable[..., Any] | None:
    """The initializer that ``config`` describes.

    Parameters
    ----------
    config : dict, str or None
        A dict from :func:`serialize` (``class_name`` and ``config``;
        ``module`` is optional and only informative), or a name such as
        ``"RandomNormal"``, ``"random_normal"`` or ``"normal"``. Names are
        case-sensitive.
    custom_objects : mapping of str to class or function, optional
        Extra names, looked up before the built-in ones. A class is built
        with ``from_config`` (or its constructor); a function is returned.

    Returns
    -------
    Initializer, function or None

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones), a dict
        without ``class_name``, or a config key the class does not accept.
    TypeError
        If ``config`` is neither a dict, a str nor None, if its ``config`` is
        not a mapping, or if ``custom_objects`` is not a mapping.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.initializers.deserialize("zeros")
    Zeros()
    >>> li.initializers.deserialize(
    ...     {"class_name": "RandomUniform", "config": {"minval": 0, "maxval": 1}}
    ... )
    RandomUniform(minval=0, maxval=1, seed=None)
    >>> li.initializers.deserialize("Glorot")
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyValueError: deserialize: unknown initializer 'Glorot'; ...
    """
    if custom_objects is not None and not isinstance(custom_objects, Mapping):
        raise LazyTypeError(
            f"deserialize: custom_objects must be a mapping of names to classes or "
            f"functions, received {type(custom_objects).__name__} {custom_objects!r}"
        )
    custom_objects = dict(custom_objects or {})
    if config is None:
        return None
    if isinstance(config, str):
        return _build(_lookup(config, custom_objects), {})
    if not isinstance(config, Mapping):
        raise LazyTypeError(
            f"deserialize: expected a dict, a str or None, received "
            f"{type(config).__name__}"
        )

    if "class_name" not in config:
        raise LazyValueError(
            f"deserialize: a config dict needs a 'class_name' key, received keys "
            f"{sorted(config)}"
        )
    class_name = config["class_name"]
    # Only a missing or null config means "no arguments": an empty list is as
    # malformed as a full one, and from_config says so.
    arguments = config.get("config")
    if arguments is None:
        arguments = {}
    if class_name == "function":
        return _lookup(config.get("registered_name") or arguments, custom_objects)
    registered_name = config.get("registered_name")
    if registered_name in custom_objects:
        return _build(custom_objects[registered_name], arguments)
    return _build(_lookup(class_name, custom_objects), arguments)


def get(identifier: Any) -> Callable[..., Any] | None:
    """An initializer from any of the ways Keras lets users name one.

    Parameters
    ----------
    identifier : None, str, dict, class, Initializer or callable
        None gives None; a name or a config dict goes through
        :func:`deserialize`; a class is instantiated with no arguments and
        must give an initializer or a callable; an initializer or any other
        callable ``f(shape, dtype=None)`` is returned as it is.

    Returns
    -------
    Initializer, callable or None

    Raises
    ------
    ValueError
        For an unknown name or anything that is not an initializer.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.initializers.get("ones")
    Ones()
    >>> li.initializers.get(li.initializers.zeros)
    Zeros()
    >>> li.initializers.get(None) is None
    True
    """
    if identifier is None or isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str | Mapping):
        return deserialize(identifier)
    if isinstance(identifier, type):
        instance = identifier()
        if isinstance(instance, Initializer) or callable(instance):
            return instance
        raise LazyValueError(
            f"get: could not interpret initializer identifier {identifier!r}: "
            f"calling it gave {instance!r}, which is neither an Initializer nor "
            f"callable"
        )
    if callable(identifier):
        return identifier
    raise LazyValueError(
        f"get: could not interpret initializer identifier {identifier!r}; expected "
        f"None, a name, a config dict, an initializer class or a callable"
    )


def _lookup(name: Any, custom_objects: Mapping[str, Any]) -> Any:
    """The class or function registered under ``name``, custom names first."""
    if isinstance(name, str):
        if name in custom_objects:
            return custom_objects[name]
        if name in _BUILTINS:
            return _BUILTINS[name]
        if name in _LEGACY_NAMES:
            return _LEGACY_NAMES[name]
    known = ", ".join(repr(known) for known in sorted({*_BUILTINS, *custom_objects}))
    raise LazyValueError(
        f"deserialize: unknown initializer {name!r}; known names: {known}; pass "
        f"custom_objects={{name: class_or_function}} for others"
    )


def _build(obj: Any, arguments: Mapping[str, Any]) -> Any:
    """An instance of class ``obj`` from ``arguments``; a function as it is."""
    if not isinstance(obj, type):
        return obj
    if issubclass(obj, Initializer):
        return obj.from_config(arguments)
    return obj(**arguments)
