"""Timing of one check at a time, split by outcome, and the table the benchmarks print."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sample import Pair


@dataclass(frozen=True, slots=True)
class Figures:
    engine: str
    backend: str
    outcome: str
    samples: int
    p50_us: float
    p99_us: float
    mean_us: float
    max_us: float
    #: Median CPU time of this thread per check: the wall time without the waits for a core
    #: (on a busy machine) and without the server's work (PostgreSQL).
    cpu_p50_us: float = float("nan")

    @property
    def per_second(self) -> float:
        return 1e6 / self.mean_us if self.mean_us else 0.0

    def row(self) -> str:
        return (f"| {self.engine} | {self.backend} | {self.outcome} | {self.samples} | "
                f"{self.p50_us:.1f} | {self.p99_us:.1f} | {self.mean_us:.1f} | "
                f"{self.max_us:.0f} | {self.per_second:,.0f} | {self.cpu_p50_us:.1f} |")


HEADER = ("| engine | data | outcome | samples | p50 µs | p99 µs | mean µs | max µs | "
          "checks/s | CPU p50 µs |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|")


def percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def figures(engine: str, backend: str, outcome: str, samples_ns: list[int],
            cpu_ns: list[int]) -> Figures:
    values = sorted(v / 1000 for v in samples_ns)
    mean = sum(values) / len(values) if values else float("nan")
    return Figures(engine, backend, outcome, len(values), percentile(values, 0.5),
                   percentile(values, 0.99), mean, values[-1] if values else float("nan"),
                   percentile(sorted(v / 1000 for v in cpu_ns), 0.5))


def measure(engine: str, backend: str, check: Callable[[str, Any], Any], pairs: Sequence[Pair],
            allowed: Sequence[bool], rounds: int,
            agree: Callable[[Any, bool], bool] | None = None) -> tuple[list[Figures], int]:
    """Time `check(person, applicant)` once per pair per round (after one warm-up round).

    Returns the figures for allowed, denied and all pairs, and the number of pairs whose
    answer differs from the reference (`agree(answer, allowed)` false).
    """
    disagreements = 0
    for (person, applicant), expected in zip(pairs, allowed, strict=True):
        answer = check(person, applicant)
        if agree is not None and not agree(answer, expected):
            disagreements += 1
    by_outcome: dict[bool, list[int]] = {True: [], False: []}
    cpu: dict[bool, list[int]] = {True: [], False: []}
    clock, cpu_clock = time.perf_counter_ns, time.thread_time_ns
    gc.collect()
    for _ in range(rounds):
        for (person, applicant), expected in zip(pairs, allowed, strict=True):
            cpu_started = cpu_clock()
            started = clock()
            check(person, applicant)
            ended = clock()
            cpu[expected].append(cpu_clock() - cpu_started)
            by_outcome[expected].append(ended - started)
    rows = [figures(engine, backend, "allowed", by_outcome[True], cpu[True]),
            figures(engine, backend, "denied", by_outcome[False], cpu[False]),
            figures(engine, backend, "all", by_outcome[True] + by_outcome[False],
                    cpu[True] + cpu[False])]
    return rows, disagreements
