"""Progress bars: shown when forced or for a long plan a person watches,
never when switched off, never in test output."""

import functools
import io

import numpy as np
import pytest
import tqdm
import tqdm.auto

import lazyinit as li
from lazyinit import progress
from lazyinit.plan import Plan


@pytest.fixture(autouse=True)
def _automatic(monkeypatch):
    """Each test starts from the automatic rule, seen by nobody."""
    monkeypatch.delenv("LAZYINIT_PROGRESS", raising=False)
    monkeypatch.setattr(li.config, "progress", None)
    monkeypatch.setattr(progress, "is_interactive", lambda: False)
    monkeypatch.setattr(progress, "AUTOMATIC_DELAY", 0.0)


def _chain(steps):
    """tanh applied ``steps`` times to a placeholder "x" of shape (3,)."""
    y = li.placeholder("x", (3,), "float64")
    for _ in range(steps):
        y = li.tanh(y)
    return y


def _captured(monkeypatch):
    """A StringIO that every tqdm bar of lazyinit writes to."""
    out = io.StringIO()
    monkeypatch.setattr(tqdm.auto, "tqdm", functools.partial(tqdm.tqdm, file=out))
    return out


def test_a_callable_progress_is_the_bar():
    out = io.StringIO()
    y = _chain(5)
    bar = functools.partial(tqdm.tqdm, file=out, desc="run")
    result = li.evaluate(y, feed={"x": np.zeros(3)}, progress=bar)
    np.testing.assert_array_equal(result, np.zeros(3))
    assert "run: 100%" in out.getvalue()
    assert "6/6" in out.getvalue()


def test_progress_true_shows_a_bar_even_for_a_short_plan(monkeypatch):
    out = _captured(monkeypatch)
    y = _chain(2)
    li.evaluate(y, feed={"x": np.ones(3)}, progress=True)
    assert "evaluate" in out.getvalue()


@pytest.mark.parametrize("switch", ["argument", "config", "environment"])
def test_switched_off_never_shows_a_bar_even_for_a_long_watched_plan(
    switch, monkeypatch
):
    out = _captured(monkeypatch)
    monkeypatch.setattr(progress, "is_interactive", lambda: True)
    monkeypatch.setattr(progress, "MIN_STEPS", 3)
    y = _chain(10)
    kwargs = {}
    if switch == "argument":
        monkeypatch.setattr(li.config, "progress", True)
        kwargs["progress"] = False
    elif switch == "config":
        li.config.progress = False
    else:
        monkeypatch.setenv("LAZYINIT_PROGRESS", "off")
    li.evaluate(y, feed={"x": np.ones(3)}, **kwargs)
    assert out.getvalue() == ""


@pytest.mark.parametrize("switch", ["config", "environment"])
def test_switched_on_shows_a_bar_for_any_plan(switch, monkeypatch):
    out = _captured(monkeypatch)
    if switch == "config":
        li.config.progress = True
    else:
        monkeypatch.setenv("LAZYINIT_PROGRESS", "1")
    y = _chain(1)
    li.evaluate(y, feed={"x": np.ones(3)})
    assert "evaluate" in out.getvalue()


def test_automatic_shows_a_bar_only_for_a_long_plan_that_is_watched(monkeypatch):
    out = _captured(monkeypatch)
    monkeypatch.setattr(progress, "MIN_STEPS", 5)
    feed = {"x": np.ones(3)}
    li.evaluate(_chain(3), feed=feed)
    li.evaluate(_chain(20), feed=feed)  # long, but nobody watches
    assert out.getvalue() == ""
    monkeypatch.setattr(progress, "is_interactive", lambda: True)
    li.evaluate(_chain(3), feed=feed)
    assert out.getvalue() == ""
    li.evaluate(_chain(20), feed=feed)
    assert "evaluate" in out.getvalue()


def test_a_plan_is_long_by_steps_or_by_work():
    assert not progress.is_long(Plan([_chain(100).node]).nodes)
    assert progress.is_long(Plan([_chain(10_001).node]).nodes)
    big = li.placeholder("a", (4096, 4096)) @ li.placeholder("b", (4096, 4096))
    nodes = Plan([big.node]).nodes
    assert progress.estimate_work(nodes) == 4096**3
    assert progress.is_long(nodes)
    small = li.sum(li.placeholder("a", (1000, 1000)), axis=0)
    assert progress.estimate_work(Plan([small.node]).nodes) == 10**6


def test_a_bar_is_closed_when_a_kernel_raises():
    closed = []

    class Bar:
        def __init__(self, iterable, total):
            self.iterable = iterable

        def __iter__(self):
            return iter(self.iterable)

        def close(self):
            closed.append(True)

    x = li.placeholder("x", (2,), "int64")
    y = x ** li.placeholder("p", (2,), "int64")
    with pytest.raises(ValueError):
        li.evaluate(y, feed={"x": np.ones(2, int), "p": -np.ones(2, int)}, progress=Bar)
    assert closed == [True]


def test_a_compiled_function_consults_the_settings_only_for_a_long_plan(monkeypatch):
    calls = []
    monkeypatch.setattr(progress, "_setting", lambda: calls.append(1))
    y = _chain(3)
    x = li.placeholder("x", (3,), "float64")
    f = li.function([x], y)
    f(np.ones(3))
    assert calls == []
    monkeypatch.setattr(progress, "MIN_STEPS", 2)
    out = _captured(monkeypatch)
    monkeypatch.setattr(progress, "_setting", lambda: True)
    g = li.function([x], y)
    g(np.ones(3))
    assert "evaluate" in out.getvalue()


def test_bad_settings_are_refused_or_warned():
    with pytest.raises(TypeError, match="progress must be"):
        li.evaluate(li.ones(2) + li.asarray([1.0, 2.0]), progress="yes")
    with pytest.raises(TypeError, match=r"config\.progress"):
        li.config.progress = 1


def test_an_unknown_environment_value_warns_and_decides_automatically(monkeypatch):
    monkeypatch.setenv("LAZYINIT_PROGRESS", "maybe")
    with pytest.warns(RuntimeWarning, match="LAZYINIT_PROGRESS='maybe'"):
        li.evaluate(li.asarray([1.0]) * 2.0)


def test_the_test_suite_itself_runs_without_bars(capfd, monkeypatch):
    monkeypatch.setenv("LAZYINIT_PROGRESS", "0")  # as tests/conftest.py sets it
    monkeypatch.setattr(progress, "is_interactive", lambda: True)
    monkeypatch.setattr(progress, "MIN_STEPS", 3)
    li.evaluate(_chain(10), feed={"x": np.ones(3)})
    assert capfd.readouterr().err == ""
