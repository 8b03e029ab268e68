"""Bad and edge-case input to the newer features, as a NumPy / Dask /
safetensors user writes it: NumPy interop, the array API namespace,
``li.explain``, ``max_bytes``, ``li.to_dask`` and ``li.materialize_to``.

Each test states what such a user expects: a clear error at the point of
entry (naming the argument, the value and what was expected), never a
traceback from deep inside NumPy or Dask, never a silent wrong result.
"""

import json
import os

import numpy as np
import pytest

import lazyinit as li

A = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]], np.float32)


def lazy():
    return li.asarray(A)


# ---------------------------------------------------------------- materialize_to


def test_safetensors_rerun_after_output_deleted_writes_it_again(tmp_path):
    """A finished safetensors target whose file was deleted must be written
    again by a second call (as ``npy`` targets are), not reported as done
    while the checkpoint does not exist."""
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    w = li.random_normal((50, 4), seed=3)
    target = tmp_path / "ckpt"
    li.materialize_to({"a": w}, target, format="safetensors", progress=False)
    (target / "model.safetensors").unlink()
    li.materialize_to({"a": w}, target, format="safetensors", progress=False)
    loaded = safetensors_numpy.load_file(target / "model.safetensors")
    assert loaded["a"].tobytes() == w.numpy().tobytes()


def test_npy_rerun_after_output_truncated_does_not_report_success(tmp_path):
    """The journal says every chunk is done, but the ``.npy`` was truncated
    (a full disk, a copy cut short). Resuming must notice that the file is
    not what the journal describes and rewrite it (or refuse), never return
    the path of an unreadable checkpoint as finished."""
    w = li.random_normal((50, 4), seed=3)
    path = tmp_path / "w.npy"
    li.materialize_to(w, path, progress=False)
    path.write_bytes(b"")
    try:
        li.materialize_to(w, path, progress=False)
    except (ValueError, OSError):
        return
    assert np.load(path).tobytes() == w.numpy().tobytes()


def test_materialize_unfed_placeholder_fails_before_writing(tmp_path):
    """A graph with a placeholder can never be materialized (there is no
    feed). The error must come before anything is written: today a
    zero-filled ``p.npy`` and a journal are left behind, and the zeros load
    as if they were the tensor."""
    path = tmp_path / "p.npy"
    with pytest.raises(ValueError, match="placeholder 'x'"):
        li.materialize_to(li.placeholder("x", (3,)), path, progress=False)
    assert sorted(os.listdir(tmp_path)) == []


def test_bad_shard_size_error_names_shard_size(tmp_path):
    """``shard_size=0`` is the bad argument; the error must say
    ``shard_size``, not ``max_memory`` (which the user left at its
    default)."""
    tensors = {"a": li.ones((4,)), "b": li.ones((4,))}
    with pytest.raises(ValueError, match="shard_size") as info:
        li.materialize_to(
            tensors,
            tmp_path / "s",
            format="safetensors",
            shard_size=0,
            progress=False,
        )
    assert "max_memory" not in str(info.value)


def test_non_string_tensor_name_is_a_clear_type_error(tmp_path):
    """``{1: w}`` is a mapping with a non-string key: expected a TypeError
    that names the key and says names are strings, not Python's internal
    ``argument of type 'int' is not iterable``."""
    with pytest.raises(TypeError, match=r"name.*1"):
        li.materialize_to({1: li.ones((3,))}, tmp_path / "n", progress=False)


def test_on_chunk_not_callable_is_rejected_before_writing(tmp_path):
    """``on_chunk=5`` is checked at entry (a TypeError naming ``on_chunk``),
    not discovered after the first chunk was written."""
    path = tmp_path / "w.npy"
    with pytest.raises(TypeError, match="on_chunk"):
        li.materialize_to(li.ones((8,)), path, on_chunk=5, progress=False)
    assert not path.exists()


def test_single_tensor_safetensors_gets_a_usable_key(tmp_path):
    """One tensor written as safetensors is stored under the key ``''``;
    ``load_file(...)[""]`` is not a name anyone would guess. Expected a
    real name (for example the target's stem), or an error asking for a
    mapping of names."""
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    target = tmp_path / "w.safetensors"
    try:
        li.materialize_to(li.ones((3,)), target, progress=False)
    except (TypeError, ValueError):
        return
    file = target / "model.safetensors" if target.is_dir() else target
    keys = list(safetensors_numpy.load_file(file))
    assert keys and all(keys), keys


