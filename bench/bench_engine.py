"""Time state resolution in the engine: the cost of one answer (target: at most 20 µs).

Run: `.venv/bin/python bench/bench_engine.py` (about 5 s; `--rounds` to change).

Workloads, over all paths of the seed flow `externe-dienstverlener` (`guide.paths(flow)`),
in the flow's order, every round the same:

- answer:      from `guide.start(flow)`, `guide.answer(state, question, value)` for each step
               of the path in turn; each call is timed on its own (one sample per answer).
- resolve:     `guide.resolve(flow, path.answers)`, each call timed on its own; the sample
               is the call's time divided by the number of answers it resolves.
- from_query:  `guide.from_query(flow, path.query)`, the same with query parsing, as the CLI
               and the web do it; reported for information.

Timer: time.perf_counter_ns around each call (its own cost, printed as "timer overhead",
is included in every sample and not subtracted). The garbage collector stays on, as in use;
a warm-up of `--warmup` rounds comes first. The flow is loaded (and checked) once, outside
the timing. The target is judged on p99 of the per-answer samples.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from typing import TypeVar

import _machine
from mandaatwijzer import guide

FLOW = "externe-dienstverlener"
TARGET_US = 20.0
T = TypeVar("T")


def timer_overhead(samples: int = 100_000) -> float:
    clock = time.perf_counter_ns
    best = []
    for _ in range(samples):
        t0 = clock()
        t1 = clock()
        best.append(t1 - t0)
    return statistics.median(best)


def bench_answer(flow: guide.Flow, paths: list[guide.Path], rounds: int) -> list[float]:
    clock = time.perf_counter_ns
    answer, start = guide.answer, guide.start
    steps = [[(s.question.id, s.answer) for s in path.steps] for path in paths]
    samples: list[float] = []
    add = samples.append
    for _ in range(rounds):
        for path_steps in steps:
            state = start(flow)
            for question, value in path_steps:
                t0 = clock()
                state = answer(state, question, value)
                t1 = clock()
                add(t1 - t0)
    return samples


def bench_per_path(call: Callable[[T], object], inputs: list[tuple[T, int]],
                   rounds: int) -> tuple[list[float], list[float]]:
    """(samples per answer, samples per call) of `call(input)` for each (input, answers)."""
    clock = time.perf_counter_ns
    per_answer: list[float] = []
    per_call: list[float] = []
    for _ in range(rounds):
        for given, count in inputs:
            t0 = clock()
            call(given)
            t1 = clock()
            per_call.append(t1 - t0)
            per_answer.append((t1 - t0) / count)
    return per_answer, per_call


def summary(samples_ns: list[float]) -> tuple[float, float, float, float]:
    """(p50, p99, mean, max) in µs."""
    ordered = sorted(samples_ns)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (statistics.median(ordered) / 1000, p99 / 1000, statistics.fmean(ordered) / 1000,
            ordered[-1] / 1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5000, help="timed rounds (default 5000)")
    parser.add_argument("--warmup", type=int, default=200, help="untimed rounds (default 200)")
    args = parser.parse_args()

    flow = guide.flow(FLOW)
    paths = guide.paths(flow)
    answers = sum(len(p.steps) for p in paths)
    # Sanity: every path resolves to its outcome, by answers and by query.
    for path in paths:
        assert guide.resolve(flow, path.answers).node is path.outcome
        assert guide.from_query(flow, path.query).node is path.outcome

    by_answers = [(p.answers, len(p.steps)) for p in paths]
    by_query = [(p.query, len(p.steps)) for p in paths]
    workloads: list[tuple[str, Callable[[int], tuple[list[float], list[float] | None]]]] = [
        ("answer", lambda rounds: (bench_answer(flow, paths, rounds), None)),
        ("resolve", lambda rounds: bench_per_path(
            lambda given: guide.resolve(flow, given), by_answers, rounds)),
        ("from_query", lambda rounds: bench_per_path(
            lambda given: guide.from_query(flow, given), by_query, rounds)),
    ]
    results = {}
    for name, run in workloads:
        run(args.warmup)
        gc.collect()
        results[name] = run(args.rounds)

    print(_machine.describe())
    print(f"flow {FLOW!r}: {len(paths)} paths, {answers} answers per round; "
          f"{args.rounds} rounds after {args.warmup} warm-up rounds; GC on; "
          f"timer overhead {timer_overhead():.0f} ns per sample (included)")
    print()
    print(f"{'workload':<28}{'samples':>9}{'p50 µs':>9}{'p99 µs':>9}{'mean µs':>9}{'max µs':>9}")
    verdicts = []
    for name, (per_answer, per_call) in results.items():
        p50, p99, mean, worst = summary(per_answer)
        print(f"{name + ' (per answer)':<28}{len(per_answer):>9}{p50:>9.2f}{p99:>9.2f}"
              f"{mean:>9.2f}{worst:>9.1f}")
        if per_call is not None:
            c50, c99, cmean, cworst = summary(per_call)
            print(f"{name + ' (per call)':<28}{len(per_call):>9}{c50:>9.2f}{c99:>9.2f}"
                  f"{cmean:>9.2f}{cworst:>9.1f}")
        if name in ("answer", "resolve"):
            verdicts.append((name, p99))
    print()
    met = all(p99 <= TARGET_US for _, p99 in verdicts)
    for name, p99 in verdicts:
        print(f"target: {name} p99 per answer {p99:.2f} µs <= {TARGET_US:.0f} µs: "
              f"{'met' if p99 <= TARGET_US else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
