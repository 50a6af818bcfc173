"""`registry audit verify` on a large registry the log vouches for: wall time, CPU, memory.

    .venv/bin/python bench/registry/bench_audit.py [--rows 1000000] [--events 0] [--url URL]

Builds the registry through the log only, so that every row has a last word in it: the
registry of dataset.py without its mandates (SQLite, as bench_import.py makes it) exported
per kind (less the few rows the import refuses, left out once), and its N mandates,
imported in order with `mandaatwijzer registry import KIND FILE`
into a throwaway PostgreSQL 15 cluster (postgres.py; or the empty database at `--url`). With
`--events M`, the first M mandates then get an event each (a `sign_mandate` whose after is the
row's snapshot, appended by the adapter as a use case would: the registry of a use-case-made
history, whose rows are compared with their events' JSON). Then, timed with `/usr/bin/time -v`:

    .venv/bin/mandaatwijzer registry audit verify

its wall time, its CPU time (user + system of the command; the server's work is in the wall
time only), its maximum resident set size and the 1-minute load average before and after.
Then it changes three rows by SQL (an imported mandate's end, a right inserted, a right
deleted) and runs the command again: it must exit 11 naming exactly those three.
Target: under a minute on PostgreSQL at 1M mandates.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(HERE.parent)]

import dataset  # noqa: E402
import postgres  # noqa: E402

from _machine import describe  # noqa: E402

COMMAND = str(ROOT / ".venv/bin/mandaatwijzer")
KINDS = ("persons", "organisations", "work-relations", "rights")


def _load() -> str:
    return Path("/proc/loadavg").read_text(encoding="utf-8").split()[0]


def exported(base: Path, folder: Path) -> dict[str, Path]:
    """The CSV file of every kind but the mandates, in `folder`, exported from the registry at
    `base` with `mandaatwijzer registry export` (a file already there is kept)."""
    files = {kind: folder / f"{kind}.csv" for kind in KINDS}
    env = dict(os.environ, MANDAATWIJZER_DATABASE_URL=f"sqlite:///{base}")
    for kind, path in files.items():
        if not path.exists():
            subprocess.run([COMMAND, "registry", "export", kind, str(path)], env=env,
                           check=True, capture_output=True)
    return files


def _files(folder: Path, rows: int) -> dict[str, Path]:
    """The CSV of every kind: the base registry's exported, the mandates generated."""
    base = folder / "base.sqlite3"
    if not base.exists():
        dataset.write(f"sqlite:///{base}", dataset.Dataset(),
                      [t for t in dataset.TABLES if t != "mandates"])
    files = exported(base, folder)
    files["mandates"] = folder / f"mandates-{rows}.csv"
    if not files["mandates"].exists():
        dataset.write_mandates_csv(files["mandates"],
                                   dataset.Dataset(dataset.Size(mandates=rows)))
    return files


def _drop_refused(path: Path, errors: str) -> int:
    """Leave out of `path` the rows an import refused: dataset.py writes a few rows that newer
    rules refuse (rights ending before they start, `KIOSK Aanvrager` without an eID), which
    never mattered while only its mandates were imported."""
    wrong = {int(found) for found in re.findall(r"^row (\d+)", errors, re.MULTILINE)}
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for number, line in enumerate(lines, start=1)
                            if number not in wrong), encoding="utf-8")
    return len(wrong)


def _timed(env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], str]:
    load, started = _load(), time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", COMMAND, *args], env=env,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)",
                                             done.stderr))
    row = (f"| {' '.join(args[:3])} | {wall:.1f} | {cpu:.1f} | "
           f"{int(rss.group(1)) / 1024 if rss else float('nan'):,.0f} | {load} → {_load()} | "
           f"{done.returncode} |")
    print(row, file=sys.stderr)
    return done, row


