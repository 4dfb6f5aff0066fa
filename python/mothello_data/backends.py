"""Where shards are generated: threads in this process (default) or a Dask cluster.

Both run the same pure function, :func:`mothello_data.shards.generate_shard`, one call per shard,
so a shard's bytes never depend on the backend. With Dask every worker writes straight into the
output folder, which must therefore be a path all workers see (a shared file system).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Optional, Sequence

from .plan import Plan, Shard
from .shards import ShardRecord, generate_shard, use_writer_memory_pool

BACKENDS = ("threads", "dask")


class BackendError(Exception):
    """The backend cannot run (Dask not installed, scheduler unreachable)."""


def run_threads(plan: Plan, shards: Sequence[Shard], out: str, threads: int,
                on_done: Callable[[ShardRecord], None], progress: Optional[Callable[[int], None]] = None) -> list[ShardRecord]:
    """Shards in parallel on a thread pool; the engine's own threads share the rest of the cores."""
    workers = max(1, min(threads, len(shards)))
    engine_threads = max(1, threads // workers)

    def one(shard: Shard) -> ShardRecord:
        record = generate_shard(plan, shard, out, threads=engine_threads, progress=progress)
        on_done(record)
        return record

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, shards))


def _dask_task(plan: Plan, shard: Shard, out: str) -> ShardRecord:
    # One engine thread per task: a Dask worker runs as many tasks at once as it has threads.
    use_writer_memory_pool()  # (in the worker's process)
    return generate_shard(plan, shard, out, threads=1)


def require_dask(scheduler: Optional[str] = None, timeout: float = 10) -> None:
    """Fail early, before any output is written: Dask missing, or the scheduler unreachable."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise BackendError('--backend dask needs Dask: pip install "mothello-data[dask]"') from None
    if scheduler:
        try:
            Client(scheduler, timeout=timeout).close()
        except (OSError, TimeoutError) as exc:
            raise BackendError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None


def run_dask(plan: Plan, shards: Sequence[Shard], out: str, threads: int, scheduler: Optional[str],
             on_done: Callable[[ShardRecord], None], progress: Optional[Callable[[int], None]] = None) -> list[ShardRecord]:
    """Shards as tasks on the Dask cluster at ``scheduler`` (``tcp://host:8786``), or on a local
    cluster of ``threads`` single-threaded worker processes when no address is given."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise BackendError('--backend dask needs Dask: pip install "mothello-data[dask]"') from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=30)
        else:
            cluster = LocalCluster(n_workers=threads, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise BackendError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    try:
        futures = client.map(_dask_task, [plan] * len(shards), list(shards), [out] * len(shards),
                             key=[f"mothello-{s.filename}" for s in shards], pure=False)
        records = {}
        for future in as_completed(futures):
            record = future.result()  # re-raises a task's exception here
            records[record.file] = record
            on_done(record)
            if progress:
                progress(record.end_game - record.first_game)
        return [records[s.filename] for s in shards]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_shards(plan: Plan, shards: Sequence[Shard], out: str, threads: int, backend: str = "threads",
               scheduler: Optional[str] = None, on_done: Callable[[ShardRecord], None] = lambda r: None,
               progress: Optional[Callable[[int], None]] = None) -> list[ShardRecord]:
    """Generate ``shards`` of ``plan`` under ``out`` on ``backend``; ``on_done`` sees each record as
    its shard is finished (to journal it); returns the records in ``shards`` order."""
    if not shards:
        return []
    if backend == "threads":
        return run_threads(plan, shards, out, threads, on_done, progress)
    if backend == "dask":
        return run_dask(plan, shards, out, threads, scheduler, on_done, progress)
    raise BackendError(f"unknown backend {backend!r} (choose from {', '.join(BACKENDS)})")
