"""Progress bars for long evaluations, and the switch that turns them off.

An evaluation shows a tqdm bar (``tqdm.auto``: a widget in notebooks, text
on a terminal) over the plan's steps when it is expected to take long:

- more than :data:`MIN_STEPS` (10,000) kernel steps, or
- more than :data:`MIN_WORK` (10**9) element operations, counting each
  kernel's output elements, a reduction's input elements and a matmul's
  multiply-adds: about a second of NumPy or more.

Whether a bar is shown is decided once per evaluation, in this order:

1. ``li.evaluate(..., progress=True | False)``; a callable with tqdm's
   signature (``progress(iterable, total=n)``) is used as the bar itself;
2. ``li.config.progress = True | False`` (``None``, the default, defers);
3. the environment variable ``LAZYINIT_PROGRESS``: ``0``/``false``/``off``
   never show a bar, ``1``/``true``/``on`` always do, ``auto`` or unset
   defers;
4. automatically: only for a long plan, and only when a person can see it
   (standard error is a terminal, or the code runs in a Jupyter kernel).
   Under pytest, in scripts piped to files and in CI, no bar appears.

A bar chosen automatically appears only once the evaluation has run for
half a second, so a plan classified long that finishes fast prints nothing.
The bar writes to standard error, as tqdm does: the one place where the
library writes to a stream, because the user asked for it or is watching.

Examples
--------
>>> import io, functools, tqdm, lazyinit as li
>>> out = io.StringIO()
>>> bar = functools.partial(tqdm.tqdm, file=out, desc="evaluate")
>>> li.evaluate(li.ones((2,)) * li.asarray([1.0, 2.0]), progress=bar)
array([1., 2.])
>>> "evaluate: 100%" in out.getvalue()
True
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.graph import Node

__all__ = [
    "MIN_STEPS",
    "MIN_WORK",
    "Config",
    "config",
    "estimate_work",
    "is_long",
    "progress_bar",
]

MIN_STEPS = 10_000
MIN_WORK = 10**9
ENVIRONMENT_VARIABLE = "LAZYINIT_PROGRESS"

# The delay before an automatic bar shows, in seconds.
AUTOMATIC_DELAY = 0.5

_ON = frozenset({"1", "true", "on", "yes"})
_OFF = frozenset({"0", "false", "off", "no"})

# A bar: tqdm's calling convention, ``bar(iterable, total=n)`` -> iterable.
Bar = Callable[..., Iterable[Any]]


class Config:
    """lazyinit's global settings: ``li.config``.

    Attributes
    ----------
    progress : bool or None
        Show progress bars always (True), never (False), or decide per
        evaluation (None, the default; see :mod:`lazyinit.progress`).

    Examples
    --------
    >>> import lazyinit as li
    >>> li.config.progress = False   # no bars, whatever the plan
    >>> li.config.progress = None    # back to automatic
    """

    __slots__ = ("_progress",)

    def __init__(self) -> None:
        self._progress: bool | None = None

    @property
    def progress(self) -> bool | None:
        return self._progress

    @progress.setter
    def progress(self, value: bool | None) -> None:
        if value is not None and not isinstance(value, bool):
            raise LazyTypeError(
                f"config.progress must be True, False or None, received {value!r}"
            )
        self._progress = value

    def __repr__(self) -> str:
        return f"Config(progress={self._progress!r})"


config = Config()


def estimate_work(nodes: Sequence[Node]) -> int:
    """The element operations that running ``nodes`` takes, roughly.

    Each kernel counts its output elements; a reduction counts its input's;
    a matmul counts its multiply-adds. Leaves and views count nothing.

    Examples
    --------
    >>> import lazyinit as li
    >>> from lazyinit.plan import Plan
    >>> y = li.sum(li.placeholder("x", (100, 10)) @ li.placeholder("w", (10, 5)))
    >>> estimate_work(Plan([y.node]).nodes)  # 100 * 5 * 10 + 100 * 5
    5500
    """
    from lazyinit.graph import get_op

    work = 0
    for node in nodes:
        if not node.inputs or get_op(node.op).is_view:
            continue
        size = _size(node.shape)
        if node.op == "matmul":
            size *= node.inputs[0].shape[-1]
        elif node.op in ("sum", "prod", "mean", "max", "min"):
            size = _size(node.inputs[0].shape)
        work += size
    return work


def _size(shape: tuple[int, ...]) -> int:
    size = 1
    for dim in shape:
        size *= dim
    return size


def is_long(nodes: Sequence[Node]) -> bool:
    """True when a plan of ``nodes`` is expected to take long enough for a bar."""
    return len(nodes) > MIN_STEPS or estimate_work(nodes) > MIN_WORK


def _setting() -> bool | None:
    """The configured choice: config first, then the environment; None = auto."""
    if config.progress is not None:
        return config.progress
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower()
    if value in _ON:
        return True
    if value in _OFF:
        return False
    if value not in ("", "auto"):
        warnings.warn(
            f"{ENVIRONMENT_VARIABLE}={value!r} is not understood; expected one of "
            f"{sorted(_ON | _OFF | {'auto'})}: deciding automatically",
            RuntimeWarning,
            stacklevel=3,
        )
    return None


def is_interactive() -> bool:
    """True when a person sees standard error: a terminal or a Jupyter kernel."""
    shell = sys.modules.get("IPython")
    if shell is not None:
        get_ipython = getattr(shell, "get_ipython", None)
        instance = get_ipython() if get_ipython is not None else None
        if type(instance).__name__ == "ZMQInteractiveShell":
            return True
    stream = sys.stderr
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        return False


def progress_bar(
    progress: bool | Bar | None, nodes: Sequence[Node], *, desc: str = "evaluate"
) -> Bar | None:
    """The bar to run ``nodes`` with, or None for none (see the module doc).

    ``progress`` is an evaluation's argument: True or False decide, a callable
    is the bar, None follows ``li.config``, the environment and the size of
    the plan.
    """
    if callable(progress):
        return progress
    if progress is not None and not isinstance(progress, bool):
        raise LazyTypeError(
            f"{desc}: progress must be None, True, False or a tqdm-like callable, "
            f"received {progress!r}"
        )
    choice = _setting() if progress is None else progress
    if choice is False:
        return None
    if choice is None and not (is_interactive() and is_long(nodes)):
        return None
    return _tqdm_bar(desc, delay=AUTOMATIC_DELAY if choice is None else 0.0)


def _tqdm_bar(desc: str, delay: float) -> Bar:
    # Imported on first use: most evaluations never show a bar.
    try:
        from tqdm.auto import tqdm
    except ImportError as exc:  # a core dependency, but keep the message clear
        raise LazyValueError(
            "progress bars need the tqdm package: pip install tqdm"
        ) from exc

    def bar(iterable: Iterable[Any], total: int) -> Iterable[Any]:
        return tqdm(
            iterable, total=total, desc=desc, unit="step", delay=delay, leave=False
        )

    return bar
