"""li.materialize_to: chunk by chunk to npy, zarr and safetensors, within a
memory budget, resuming after an interruption with identical bytes."""

import json
import os
import resource
from pathlib import Path

import numpy as np
import pytest

import lazyinit as li
from lazyinit.cli import main
from lazyinit.materialize import chunk_regions, parse_bytes


def _tensors():
    return {
        "h.0.weight": li.random_normal((300, 70), seed=1),
        "h.0.bias": li.zeros((70,)),
        "ln.scale": li.ones((70,), dtype="float16"),
        "proj": li.transpose(li.random_uniform((40, 30), -1, 1, seed=2)) * 0.5,
        "steps": li.random_uniform((3, 4, 5), 0, 9, dtype="int32", seed=3),
    }


def _files(root):
    root = Path(root)
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


class Interrupted(Exception):
    pass


def _stop_after(count):
    def on_chunk(done, total):
        if done == count:
            raise Interrupted

    return on_chunk


@pytest.mark.parametrize("form", ["npy", "safetensors", "zarr"])
def test_values_equal_the_eager_evaluation(form, tmp_path):
    if form == "zarr":
        zarr = pytest.importorskip("zarr")
    tensors = _tensors()
    target = tmp_path / "out"
    li.materialize_to(tensors, target, format=form, max_memory="16KiB", progress=False)
    for name, tensor in tensors.items():
        if form == "npy":
            values = np.load(target / f"{name}.npy")
        elif form == "zarr":
            values = zarr.open_group(str(target), mode="r")[name][...]
        else:
            values = _load_safetensors(target)[name]
        assert values.dtype == tensor.dtype
        assert values.tobytes() == tensor.numpy().tobytes()


def _load_safetensors(target):
    from safetensors.numpy import load_file

    loaded = {}
    for path in sorted(Path(target).glob("*.safetensors")):
        loaded.update(load_file(path))
    return loaded


def test_safetensors_shards_and_their_index(tmp_path):
    pytest.importorskip("safetensors")
    tensors = _tensors()
    li.materialize_to(
        tensors, tmp_path, format="safetensors", shard_size="50KB", progress=False
    )
    index = json.loads((tmp_path / "model.safetensors.index.json").read_text())
    assert set(index["weight_map"]) == set(tensors)
    assert len(set(index["weight_map"].values())) > 1
    loaded = _load_safetensors(tmp_path)
    assert all(loaded[n].tobytes() == t.numpy().tobytes() for n, t in tensors.items())


@pytest.mark.parametrize("form", ["npy", "safetensors", "zarr"])
@pytest.mark.parametrize("stop", [1, 7, 30])
def test_an_interrupted_run_resumes_to_identical_bytes(form, stop, tmp_path):
    if form == "zarr":
        pytest.importorskip("zarr")
    tensors = _tensors()
    options = {"format": form, "max_memory": "16KiB", "progress": False}
    fresh, resumed = tmp_path / "fresh", tmp_path / "resumed"
    li.materialize_to(tensors, fresh, **options)

    with pytest.raises(Interrupted):
        li.materialize_to(tensors, resumed, on_chunk=_stop_after(stop), **options)
    journal = json.loads(Path(f"{resumed}.lazyinit-journal.json").read_text())
    assert journal["done"] == [[0, stop]]
    written = []
    li.materialize_to(
        tensors, resumed, on_chunk=lambda done, total: written.append(done), **options
    )

    assert written[0] == stop + 1
    assert _files(resumed) == _files(fresh)


def test_a_journal_of_other_tensors_is_ignored(tmp_path):
    target = tmp_path / "w.npy"
    with pytest.raises(Interrupted):
        li.materialize_to(
            li.random_normal((64, 64), seed=1),
            target,
            max_memory="8KiB",
            progress=False,
            on_chunk=_stop_after(2),
        )
    other = li.random_normal((64, 64), seed=2)
    li.materialize_to(other, target, max_memory="8KiB", progress=False)
    assert np.load(target).tobytes() == other.numpy().tobytes()


