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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/mandaatwijzer-bench/import"))
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
