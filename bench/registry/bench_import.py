"""Bulk import of mandates: rows per second and peak memory, for 100k and for 1M rows.

    .venv/bin/python bench/registry/bench_import.py [--rows 100000 1000000] [--folder DIR]

For each size: a SQLite registry with everything but the mandates (dataset.py, `--no-mandates`;
the same persons and organisations for every size), a CSV of that many mandates (dataset.py's
mandates in the import's columns), then, on a fresh copy of the registry,

    /usr/bin/time -v .venv/bin/mandaatwijzer registry import mandates FILE

with MANDAATWIJZER_DATABASE_URL set to the copy. Reports wall time, rows per second, the CPU
time of the command (user + system, from `time -v`), the maximum resident set size and the
1-minute load average before and after the run (the machine may be shared). Target:
>= 20,000 mandates/s, and memory that does not grow with the file (the 1M run's peak close
to the 100k run's). Exits 1 when the target is not met.

With `--checks-only`, in this process instead: the CPU time (`time.thread_time`) of the
import's checks of mandates against the stored registry alone, the best of five passes over
the same batches (the CSV read into memory first, nothing inserted, the cycle collector off);
it runs on the code before issue 10 too, for an A/B with `PYTHONPATH`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(HERE.parent)]

import dataset  # noqa: E402

from _machine import describe  # noqa: E402

TARGET = 20_000


def _load() -> str:
    """The 1-minute load average."""
    return Path("/proc/loadavg").read_text(encoding="utf-8").split()[0]


def _checks_only(database: Path, csv: Path, rows: int, passes: int = 5) -> str:
    """One table row: the best CPU time of `check` over every batch of 5,000 mandates."""
    import gc
    from itertools import islice

    from mandaatwijzer.adapters.database import create_engine_for, migrate, session_factory
    from mandaatwijzer.adapters.sql import SqlUnitOfWork
    from mandaatwijzer.registry import bulk

    try:
        from mandaatwijzer.registry.bulk import csv_formats
        from mandaatwijzer.registry.bulk.importing import _CHECKERS, store_of
    except ImportError:  # before issue 10: registry/bulk.py and registry/csvio.py
        from mandaatwijzer.registry import csvio as csv_formats
        from mandaatwijzer.registry.bulk import _CHECKERS, store_of

    engine = create_engine_for(f"sqlite:///{database}")
    migrate(engine)  # as the command does
    uow = SqlUnitOfWork(session_factory(engine))
    with csv.open(encoding="utf-8", newline="") as lines:
        parsed = list(islice(csv_formats.read(csv_formats.MANDATES, lines), rows))
    batches = [parsed[i:i + 5000] for i in range(0, len(parsed), 5000)]
    gc.collect()
    gc.freeze()
    gc.disable()
    spent = []
    try:
        for _ in range(passes):
            with uow:
                checker = _CHECKERS[bulk.MandateRecord](store_of(uow))
                started, errors = time.thread_time(), 0
                for batch in batches:
                    errors += len(checker.check(batch)[1])
                spent.append(time.thread_time() - started)
    finally:
        gc.enable()
        gc.unfreeze()
    best = min(spent)
    return (f"| {len(parsed):,} | {best:.2f} | {best / len(parsed) * 1e6:.2f} | "
            f"{' / '.join(f'{s:.2f}' for s in spent)} | {errors} | {_load()} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/mandaatwijzer-bench/import"))
    parser.add_argument("--checks-only", action="store_true",
                        help="time only the checks against the registry, in this process")
    args = parser.parse_args(argv)
    print(describe(), file=sys.stderr)
    head = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %ci"],
                          capture_output=True, text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--short", "--",
                            "src/mandaatwijzer/registry", "src/mandaatwijzer/adapters"],
                           capture_output=True, text=True, check=False).stdout.strip()
    print(f"commit {head}" + (f"; uncommitted: {' '.join(dirty.split())}" if dirty else ""))
    args.folder.mkdir(parents=True, exist_ok=True)
    base = args.folder / "base.sqlite3"
    if not base.exists():
        dataset.write(f"sqlite:///{base}", dataset.Dataset(),
                      [t for t in dataset.TABLES if t != "mandates"])
    if args.checks_only:
        lines = ["| mandates | check CPU s (best) | µs per mandate | passes, CPU s | errors | "
                 "load after |", "|---:|---:|---:|---|---:|---|"]
        for rows in args.rows:
            csv = args.folder / f"mandates-{rows}.csv"
            if not csv.exists():
                dataset.write_mandates_csv(csv, dataset.Dataset(dataset.Size(mandates=rows)))
            database = args.folder / "checks.sqlite3"
            shutil.copy(base, database)
            lines.append(_checks_only(database, csv, rows))
        print("\n".join(lines))
        return 0
    lines = ["| mandates | CSV MB | wall s | mandates/s | CPU s (user+sys) | max RSS MB | "
             "load before → after | exit |",
             "|---:|---:|---:|---:|---:|---:|---|---:|"]
    results = []
    for rows in args.rows:
        csv = args.folder / f"mandates-{rows}.csv"
        if not csv.exists():
            size = dataset.Size(mandates=rows)
            dataset.write_mandates_csv(csv, dataset.Dataset(size))
        database = args.folder / "import.sqlite3"
        for leftover in args.folder.glob("import.sqlite3*"):
            leftover.unlink()
        shutil.copy(base, database)
        env = dict(os.environ, MANDAATWIJZER_DATABASE_URL=f"sqlite:///{database}")
        command = ["/usr/bin/time", "-v", str(ROOT / ".venv/bin/mandaatwijzer"), "registry",
                   "import", "mandates", str(csv)]
        load_before = _load()
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        load_after = _load()
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        rss = int(found.group(1)) / 1024 if found else float("nan")
        cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)",
                                                 done.stderr))
        if done.returncode:
            print(done.stdout[-2000:], done.stderr[-3000:], file=sys.stderr)
        results.append((rows, rows / wall, rss, done.returncode))
        lines.append(f"| {rows:,} | {csv.stat().st_size / 2**20:,.0f} | {wall:.1f} | "
                     f"{rows / wall:,.0f} | {cpu:.1f} | {rss:,.0f} | {load_before} → "
                     f"{load_after} | {done.returncode} |")
        print(lines[-1], file=sys.stderr)
    print("command: " + " ".join(["/usr/bin/time", "-v", ".venv/bin/mandaatwijzer", "registry",
                                   "import", "mandates", "FILE"]))
    print("\n".join(lines))
    ok = all(code == 0 and rate >= TARGET for _, rate, _, code in results)
    if len(results) > 1:
        ok = ok and results[-1][2] <= 1.5 * results[0][2]
    print(f"target (>= {TARGET:,}/s, memory flat): {'met' if ok else 'NOT met'}; load average "
          f"after: {Path('/proc/loadavg').read_text(encoding='utf-8').strip()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