def _events(url: str, count: int) -> None:
    """An event for each of the first `count` mandates, after = its snapshot, chained."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from mandaatwijzer.adapters import audit
    from mandaatwijzer.adapters.database import create_engine_for
    from mandaatwijzer.adapters.orm import mandates
    from mandaatwijzer.registry.audit import snapshot
    from mandaatwijzer.registry.bulk import MandateRecord, entity_of
    from mandaatwijzer.registry.model import Party, PartyKind
    from mandaatwijzer.registry.ports import AuditEvent, Clock

    engine = create_engine_for(url)
    now = Clock().now()
    with Session(engine) as session:
        keys = session.scalars(select(mandates.c.id).order_by(mandates.c.seq)
                               .limit(count)).all()
        for start in range(0, len(keys), 10_000):
            chunk = keys[start:start + 10_000]
            found = session.execute(select(mandates).where(mandates.c.id.in_(chunk))).all()
            events = []
            for row in found:
                def party(kind: str | None, key: str | None) -> Party | None:
                    return None if key is None else Party(PartyKind(kind), key)

                record = MandateRecord(
                    row.id, Party(PartyKind(row.giver_kind), row.giver_id),
                    Party(PartyKind(row.taker_kind), row.taker_id), row.start_on, row.end_on,
                    row.created_by, row.created_at, row.type, row.giver_signed_by,
                    row.giver_signed_at, row.taker_signed_by, row.taker_signed_at,
                    row.stopped_by, row.stopped_at,
                    party(row.transferred_to_kind, row.transferred_to_id), row.successor_id,
                    party(row.pending_transfer_to_kind, row.pending_transfer_to_id),
                    row.predecessor_id)
                after = snapshot(entity_of(record))
                events.append(AuditEvent(row.created_by, "sign_mandate", "mandate", row.id,
                                         now, after, after))
            audit.append(session, events)
            session.commit()
    engine.dispose()


def _tamper(url: str) -> None:
    from sqlalchemy import text

    from mandaatwijzer.adapters.database import create_engine_for

    engine = create_engine_for(url)
    with engine.begin() as connection:
        last = connection.scalar(text("SELECT max(seq) FROM mandates"))
        connection.execute(text("UPDATE mandates SET end_on = DATE '2099-12-31' "
                                f"WHERE seq = {last}"))
        connection.execute(text(
            "INSERT INTO rights (id, work_relation_id, kind, granted_by, start_on, end_on) "
            "SELECT 'R-bench-sneaky', work_relation_id, kind, granted_by, DATE '1999-01-01', "
            "DATE '1999-01-01' FROM rights ORDER BY seq LIMIT 1"))
        connection.execute(text("DELETE FROM rights WHERE seq = (SELECT max(seq) FROM rights "
                                "WHERE id <> 'R-bench-sneaky')"))
    engine.dispose()


def _split(url: str) -> str:
    """The chain and the tables checked apart, in this process: where the time goes."""
    from mandaatwijzer.adapters import audit, audit_tables
    from mandaatwijzer.adapters.database import create_engine_for, reading, session_factory

    engine = create_engine_for(url)
    sessions = session_factory(reading(engine))
    spent = []
    for check in (audit.verify, audit_tables.check_tables):
        with sessions() as session:
            started, cpu = time.perf_counter(), time.process_time()
            check(session)
            spent.append((time.perf_counter() - started, time.process_time() - cpu))
    engine.dispose()
    return (f"in one process: the chain {spent[0][0]:.1f} s (CPU {spent[0][1]:.1f} s), "
            f"the tables {spent[1][0]:.1f} s (CPU {spent[1][1]:.1f} s)")


@contextlib.contextmanager
def _database(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    with postgres.cluster() as made:
        yield made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="mandates")
    parser.add_argument("--events", type=int, default=0,
                        help="mandates that also get an event of their own")
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a new cluster)")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/mandaatwijzer-bench/audit"))
    args = parser.parse_args(argv)
    print(describe(), file=sys.stderr)
    head = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %ci"],
                          capture_output=True, text=True, check=False).stdout.strip()
    print(f"commit {head}")
    args.folder.mkdir(parents=True, exist_ok=True)
    files = _files(args.folder, args.rows)
    lines = ["| command | wall s | CPU s (user+sys) | max RSS MB | load before → after | "
             "exit |", "|---|---:|---:|---:|---|---:|"]
    with _database(args.url) as url:
        env = dict(os.environ, MANDAATWIJZER_DATABASE_URL=url)
        for kind, path in files.items():
            command = ("registry", "import", kind, str(path), "--max-errors", "1000000")
            done, row = _timed(env, *command)
            if done.returncode == 6:  # nothing was written
                dropped = _drop_refused(path, done.stderr)
                print(f"left out {dropped} {kind} the import refuses", file=sys.stderr)
                done, row = _timed(env, *command)
            lines.append(row)
            if done.returncode:
                print(done.stdout[-2000:], done.stderr[-3000:], file=sys.stderr)
                return 1
        if args.events:
            started = time.perf_counter()
            _events(url, args.events)
            print(f"{args.events:,} events appended in {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)
        clean, row = _timed(env, "registry", "audit", "verify")
        lines.append(row)
        split = _split(url)
        _tamper(url)
        tampered, row = _timed(env, "registry", "audit", "verify")
        lines.append(row)
    print(f"mandates: {args.rows:,}; mandates with an event of their own: {args.events:,}")
    print("\n".join(lines))
    print(split)
    print("clean:\n" + clean.stdout + "tampered:\n" + tampered.stdout)
    ok = clean.returncode == 0 and tampered.returncode == 11 and \
        tampered.stdout.count("\n  ") == 3
    seconds = [float(line.split("|")[2]) for line in lines[-2:]]
    ok = ok and max(seconds) < 60
    print(f"target (< 60 s, clean then three findings): {'met' if ok else 'NOT met'}; load "
          f"average after: {Path('/proc/loadavg').read_text(encoding='utf-8').strip()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
