"""``li.function``: simplify and schedule a graph once, call it many times."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.plan import Plan, check_addressable
from lazyinit.progress import is_long, progress_bar
from lazyinit.rewrite import FoldReport, simplify_nodes
from lazyinit.tensor import LazyTensor

__all__ = ["Function", "function"]


class Function:
    """A compiled graph: placeholders in, NumPy arrays out.

    Built by :func:`function`; see there.
    """

    def __init__(
        self,
        inputs: Sequence[LazyTensor],
        outputs: LazyTensor | Sequence[LazyTensor],
        *,
        exact: bool = False,
        assume_finite: bool = False,
    ) -> None:
        if isinstance(inputs, LazyTensor):
            inputs = [inputs]
        _check_sequence("inputs", inputs, "a placeholder or a sequence of them")
        _check_sequence("outputs", outputs, "a LazyTensor or a sequence of LazyTensors")
        names = []
        for position, tensor in enumerate(inputs):
            if not isinstance(tensor, LazyTensor) or tensor.op != "placeholder":
                raise LazyTypeError(
                    f"function: inputs[{position}] must be a placeholder, received "
                    f"{tensor!r}"
                )
            names.append(tensor.node.attrs["name"])
        if len(set(names)) != len(names):
            raise LazyValueError(f"function: input names repeat: {names}")
        self._single = isinstance(outputs, LazyTensor)
        output_list = [outputs] if isinstance(outputs, LazyTensor) else list(outputs)

        for position, tensor in enumerate(output_list):
            if not isinstance(tensor, LazyTensor):
                raise LazyTypeError(
                    f"function: outputs[{position}] must be a LazyTensor, received "
                    f"{type(tensor).__name__}"
                )
        result = simplify_nodes(
            [t.node for t in output_list], exact=exact, assume_finite=assume_finite
        )
        self.report: FoldReport = result.report
        self._plan = Plan(result.outputs)
        check_addressable(self._plan.nodes, "function")
        missing = set(self._plan.placeholders) - set(names)
        if missing:
            raise LazyValueError(
                f"function: the outputs need placeholders {sorted(missing)} that are "
                "not among the inputs"
            )
        self.input_names = tuple(names)
        # Decided once: a short plan never pays for looking at the settings.
        self._is_long = is_long(self._plan.nodes)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) > len(self.input_names):
            raise LazyTypeError(
                f"function takes {len(self.input_names)} inputs "
                f"{list(self.input_names)}, received {len(args)}"
            )
        feed = dict(zip(self.input_names, args, strict=False))
        for name, value in kwargs.items():
            if name not in self.input_names:
                raise LazyTypeError(
                    f"function: unknown input {name!r}; inputs are "
                    f"{list(self.input_names)}"
                )
            if name in feed:
                raise LazyTypeError(f"function: input {name!r} given twice")
            feed[name] = value
        bar = progress_bar(None, self._plan.nodes) if self._is_long else None
        results = self._plan.run(feed, progress=bar)
        return results[0] if self._single else tuple(results)


def _check_sequence(argument: str, value: Any, expected: str) -> None:
    if isinstance(value, LazyTensor | Sequence) and not isinstance(value, str):
        return
    raise LazyTypeError(
        f"function: {argument} must be {expected}, received "
        f"{type(value).__name__} {value!r}"
    )


def function(
    inputs: Sequence[LazyTensor],
    outputs: LazyTensor | Sequence[LazyTensor],
    *,
    exact: bool = False,
    assume_finite: bool = False,
) -> Function:
    """Simplify and schedule a graph once; call the result with arrays.

    Parameters
    ----------
    inputs : sequence of LazyTensor
        Placeholders, in the order the compiled function takes them.
    outputs : LazyTensor or sequence of LazyTensor
        One output gives one array per call; a sequence gives a tuple.
    exact, assume_finite : bool
        As for :func:`lazyinit.simplify`.

    Returns
    -------
    Function
        Callable as ``f(array, ...)`` or with inputs by name; ``f.report``
        says what folded.

    Raises
    ------
    TypeError
        If an input is not a placeholder, or an output not a LazyTensor.
    ValueError
        If the outputs need a placeholder that is not among the inputs.

    Examples
    --------
    >>> import numpy as np, lazyinit as li
    >>> x = li.placeholder("x", (2, 3))
    >>> w = li.zeros_initializer()(shape=(3, 4))
    >>> f = li.function([x], li.maximum(x @ w + 1.0, 0.0))
    >>> f(np.ones((2, 3), np.float32))
    array([[1., 1., 1., 1.],
           [1., 1., 1., 1.]], dtype=float32)
    """
    return Function(inputs, outputs, exact=exact, assume_finite=assume_finite)
