"""`may_manage` with its explanation, per check, on 1M mandates: SQLite, PostgreSQL, and others.

    .venv/bin/python bench/registry/bench_access.py [--sqlite FILE] [--pairs 4000] [--rounds 3]

Runs, in one process and on the same generated registry (dataset.py) and the same sampled
(person, applicant) pairs (sample.py), one check at a time:

- `access_index` (src/mandaatwijzer/adapters/access/index.py): the full `Decision` (routes
  with links, or gaps) from the facts held in memory, after reading the newest audit event on the
  database's connection (SQLite; PostgreSQL over loopback, a throwaway cluster): what the web
  app runs, and the figure the targets are checked on;
- `access_sql` (src/mandaatwijzer/adapters/access/reader.py): the same decision with the facts read
  from the database at every check (what a one-off command runs);
- `decide only`: the pure `decide` on facts read beforehand (what is left without any I/O);
- `queries.may_manage` in a SQL unit of work, with the access index (the web app) and without
  (the command line: the reader on the unit of work's connection), and `decide` on the facts
  `queries.gather_facts` reads through the repository port (one ORM query per lookup, the
  tests' reference), on subsets of the pairs;
- pycasbin, Cedar (cedarpy) and a plain-dict lookup: yes or no only (engines.py).

Figures are split by outcome (allowed, denied). Also reported: load time and memory of the
access index and of the casbin and Cedar encodings. Markdown tables go to stdout and
bench/results/registry_access.md.
Exits 1 when a target is not met.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import dataset  # noqa: E402
import engines  # noqa: E402
import postgres  # noqa: E402
import sample  # noqa: E402
import timing  # noqa: E402

from _machine import describe  # noqa: E402
from mandaatwijzer.adapters.access import AccessIndex, AccessReader  # noqa: E402
from mandaatwijzer.registry.access import decide  # noqa: E402

DAY = dataset.DAY
TARGETS = {"sqlite": 30.0, "postgresql": 500.0}
P99_TARGET = 2000.0


def rss_mb() -> float:
    with Path("/proc/self/statm").open() as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def loadavg() -> str:
    return Path("/proc/loadavg").read_text(encoding="utf-8").strip()


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Run:
    def __init__(self, pairs: list[sample.Pair], allowed: list[bool], rounds: int) -> None:
        self.pairs, self.allowed, self.rounds = pairs, allowed, rounds
        self.rows: list[timing.Figures] = []
        self.notes: list[str] = []

    def measure(self, engine: str, backend: str, check: Callable[[str, Any], Any],
                agree: Callable[[Any, bool], bool] | None = None, limit: int | None = None,
                rounds: int | None = None) -> None:
        pairs = self.pairs[:limit] if limit else self.pairs
        started = time.perf_counter()
        rows, disagreements = timing.measure(engine, backend, check, pairs,
                                             self.allowed[:len(pairs)], rounds or self.rounds,
                                             agree)
        self.rows += rows
        log(f"{engine} on {backend}: {time.perf_counter() - started:.1f} s, load "
            f"{loadavg().split()[0]}")
        if disagreements:
            self.notes.append(f"{engine} ({backend}) disagrees with may_manage on "
                              f"{disagreements} of {len(pairs)} pairs")


def _is_decision(decision: Any, allowed: bool) -> bool:
    return bool(decision.allowed == allowed)


def _is(answer: Any, allowed: bool) -> bool:
    return bool(answer) == allowed


def bench_reader(run: Run, reader: AccessReader, backend: str, orm_pairs: int,
                 url: str) -> list[str]:
    run.measure("access_sql (full decision)", backend,
                lambda p, a: reader.may_manage(p, a, DAY), _is_decision)
    before, started = rss_mb(), time.perf_counter()
    index = AccessIndex.for_url(url)
    index.reload()
    loaded = (f"access_index on {backend}: loaded in {time.perf_counter() - started:.1f} s, "
              f"+{rss_mb() - before:,.0f} MB")
    log(loaded)
    run.measure("access_index (full decision)", backend,
                lambda p, a: index.may_manage(reader.connection, p, a, DAY), _is_decision)
    if backend == "sqlite":
        facts = [reader.facts(p, a, DAY) for p, a in run.pairs]
        position = {id(a): i for i, (_, a) in enumerate(run.pairs)}
        run.measure("decide only (facts in memory)", backend,
                    lambda p, a: decide(facts[position[id(a)]], DAY))
    if orm_pairs:
        from mandaatwijzer.adapters import orm
        from mandaatwijzer.adapters.database import create_engine_for, session_factory
        from mandaatwijzer.adapters.sql import SqlUnitOfWork
        from mandaatwijzer.registry import queries

        engine = create_engine_for(url)
        uow = SqlUnitOfWork(session_factory(engine))
        indexed = SqlUnitOfWork(session_factory(engine), index)

        def in_unit_of_work(person: str, applicant: Any) -> Any:
            with uow:
                return queries.may_manage(uow.repo, person, applicant, DAY)

        def in_indexed_unit_of_work(person: str, applicant: Any) -> Any:
            with indexed:
                return queries.may_manage(indexed.repo, person, applicant, DAY)

        def through_port(person: str, applicant: Any) -> Any:
            with uow:
                return decide(queries.gather_facts(uow.repo, person, applicant, DAY), DAY)
        # What the application runs: the reader on the unit of work's connection.
        run.measure("queries.may_manage (unit of work)", backend, in_unit_of_work,
                    _is_decision, limit=orm_pairs * 5)
        # What the web app runs: the same, with the access index.
        run.measure("queries.may_manage (unit of work, index)", backend,
                    in_indexed_unit_of_work, _is_decision, limit=orm_pairs * 5)
        # The reference: the facts through the repository port, one ORM query per lookup.
        run.measure("gather_facts + decide (ORM)", backend, through_port, _is_decision,
                    limit=orm_pairs, rounds=1)
        engine.dispose()
        orm.stop_mappers()
    return [loaded]


def bench_engines(run: Run, path: str, mandate_limit: int | None) -> list[str]:
    lines = []
    before = rss_mb()
    started = time.perf_counter()
    tables = engines.load(path, mandate_limit)
    graph = engines.materialise(tables, DAY)
    lines.append(f"in-memory tables and one day's graph: {len(tables.mandates):,} mandates, "
                 f"{time.perf_counter() - started:.1f} s, +{rss_mb() - before:,.0f} MB")
    floor = engines.DictFloor(graph)
    run.measure("plain dict (yes/no)", "memory", floor.check, _is)

    before, started = rss_mb(), time.perf_counter()
    casbin = engines.Casbin(graph)
    links = len(casbin.enforcer.get_named_grouping_policy("g"))
    lines.append(f"pycasbin: {links:,} role links loaded in {time.perf_counter() - started:.1f}"
                 f" s, +{rss_mb() - before:,.0f} MB")
    log(lines[-1])
    run.measure("pycasbin (yes/no)", "memory", casbin.check, _is)
    del casbin

    before, started = rss_mb(), time.perf_counter()
    cedar = engines.Cedar(tables)
    lines.append(f"cedarpy: {len(cedar.entities):,} entities ({cedar.entity_bytes / 2**20:,.0f}"
                 f" MB of JSON) parsed in {time.perf_counter() - started:.1f} s, "
                 f"+{rss_mb() - before:,.0f} MB")
    log(lines[-1])
    run.measure("cedarpy (yes/no + policy ids)", "memory",
                lambda p, a: cedar.check(p, a, DAY), _is)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", default="/tmp/mandaatwijzer-bench/registry.sqlite3",
                        help="generated SQLite registry (made when missing)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--pairs", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--orm-pairs", type=int, default=300)
    parser.add_argument("--no-postgresql", action="store_true")
    parser.add_argument("--no-engines", action="store_true")
    parser.add_argument("--engine-mandates", type=int,
                        help="load only the first N mandates into casbin/Cedar/dict")
    args = parser.parse_args(argv)
    header = describe()
    log(header)
    path = Path(args.sqlite)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        dataset.write(f"sqlite:///{path}", dataset.Dataset(dataset.FULL.scaled(args.scale)),
                      log=log)
        log(f"SQLite registry written in {time.perf_counter() - started:.0f} s")
    sqlite_url = f"sqlite:///{path}"
    reader = AccessReader.connect(sqlite_url)
    pairs = sample.pairs(reader.connection, args.pairs)
    allowed = [reader.may_manage(p, a, DAY).allowed for p, a in pairs]
    log(f"{len(pairs)} pairs, {sum(allowed)} allowed")
    run = Run(pairs, allowed, args.rounds)
    extra: list[str] = bench_reader(run, reader, "sqlite", args.orm_pairs, sqlite_url)
    reader.close()

    if not args.no_postgresql:
        with postgres.cluster() as url:
            started = time.perf_counter()
            counts = dataset.write(url, dataset.Dataset(dataset.FULL.scaled(args.scale)),
                                   log=log)
            extra.append(f"PostgreSQL registry ({counts['mandates']:,} mandates) written with "
                         f"COPY in {time.perf_counter() - started:.0f} s")
            with AccessReader.connect(url) as pg:
                extra += bench_reader(run, pg, "postgresql", args.orm_pairs, url)
    if not args.no_engines:
        extra += bench_engines(run, str(path), args.engine_mandates)

    report = [f"{header}", "", f"command: {' '.join(sys.argv)}", "",
              f"{len(pairs)} pairs ({sum(allowed)} allowed, {len(pairs) - sum(allowed)} "
              f"denied), {args.rounds} rounds after a warm-up round; day {DAY}", "",
              timing.HEADER, *(row.row() for row in run.rows), "", *extra, *run.notes]
    failed = []
    for row in run.rows:
        if row.engine.startswith("access_index") and row.outcome != "all":
            target = TARGETS[row.backend]
            if row.p50_us > target:
                failed.append(f"{row.backend} {row.outcome} p50 {row.p50_us:.0f} µs > {target}")
            if row.p99_us > P99_TARGET:
                failed.append(f"{row.backend} {row.outcome} p99 {row.p99_us:.0f} µs > "
                              f"{P99_TARGET}")
    report += ["", "targets: " + ("met" if not failed else "NOT met: " + "; ".join(failed)),
               f"load average after the run: {loadavg()}"]
    text = "\n".join(report)
    print(text)
    results = HERE.parent / "results"
    results.mkdir(exist_ok=True)
    (results / "registry_access.md").write_text(text + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
