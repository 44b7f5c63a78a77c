"""When ``run --parallel N`` hands its datasets to worker processes, and when it judges them itself.

A worker pays for itself only when what is left to judge outweighs its start (a spawned
process importing polars and the engines: ~0.4 s of CPU, ~0.35 s wall) and leaves a core
idle for it to use. On the 2-core benchmark machine neither held for a few datasets, nor for
large ones, which polars already judges on every core: 4 datasets of 2M rows took 1.35-1.51x
their serial time with ``--parallel 2``, 4 of 10M rows 1.19x.

So, unless the workers are running already (started early for many suite files, see
:func:`stewardgate.runner.workers_started_early`, or by an earlier night of a backfill), the
parent judges the datasets itself, one after another, while :func:`hand_over` says no: until
it has spent :data:`SERIAL_BUDGET_S` judging, for as long as what is left, at the pace so far,
would not earn a worker's start back (:data:`WORTH_S`), and for as long as the datasets it
judged kept the cores busy (:data:`SATURATED`). The rest then goes to the workers. What the
rule can cost against workers from the start is what the parent judged before handing over:
:data:`SERIAL_BUDGET_S`, or the one dataset that took longer (it decides between datasets),
every dataset while what is left is short (which workers would barely have shortened), and
every dataset while they fill the cores (where workers would not have been faster). A run of
a few small or core-filling datasets is no slower than serial.
The parent measures only its own judging (the process's CPU time covers polars' threads); the
store writes between datasets are not counted.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

SERIAL_BUDGET_S = 0.8
"""Seconds of judging the parent does itself before workers may take the rest (about two
workers' start); 0 hands every dataset to the workers at once."""

SATURATED = 0.75
"""The share of the cores that the parent's judging kept busy (CPU time ÷ wall time ÷ cores)
from which a dataset counts as filling the machine: workers would only share its cores."""

WORTH_S = 1.5
"""The seconds of judging left (estimated from the datasets judged so far) from which workers
earn back their start: two workers take ~0.8 s of CPU to start on the 2-core machine, and the
rest then runs ~1.6x as fast, so below ~1.1 s left they lose; 1.5 s leaves a margin. Measured
before this estimate (2026-12-07): 150 small datasets, handed over after 0.8 s with ~0.6 s
left, took 1.26-1.32x their serial time."""


@dataclass
class Spent:
    """Wall and CPU seconds the parent has spent judging datasets itself."""

    wall: float = 0.0
    cpu: float = 0.0
    datasets: int = 0

    def timed(self, action: Callable[[], T]) -> T:
        """``action()``, its wall and CPU time added."""
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return action()
        finally:
            self.wall += time.perf_counter() - wall
            self.cpu += time.process_time() - cpu
            self.datasets += 1


def hand_over(
    spent: Spent, remaining: int, *, cores: int | None = None, budget: float | None = None, worth: float | None = None
) -> bool:
    """Whether the ``remaining`` datasets should go to workers now (see the module docstring).

    One dataset left is never handed over: the parent would only wait for it."""
    budget = SERIAL_BUDGET_S if budget is None else budget
    worth = WORTH_S if worth is None else worth
    if budget <= 0:
        return remaining > 0
    if remaining < 2 or spent.wall < budget:
        return False
    if remaining * spent.wall / max(spent.datasets, 1) < worth:  # what is left would not earn their start back
        return False
    return spent.cpu < SATURATED * (cores or usable_cores()) * spent.wall


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform says)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
