"""Out-of-core throughput: materializing a lazy RandomNormal into a memory
map, against NumPy's generator writing the same bytes into the same map.

Run ``python benchmarks/bench_materialize.py [GB]`` (default 4 GB of
float32). With ``--cluster`` it also writes 10**8 elements to a Zarr store
on a two-process Dask LocalCluster and checks them against one process.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from numpy.lib.format import open_memmap

import lazyinit as li


def _numpy_into_memmap(path: Path, count: int, chunk: int) -> float:
    start = time.perf_counter()
    target = open_memmap(path, "w+", np.float32, (count,))
    rng = np.random.default_rng(0)
    for begin in range(0, count, chunk):
        end = min(begin + chunk, count)
        rng.standard_normal(end - begin, dtype=np.float32, out=target[begin:end])
    target.flush()
    del target
    return time.perf_counter() - start


def _lazyinit_into_memmap(path: Path, count: int, max_memory: int) -> float:
    start = time.perf_counter()
    tensor = li.random_normal((count,), seed=0)
    li.materialize_to(tensor, path, max_memory=max_memory, progress=False)
    return time.perf_counter() - start


def _cluster(directory: Path) -> None:
    import distributed
    import zarr

    tensor = li.random_normal((100_000, 1000), seed=7)
    options = {"format": "zarr", "max_memory": "256MB", "progress": False}
    start = time.perf_counter()
    li.materialize_to(tensor, directory / "single.zarr", **options)
    single_seconds = time.perf_counter() - start
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        start = time.perf_counter()
        li.materialize_to(tensor, directory / "cluster.zarr", client=client, **options)
        cluster_seconds = time.perf_counter() - start
    single = zarr.open_array(str(directory / "single.zarr"), mode="r")
    clustered = zarr.open_array(str(directory / "cluster.zarr"), mode="r")
    equal = all(
        np.array_equal(single[k : k + 10_000], clustered[k : k + 10_000])
        for k in range(0, 100_000, 10_000)
    )
    print(
        f"zarr 10**8 float32: one process {single_seconds:.1f} s, 2-process "
        f"LocalCluster {cluster_seconds:.1f} s, equal: {equal}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("gigabytes", nargs="?", type=float, default=4.0)
    parser.add_argument("--max-memory", default="512MB")
    parser.add_argument("--cluster", action="store_true")
    args = parser.parse_args()

    count = int(args.gigabytes * 1e9) // 4
    max_memory = li.materialize.parse_bytes(args.max_memory)
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        numpy_seconds = _numpy_into_memmap(
            directory / "numpy.npy", count, max_memory // 8 // 4
        )
        (directory / "numpy.npy").unlink()
        lazy_seconds = _lazyinit_into_memmap(directory / "lazy.npy", count, max_memory)
        gigabytes = count * 4 / 1e9
        print(f"{gigabytes:.1f} GB of float32 normals into a memory map:")
        for label, seconds in (
            ("numpy default_rng().standard_normal", numpy_seconds),
            ("lazyinit materialize_to", lazy_seconds),
        ):
            print(f"  {label:36} {gigabytes / seconds:.2f} GB/s")
        (directory / "lazy.npy").unlink()
        if args.cluster:
            _cluster(directory)


if __name__ == "__main__":
    main()