def test_memory_stays_within_the_budget(tmp_path):
    # 64 MB of float32 through a 16 MB budget; the file is written, not mapped.
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    big = li.random_normal((4096, 4096), seed=1)
    li.materialize_to(big, tmp_path / "big.npy", max_memory="16MB", progress=False)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    assert grown < 16e6
    sample = np.load(tmp_path / "big.npy", mmap_mode="r")[4000:4010]
    assert sample.tobytes() == li.evaluate(big[4000:4010]).tobytes()


def test_chunk_regions_are_contiguous_runs():
    block, regions = chunk_regions((3, 5, 7), 4, 4 * 7 * 2)
    assert block == (1, 2, 7)
    starts = [start for _, start, _ in regions]
    sizes = [size for _, _, size in regions]
    assert starts == list(np.cumsum([0, *sizes[:-1]]))
    assert sum(sizes) == 3 * 5 * 7


def test_bad_arguments():
    with pytest.raises(ValueError, match="format must be one of"):
        li.materialize_to(li.ones(3), "x", format="hdf5")
    with pytest.raises(TypeError, match="tensor 'a' is a ndarray"):
        li.materialize_to({"a": np.ones(3)}, "x")
    with pytest.raises(ValueError, match="expected a byte count"):
        parse_bytes("many")


def test_cli_materialize_writes_a_loadable_checkpoint(tmp_path, capsys):
    pytest.importorskip("safetensors")
    config = {
        "model_type": "gpt2",
        "vocab_size": 50,
        "n_positions": 16,
        "n_embd": 8,
        "n_layer": 2,
        "n_head": 2,
    }
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    out = tmp_path / "ckpt"

    code = main(["materialize", str(path), str(out), "--max-memory", "64KiB"])

    assert code == 0
    assert "writing" in capsys.readouterr().out
    params = li.models.build_parameters(li.models.load_config(str(path)))
    loaded = _load_safetensors(out)
    assert set(loaded) == set(params)
    for name, param in params.items():
        assert loaded[name].tobytes() == param.tensor.numpy().tobytes()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["materialize", "gpt2", "OUT", "--max-memory", "lots"], "--max-memory"),
        (["materialize", "no-such-model", "OUT"], "error"),
        (["materialize", "gpt2", "OUT", "--workers", "-1"], "--workers"),
    ],
)
def test_cli_materialize_errors_exit_2(argv, message, capsys, tmp_path):
    argv = [str(tmp_path / a) if a == "OUT" else a for a in argv]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "OUT")


def test_a_local_cluster_writes_a_zarr_store_equal_to_one_process(tmp_path):
    zarr = pytest.importorskip("zarr")
    distributed = pytest.importorskip("distributed")
    tensor = li.random_normal((10_000, 1000), seed=7)  # 10**7 elements, 40 MB
    options = {"format": "zarr", "max_memory": "32MB", "progress": False}
    li.materialize_to(tensor, tmp_path / "single.zarr", **options)

    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        li.materialize_to(tensor, tmp_path / "cluster.zarr", client=client, **options)
        # Workers write their chunks and return None: none keeps a chunk.
        held = client.run(
            lambda dask_worker: sum(
                isinstance(value, np.ndarray) for value in dask_worker.data.values()
            )
        )
        assert set(held.values()) == {0}
        array = li.to_dask(tensor, chunks=(1000, 1000))
        total = client.compute(array.sum()).result()

    single = zarr.open_array(str(tmp_path / "single.zarr"), mode="r")[...]
    clustered = zarr.open_array(str(tmp_path / "cluster.zarr"), mode="r")[...]
    assert clustered.tobytes() == single.tobytes()
    assert single.tobytes() == tensor.numpy().tobytes()
    assert total == pytest.approx(float(single.sum(dtype=np.float64)), rel=1e-4)