def test_materialize_zero_size_and_0d_round_trip(tmp_path):
    """Zero-size and 0-d tensors are valid checkpoints in every format."""
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    zero = li.zeros((0, 4))
    scalar = li.asarray(np.float32(3))
    li.materialize_to(zero, tmp_path / "z.npy", progress=False)
    li.materialize_to(scalar, tmp_path / "s.npy", progress=False)
    assert np.load(tmp_path / "z.npy").shape == (0, 4)
    assert np.load(tmp_path / "s.npy") == np.float32(3)
    target = tmp_path / "st"
    li.materialize_to(
        {"z": zero, "s": scalar}, target, format="safetensors", progress=False
    )
    loaded = safetensors_numpy.load_file(target / "model.safetensors")
    assert loaded["z"].shape == (0, 4)
    assert loaded["s"].shape == () and loaded["s"] == 3
    journal = json.loads((tmp_path / "st.lazyinit-journal.json").read_text())
    assert "done" in journal


@pytest.mark.parametrize(
    "value", [0, -1, "0", "-1GB", "2XB", "abc", None, float("nan"), True]
)
def test_bad_max_memory_values_are_value_errors(tmp_path, value):
    """Every nonsensical budget is refused with an error naming
    ``max_memory`` and the value (this works today; kept as a guard)."""
    with pytest.raises(ValueError, match="max_memory"):
        li.materialize_to(
            li.ones((3,)), tmp_path / "w.npy", max_memory=value, progress=False
        )


# ---------------------------------------------------------------- max_bytes


def test_max_bytes_as_string_is_a_clear_error():
    """``materialize_to`` accepts ``max_memory="1GB"``, so a user tries
    ``max_bytes="1GB"``. Expected: either it is parsed the same way, or a
    TypeError naming ``max_bytes``; today Python's ``'>' not supported
    between instances of 'int' and 'str'`` escapes from the evaluator."""
    try:
        out = li.evaluate(li.ones((4,)) + 1.0, max_bytes="1GB")
    except TypeError as error:
        assert "max_bytes" in str(error)
    else:
        assert out.tolist() == [2.0] * 4


def test_max_bytes_nan_is_rejected_not_ignored():
    """``max_bytes=nan`` compares false with everything, so today no limit
    is enforced at all: a silent no-op of a safety limit. Expected a
    ValueError naming ``max_bytes``."""
    with pytest.raises(ValueError, match=r"max_bytes.*nan"):
        li.evaluate(
            li.ones((1000, 1000)) + li.random_normal((1000,), seed=0),
            max_bytes=float("nan"),
        )


def test_negative_max_bytes_is_an_argument_error():
    """``max_bytes=-1`` is a wrong argument, not a plan that is too big:
    expected a ValueError saying the limit must be non-negative, rather than
    "the plan needs 4 B ... above max_bytes=-1"."""
    with pytest.raises(ValueError, match=r"max_bytes.*(negative|positive)"):
        li.evaluate(li.asarray(np.float32(1)) + 1.0, max_bytes=-1)


# ---------------------------------------------------------------- to_dask


def test_to_dask_zero_chunks_is_a_value_error():
    """``chunks=0`` must raise a ValueError naming ``chunks``, not a
    ``ZeroDivisionError`` from inside ``dask.array.core``."""
    pytest.importorskip("dask.array")
    with pytest.raises(ValueError, match="chunks"):
        li.to_dask(li.ones((10, 6)), chunks=0)


@pytest.mark.parametrize("chunks", [(3,), (3, 3, 3), ((5, 5),)])
def test_to_dask_wrong_length_chunks_raise_from_lazyinit(chunks):
    """Chunks with the wrong number of axes are refused by ``to_dask``
    itself (a lazyinit error naming the tensor's shape), not by a
    ``ValueError`` raised deep in ``dask.array.core``."""
    pytest.importorskip("dask.array")
    with pytest.raises(li.LazyValueError, match=r"chunks.*\(10, 6\)"):
        li.to_dask(li.ones((10, 6)), chunks=chunks)


