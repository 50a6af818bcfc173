"""Time the cold start of `mandaatwijzer guide ... --json` (target: at most 300 ms).

Run: `.venv/bin/python bench/bench_cold_start.py` (about 15 s; `--runs` to change).

Each run is a fresh process of one of:

- script:  the installed console script, `.venv/bin/mandaatwijzer ARGS`
- module:  `.venv/bin/python -m mandaatwijzer ARGS`
- python:  `.venv/bin/python -c pass`, the interpreter's own start, for reference

with ARGS = `guide externe-dienstverlener --answers 'eid=ja&rol=mandaatbeheerder' --json`,
interleaved (script, module, python, script, ...) so that a noisy neighbour hits them alike,
after `--warmup` untimed rounds. Wall time is taken with time.perf_counter_ns around
subprocess.run; CPU time (user + system) of the child from resource.getrusage, which a busy
machine disturbs less. The target is judged on the mean and on the median wall time.

Bytecode: by default the runs get a bytecode cache of their own (PYTHONPYCACHEPREFIX in a
temporary folder, filled by the warm-up), as an installed package has; `--no-bytecode-cache`
sets PYTHONDONTWRITEBYTECODE=1 instead, so that the project's modules are compiled from
source at every start (site-packages keep the caches pip wrote). `--src DIR` puts DIR first
on PYTHONPATH, to time another tree of the package, for example an earlier commit:
`git archive HEAD~1 src | tar -x -C /tmp/before` then `--src /tmp/before/src`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _machine

ARGS = ["guide", "externe-dienstverlener", "--answers", "eid=ja&rol=mandaatbeheerder", "--json"]
TARGET_MS = 300.0


def commands() -> dict[str, list[str]]:
    python = Path(sys.executable)  # the venv's python: not resolved, so the venv stays active
    return {
        "script": [str(python.parent / "mandaatwijzer"), *ARGS],
        "module": [str(python), "-m", "mandaatwijzer", *ARGS],
        "python": [str(python), "-c", "pass"],
    }


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall ms, child CPU ms, stdout) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter_ns()
    result = subprocess.run(command, env=env, capture_output=True, text=True, encoding="utf-8",
                            check=False, timeout=60)
    wall = (time.perf_counter_ns() - t0) / 1e6
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr}")
    return wall, cpu, result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs each (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs each (default 3)")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="compile the project's modules at every start")
    parser.add_argument("--src", type=Path, help="time the package in this folder instead")
    args = parser.parse_args()

    env = dict(os.environ)
    cache = tempfile.TemporaryDirectory(prefix="mandaatwijzer-pycache-")
    if args.no_bytecode_cache:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache.name
    if args.src:
        env["PYTHONPATH"] = os.pathsep.join([str(args.src.resolve()),
                                            *filter(None, [env.get("PYTHONPATH")])])

    runs = commands()
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    with cache:
        for round_ in range(args.warmup + args.runs):
            for name, command in runs.items():
                ms, cpu_ms, out = run_once(command, env)
                if round_ == 0 and name != "python":  # the command did its work
                    assert json.loads(out)["node"]["id"] == "wil-mandaat", out
                if round_ >= args.warmup:
                    wall[name].append(ms)
                    cpu[name].append(cpu_ms)

    print(_machine.describe())
    print(f"ARGS = {' '.join(ARGS)}; {args.runs} runs each after {args.warmup} warm-up; "
          f"bytecode cache: {'no' if args.no_bytecode_cache else 'yes'}"
          + (f"; package from {args.src}" if args.src else ""))
    print()
    print(f"{'command':<38}{'mean':>8}{'median':>8}{'stdev':>8}{'min':>8}{'max':>8}"
          f"{'cpu mean':>10}   (ms)")
    met = True
    for name, command in runs.items():
        shown = " ".join(Path(command[0]).name if i == 0 else a for i, a in enumerate(command))
        shown = shown.replace(" ".join(ARGS), "ARGS")
        times = wall[name]
        mean, median = statistics.fmean(times), statistics.median(times)
        print(f"{name + ': ' + shown:<38}{mean:>8.1f}{median:>8.1f}{statistics.stdev(times):>8.1f}"
              f"{min(times):>8.1f}{max(times):>8.1f}{statistics.fmean(cpu[name]):>10.1f}")
        if name != "python":
            met = met and mean <= TARGET_MS and median <= TARGET_MS
    print()
    print(f"target: mean and median of script and module <= {TARGET_MS:.0f} ms: "
          f"{'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
