"""Data-parallel training with ``torch.distributed`` on one machine (Chapter 7).

Two (or more) worker *processes* each hold a full copy of a small model, compute the
gradient on their own shard of every batch, and average the gradients with an
all-reduce over the gloo backend, so every copy takes the same optimiser step. This is
what ``DistributedDataParallel`` does, written out so that you can see it.

The workers talk over TCP on the loopback interface (127.0.0.1) only. The rendezvous is
a ``TCPStore`` that the parent process opens on a port the operating system picks, so no
port is hard-coded or printed. Workers are started with the ``spawn`` method (the worker
function must live in an importable module, which is why it is here and not in the
notebook), and they are always joined or terminated, even when something fails.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

#: Seconds a worker may take before the parent gives up and terminates it.
TIMEOUT_S = 120


def loopback_interface() -> str:
    """The name of the loopback network interface ("lo" on Linux, "lo0" on macOS)."""
    names = [name for _, name in socket.if_nameindex() if name.startswith("lo")]
    return names[0] if names else "lo"


def make_model(seed: int = 0) -> nn.Sequential:
    """The small float64 MLP 64 → 32 → 10 that every worker and the reference start from.

    The dtype is explicit: initialising in the process's default dtype and converting
    afterwards would give different weights in a parent that defaults to float64.
    """
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Linear(64, 32, dtype=torch.float64), nn.ReLU(), nn.Linear(32, 10, dtype=torch.float64)
    )


def shard(n_rows: int, rank: int, world: int) -> slice:
    """Rows of a batch of ``n_rows`` that worker ``rank`` of ``world`` processes."""
    return slice(rank * n_rows // world, (rank + 1) * n_rows // world)


@dataclass(frozen=True)
class WorkerResult:
    """What one worker sends back: gradients of step 1 and parameters after training."""

    rank: int
    first_gradients: list  # NumPy arrays, one per parameter tensor
    final_parameters: list  # NumPy arrays, one per parameter tensor
    allreduce_seconds: dict  # {number of float32 values: median seconds per all-reduce}


def _worker(rank, world, port, X, y, steps, lr, batch_size, sizes, queue):
    """One data-parallel worker (runs in its own process)."""
    from mlskills.measure import time_calls

    torch.set_num_threads(1)
    os.environ["GLOO_SOCKET_IFNAME"] = loopback_interface()
    store = torch.distributed.TCPStore("127.0.0.1", port, world + 1, is_master=False)
    torch.distributed.init_process_group("gloo", store=store, rank=rank, world_size=world)
    try:
        model = make_model()
        optimiser = torch.optim.SGD(model.parameters(), lr=lr)
        first = None
        for step in range(steps):
            rows = slice((step * batch_size) % len(X), (step * batch_size) % len(X) + batch_size)
            xb, yb = X[rows], y[rows]
            mine = shard(len(xb), rank, world)
            # the shard's *sum* of losses, divided by the global batch size: after the
            # all-reduce SUM, the gradient is exactly that of the mean loss over the batch
            loss = F.cross_entropy(model(xb[mine]), yb[mine], reduction="sum") / len(xb)
            optimiser.zero_grad()
            loss.backward()
            for p in model.parameters():
                torch.distributed.all_reduce(p.grad, op=torch.distributed.ReduceOp.SUM)
            if first is None:
                first = [p.grad.numpy().copy() for p in model.parameters()]
            optimiser.step()
        timings = {}
        for n in sizes:
            payload = torch.ones(n, dtype=torch.float32)
            seconds = time_calls(
                lambda payload=payload: torch.distributed.all_reduce(payload), warmup=3, repeats=15
            )
            timings[n] = float(sorted(seconds)[len(seconds) // 2])
        queue.put(
            # NumPy arrays, not tensors: tensors would travel as shared memory that
            # vanishes when this process exits
            WorkerResult(
                rank, first, [p.detach().numpy().copy() for p in model.parameters()], timings
            )
        )
    finally:
        torch.distributed.destroy_process_group()


def run_data_parallel(
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    world: int = 2,
    steps: int = 20,
    lr: float = 0.1,
    batch_size: int = 64,
    sizes: tuple[int, ...] = (),
) -> list[WorkerResult]:
    """Train :func:`make_model` data-parallel on ``world`` processes; results by rank.

    ``sizes`` lists payloads (numbers of float32 values) whose all-reduce time each
    worker measures after training.
    """
    ctx = torch.multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    # the rendezvous: the OS picks a free loopback port (port 0), workers connect to it
    store = torch.distributed.TCPStore(
        "127.0.0.1", 0, world + 1, is_master=True, wait_for_workers=False
    )
    workers = [
        ctx.Process(
            target=_worker,
            args=(rank, world, store.port, X, y, steps, lr, batch_size, sizes, queue),
            daemon=True,
        )
        for rank in range(world)
    ]
    try:
        for w in workers:
            w.start()
        results = [queue.get(timeout=TIMEOUT_S) for _ in workers]
        for w in workers:
            w.join(timeout=TIMEOUT_S)
    finally:
        for w in workers:
            if w.is_alive():
                w.terminate()
                w.join()
        del store
    failed = [w.exitcode for w in workers if w.exitcode != 0]
    if failed:
        raise RuntimeError(f"a data-parallel worker exited with code {failed[0]}")
    return sorted(results, key=lambda r: r.rank)


def train_single_process(
    X: torch.Tensor, y: torch.Tensor, *, steps: int = 20, lr: float = 0.1, batch_size: int = 64
) -> tuple[list, list]:
    """The same training in one process: (gradients of step 1, final parameters)."""
    model = make_model()
    optimiser = torch.optim.SGD(model.parameters(), lr=lr)
    first = None
    for step in range(steps):
        rows = slice((step * batch_size) % len(X), (step * batch_size) % len(X) + batch_size)
        loss = F.cross_entropy(model(X[rows]), y[rows])
        optimiser.zero_grad()
        loss.backward()
        if first is None:
            first = [p.grad.numpy().copy() for p in model.parameters()]
        optimiser.step()
    return first, [p.detach().numpy().copy() for p in model.parameters()]


def ring_allreduce_seconds(
    n_bytes: float, workers: int, bandwidth_bytes_s: float, latency_s: float
) -> float:
    """Time of a ring all-reduce: 2(p-1) steps, each moving n/p bytes and paying latency."""
    if workers < 2:
        return 0.0
    steps = 2 * (workers - 1)
    return steps * latency_s + steps * (n_bytes / workers) / bandwidth_bytes_s