def test_to_dask_non_string_name_is_rejected_at_entry():
    """``name=3`` builds a Dask array whose ``compute()`` fails with
    ``Missing dependency ('3', 1, 1)``. Expected a TypeError from
    ``to_dask`` naming ``name``."""
    pytest.importorskip("dask.array")
    with pytest.raises(TypeError, match="name"):
        li.to_dask(li.ones((10, 6)), chunks=5, name=3)


def test_to_dask_of_unfed_placeholder_fails_at_entry():
    """``to_dask`` has no feed, so a graph with a placeholder can never be
    computed; the error belongs in ``to_dask``, not in a Dask worker at
    ``compute()``."""
    pytest.importorskip("dask.array")
    with pytest.raises(ValueError, match="placeholder 'x'"):
        li.to_dask(li.placeholder("x", (2, 2)) + 1.0, chunks=1)


@pytest.mark.parametrize(
    "chunks", [-1, (-1, 3), "auto", {0: 5}, (100, 100), ((0, 10), (6,))]
)
def test_to_dask_edge_chunks_are_bit_identical(chunks):
    """Chunks larger than the shape, -1, 'auto', dicts and empty chunks
    all compute to exactly the eager result."""
    pytest.importorskip("dask.array")
    w = li.random_normal((10, 6), seed=0) * 2.0
    assert li.to_dask(w, chunks=chunks).compute().tobytes() == w.numpy().tobytes()


def test_to_dask_zero_size_and_0d():
    """A zero-size and a 0-d tensor convert and compute."""
    pytest.importorskip("dask.array")
    assert li.to_dask(li.zeros((0, 4)) + 1.0, chunks=2).compute().shape == (0, 4)
    scalar = li.asarray(np.float32(2)) + 1.0
    assert li.to_dask(scalar, chunks="auto").compute() == np.float32(3)


# ---------------------------------------------------------------- NumPy interop


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_np_matrix_times_lazy_tensor_is_not_silently_elementwise():
    """For ``np.matrix``, ``*`` is the matrix product. ``M * t`` returns a
    lazy *elementwise* product today: a silent wrong result. Expected a
    TypeError refusing ``np.matrix``, or the matrix product."""
    a = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    m = np.matrix(a)
    try:
        result = m * li.asarray(a)
    except TypeError:
        return
    np.testing.assert_array_equal(np.asarray(result), np.asarray(m * a))


def test_np_add_with_masked_array_does_not_drop_the_mask():
    """``np.add(t, masked)`` returns a plain lazy tensor whose masked
    entries are ordinary values: the mask is silently lost. A lazy tensor
    cannot hold a mask, so expected a TypeError naming the masked array."""
    masked = np.ma.masked_array(A, mask=A > 0)
    with pytest.raises(TypeError, match=r"[Mm]asked"):
        np.add(lazy(), masked)


def test_masked_array_plus_lazy_tensor_does_not_evaluate():
    """``masked + t`` evaluates ``t`` eagerly (through ``__array__``) and
    returns a MaskedArray; with a placeholder it fails with "not fed".
    Nothing but ``np.asarray`` may compute values, so expected a TypeError
    that names the masked array."""
    masked = np.ma.masked_array(A, mask=A > 0)
    with pytest.raises(TypeError, match=r"[Mm]asked"):
        masked + li.placeholder("x", (2, 3))


@pytest.mark.parametrize(
    "call",
    [
        lambda t: np.add(t, 1, out=np.empty((2, 3), np.float32)),
        lambda t: np.add(t, 1, where=A > 0),
        lambda t: np.add(t, 1, dtype=np.float64),
        lambda t: np.add.reduce(t),
        lambda t: np.add.outer(t, t),
        lambda t: np.add.accumulate(t),
        lambda t: np.cumsum(t),
        lambda t: np.sort(t),
        lambda t: np.allclose(t, A),
        lambda t: np.sum(t, out=np.empty(3)),
        lambda t: np.where(t > 0),
    ],
)
def test_unsupported_numpy_calls_are_lazy_type_errors(call):
    """Refused calls raise LazyTypeError (guard; works today)."""
    with pytest.raises(li.LazyTypeError, match="lazy"):
        call(lazy())


@pytest.mark.parametrize(
    ("lazy_call", "eager_call"),
    [
        (lambda t: np.add(t, 1), lambda a: np.add(a, 1)),
        (lambda t: np.exp(t), lambda a: np.exp(a)),
        (
            lambda t: np.sum(t, axis=-1, keepdims=True),
            lambda a: np.sum(a, axis=-1, keepdims=True),
        ),
        (
            lambda t: np.concatenate([t, A], axis=None),
            lambda a: np.concatenate([a, A], axis=None),
        ),
        (lambda t: np.where(t > 0, t, 0), lambda a: np.where(a > 0, a, 0)),
        (lambda t: np.float64(1) + t, lambda a: np.float64(1) + a),
        (lambda t: np.sum(t[0, 0]), lambda a: np.sum(a[0, 0])),
        (
            lambda t: np.mean(li.zeros((0, 3)) + t[:0], axis=0),
            lambda a: np.mean(np.zeros((0, 3), np.float32) + a[:0], axis=0),
        ),
    ],
)
def test_numpy_interop_matches_eager(lazy_call, eager_call):
    """Supported calls equal eager NumPy in shape, dtype and values."""
    with np.errstate(invalid="ignore"):
        got = np.asarray(lazy_call(lazy()))
        want = np.asarray(eager_call(A))
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


# ---------------------------------------------------------------- array API


@pytest.mark.parametrize(
    "call",
    [
        lambda xp: xp.finfo(xp.int32),
        lambda xp: xp.iinfo(xp.float32),
        lambda xp: xp.isdtype(xp.float32, "banana"),
        lambda xp: xp.asarray([[1], [1, 2]]),
    ],
    ids=["finfo-int", "iinfo-float", "isdtype-kind", "asarray-ragged"],
)
def test_array_api_bad_arguments_raise_lazyinit_errors(call):
    """The namespace's functions check their arguments: a lazyinit error
    (which is also a ValueError/TypeError), not NumPy's ``data type <class
    'numpy.int32'> not inexact`` from ``getlimits.py``. The docs promise
    that every error lazyinit raises derives from LazyInitError."""
    xp = lazy().__array_namespace__()
    with pytest.raises(li.LazyInitError):
        call(xp)


def test_array_api_index_of_lazy_tensor_is_type_error():
    """The namespace's docstring says ``x.__index__()`` raises TypeError;
    today the attribute does not exist (AttributeError)."""
    with pytest.raises(TypeError, match=r"LazyTensor|lazy"):
        li.asarray(np.int64(1)).__index__()


def test_array_api_namespace_version_checks():
    """Unknown ``api_version`` values are refused naming the value."""
    with pytest.raises(ValueError, match=r"1999\.01"):
        lazy().__array_namespace__(api_version="1999.01")


# ---------------------------------------------------------------- display


@pytest.mark.parametrize(
    "call",
    [
        lambda: li.explain(),
        lambda: li.to_dot(),
        lambda: li.draw(),
        lambda: li.explain(np.ones(3)),
        lambda: lazy()[::0],
    ],
    ids=["explain-none", "to_dot-none", "draw-none", "explain-ndarray", "slice-step-0"],
)
def test_display_and_slicing_errors_derive_from_lazyiniterror(call):
    """``except li.LazyInitError`` must catch every error lazyinit raises
    (docs/api.md, "Errors"); today these raise plain ValueError/TypeError."""
    with pytest.raises(li.LazyInitError):
        call()


@pytest.mark.parametrize(
    "tensor",
    [
        li.asarray(np.float32(3)) + 1.0,
        li.zeros((0, 5)) * 2.0,
        li.random_normal((2**31, 2**31, 2**20), seed=0) + 1.0,
        li.placeholder('odd\n"<b>&', ()) + 1.0,
    ],
    ids=["0d", "zero-size", "huge", "odd-placeholder"],
)
def test_display_of_odd_graphs(tensor):
    """0-d, zero-size, huge and oddly named graphs display without
    allocating; HTML escapes the placeholder's name."""
    assert li.explain(tensor, simplified=True)
    assert li.to_dot(tensor).startswith("digraph")
    html = tensor._repr_html_()
    assert "<b>" not in html
    assert li.estimate(tensor).output_bytes == tensor.nbytes
