"""A deterministic registry dataset for the benchmarks, written straight into the schema.

Benchmark tooling: it bypasses the use cases and the ORM on purpose (a million mandates through
`services` would take hours) and writes rows with `executemany` (SQLite) or `COPY` (PostgreSQL)
into a database whose schema the project's own migrations created. The rows obey the rules the
use cases enforce (who may give a mandate to whom, who signs, valid national and enterprise
numbers, life cycles the state columns can reach), so the import check accepts them too.

The same seed and size give the same rows, in the same order, on every run and machine.

Shape at full size (`--scale 1`):

- 1,000 providers: economic actors with an enterprise number; ~10 staff each, 1-2 local
  administrators each.
- 10,000 employees, each with a work relation at a provider (5% ended, 2% not started), 10% a
  second one at another provider; on a provider relation `SSM Mandaatuitvoerder` (75%) and
  `SSM Mandaatbeheerder` (20%), of which 8% withdrawn and 4% ended before the day. 3,000 of
  them also work for an applicant organisation with `KIOSK Aanvrager` (85%, 10% withdrawn).
- 100,000 applicants: 60% persons, 40% economic actors, each organisation with 1-2 legal
  representatives (one in ten of them an employee).
- 1,000,000 KIOSK mandates, givers drawn with exponentially distributed weights (mean 10 per
  applicant, about 9% of applicants give none, a few give 50 or more), in random order; 88% of
  a person's mandates go to a provider (half of them to the provider of their previous
  mandate), the rest to another person; organisations give only to providers. States: 80%
  active, 3% awaiting the giver, 3% awaiting the taker, 5% stopped, 6% expired, 3% transferred
  (each with its active successor right after it).

The benchmark day is `DAY`; every date is relative to it.

    .venv/bin/python bench/registry/dataset.py sqlite:////tmp/registry.sqlite3
    .venv/bin/python bench/registry/dataset.py postgresql://u@127.0.0.1:5432/db
    .venv/bin/python bench/registry/dataset.py --csv-mandates /tmp/m.csv --no-mandates URL
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

DAY = date(2026, 6, 1)
SEED = 20261128

Row = tuple[Any, ...]

COLUMNS: dict[str, tuple[str, ...]] = {
    "persons": ("id", "national_number", "name", "sort_name", "has_eid"),
    "organisations": ("id", "name", "sort_name", "entity_group", "enterprise_number"),
    "legal_representatives": ("organisation_id", "person_id"),
    "work_relations": ("id", "person_id", "organisation_id", "start_on", "end_on", "user_type"),
    "rights": ("id", "work_relation_id", "kind", "granted_by", "start_on", "end_on",
               "withdrawn_on", "withdrawn_by"),
    "local_admins": ("id", "organisation_id", "person_id", "appointed_by", "start_on", "end_on",
                     "withdrawn_on"),
    "mandates": ("id", "giver_kind", "giver_id", "taker_kind", "taker_id", "start_on", "end_on",
                 "created_by", "created_at", "type", "giver_signed_by", "giver_signed_at",
                 "taker_signed_by", "taker_signed_at", "stopped_by", "stopped_at",
                 "transferred_to_kind", "transferred_to_id", "successor_id",
                 "pending_transfer_to_kind", "pending_transfer_to_id", "predecessor_id"),
}
#: In the order the foreign keys need.
TABLES = tuple(COLUMNS)

EXECUTOR, MANAGER, KIOSK = "SSM Mandaatuitvoerder", "SSM Mandaatbeheerder", "KIOSK Aanvrager"
PERSON, ORG = "person", "organisation"
_LETTER = {EXECUTOR: "E", MANAGER: "B", KIOSK: "K"}

FIRST = ("An", "Bram", "Chloé", "Dirk", "Elif", "Femke", "Gert", "Hanne", "Ilse", "Jan",
         "Karim", "Lotte", "Marc", "Nora", "Olivier", "Petra", "Quinten", "Rania", "Sofie",
         "Tom", "Ursula", "Vik", "Wout", "Xavier", "Yasmine", "Zeno")
LAST = ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
        "Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Martens", "Vermeulen",
        "Van den Broeck", "Öztürk", "El Idrissi", "Hermans", "Michiels")
TRADES = ("Bouw", "Consult", "Boekhouding", "Logistiek", "Zorg", "Techniek", "Advies",
          "Sociaal Secretariaat", "Design", "Onderwijs")


@dataclass(frozen=True, slots=True)
class Size:
    providers: int = 1_000
    employees: int = 10_000
    applicants: int = 100_000
    mandates: int = 1_000_000

    def scaled(self, factor: float) -> Size:
        return Size(*(max(2, round(n * factor)) for n in (
            self.providers, self.employees, self.applicants, self.mandates)))


FULL = Size()


def national_number(birth: date, serial: int) -> str:
    """A valid national register number: check = 97 - (first 9 digits mod 97), with a 2 put
    in front of the 9 digits for births from 2000."""
    body = f"{birth:%y%m%d}{serial:03d}"
    base = int(("2" + body) if birth.year >= 2000 else body)
    return f"{body}{97 - base % 97:02d}"


def enterprise_number(body: int) -> str:
    """A valid 0-series enterprise number: check = 97 - (first 8 digits mod 97)."""
    assert 2_000_000 <= body <= 9_999_999
    return f"{body:08d}{97 - body % 97:02d}"


def _days(rng: random.Random, low: int, high: int) -> date:
    """A day between DAY + low and DAY + high days (inclusive)."""
    return DAY + timedelta(days=rng.randint(low, high))


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC) + \
        timedelta(seconds=rng.randrange(10 * 3600))


class Dataset:
    """The rows of every table, generated lazily in a fixed order from one seed."""

    def __init__(self, size: Size = FULL, seed: int = SEED) -> None:
        self.size = size
        self.seed = seed
        rng = random.Random(seed)
        n = size
        self.employees = [f"P-{i:07d}" for i in range(1, n.employees + 1)]
        n_person_applicants = round(n.applicants * 0.6)
        self.applicant_persons = [f"P-{i:07d}" for i in range(
            n.employees + 1, n.employees + n_person_applicants + 1)]
        self.providers = [f"O-{i:07d}" for i in range(1, n.providers + 1)]
        self.applicant_orgs = [f"O-{i:07d}" for i in range(
            n.providers + 1, n.providers + n.applicants - n_person_applicants + 1)]
        self.no_eid = {p for p in self.employees + self.applicant_persons if rng.random() < 0.03}
        # Legal representatives of the applicant organisations.
        self.representatives: dict[str, list[str]] = {}
        for org in self.applicant_orgs:
            reps = []
            for _ in range(1 if rng.random() < 0.7 else 2):
                pool = self.employees if rng.random() < 0.1 else self.applicant_persons
                reps.append(rng.choice(pool))
            self.representatives[org] = sorted(set(reps))
        # Provider legal representatives: one of their staff, chosen below.
        self._rng_state = rng.getstate()

    # --- persons and organisations --------------------------------------------------------

    def persons(self) -> Iterator[Row]:
        rng = random.Random(self.seed + 1)
        seen: set[str] = set()
        for person_id in self.employees + self.applicant_persons:
            while True:
                birth = date(1940, 1, 1) + timedelta(days=rng.randrange(66 * 365))
                number = national_number(birth, rng.randint(1, 997))
                if number not in seen:
                    seen.add(number)
                    break
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {person_id[2:].lstrip('0')}"
            yield (person_id, number, name, name.lower(), person_id not in self.no_eid)

    def organisations(self) -> Iterator[Row]:
        rng = random.Random(self.seed + 2)
        step = (9_999_999 - 2_000_000) // (len(self.providers) + len(self.applicant_orgs) + 1)
        for i, org_id in enumerate(self.providers + self.applicant_orgs):
            provider = i < len(self.providers)
            kind = rng.choice(TRADES) if provider else rng.choice(LAST)
            name = f"{kind} {org_id[2:].lstrip('0')} {'BV' if provider else 'NV'}"
            number = enterprise_number(2_000_000 + (i + 1) * step)
            yield (org_id, name, name.lower(), "economic_actor", number)

    def legal_representatives(self) -> Iterator[Row]:
        for org_id, reps in self.representatives.items():
            for person_id in reps:
                yield (org_id, person_id)

    # --- work relations, rights, local administrators -----------------------------------------

    def _staffing(self) -> Iterator[tuple[Row, list[Row]]]:
        """Work relations with their rights, in a fixed order."""
        rng = random.Random(self.seed + 3)
        providers, employers = self.providers, self.applicant_orgs
        applicant_orgs = set(employers)
        kiosk_staff = set(rng.sample(self.employees, min(len(self.employees),
                                                         round(len(self.employees) * 0.3))))
        counter = 0
        for i, person_id in enumerate(self.employees):
            home = providers[i % len(providers)] if i < len(providers) else rng.choice(providers)
            orgs = [home]
            if rng.random() < 0.1:
                orgs.append(rng.choice(providers))
            if person_id in kiosk_staff:
                orgs.append(rng.choice(employers))
            for org_id in dict.fromkeys(orgs):
                counter += 1
                relation_id = f"W-{counter:07d}"
                r = rng.random()
                start = _days(rng, -15 * 365, -30)
                end = None
                if r < 0.05:
                    end = _days(rng, -29, -1)
                elif r < 0.07:
                    start, end = _days(rng, 1, 60), None
                relation = (relation_id, person_id, org_id, start, end, "employee")
                kinds = ([KIOSK] if rng.random() < 0.85 else []) if org_id in applicant_orgs else \
                    [k for k, p in ((EXECUTOR, 0.75), (MANAGER, 0.2)) if rng.random() < p]
                rights = []
                for kind in kinds:
                    granted = max(start, _days(rng, -10 * 365, -20))
                    r = rng.random()
                    right_end = withdrawn = None
                    if r < (0.1 if kind == KIOSK else 0.08):
                        withdrawn = _days(rng, -19, 0)
                    elif r < 0.12:
                        right_end = _days(rng, -19, -1)
                        if right_end < granted:  # a relation that starts later: no end
                            right_end = None  # (PostgreSQL's rights_hold_once refuses it)
                    rights.append((f"R-{counter:07d}{_LETTER[kind]}", relation_id, kind,
                                   "P-0000001", granted, right_end, withdrawn,
                                   "P-0000001" if withdrawn else None))
                yield relation, rights

    def work_relations(self) -> Iterator[Row]:
        for relation, _ in self._staffing():
            yield relation

    def rights(self) -> Iterator[Row]:
        for _, rights in self._staffing():
            yield from rights

    def staff(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Per provider: the persons working there (active or not), and its mandate managers."""
        staff: dict[str, list[str]] = {}
        managers: dict[str, list[str]] = {}
        for (_, person_id, org_id, *_rest), rights in self._staffing():
            staff.setdefault(org_id, []).append(person_id)
            if any(r[2] == MANAGER for r in rights):
                managers.setdefault(org_id, []).append(person_id)
        return staff, managers

    def local_admins(self) -> Iterator[Row]:
        rng = random.Random(self.seed + 4)
        staff, _ = self.staff()
        counter = 0
        for org_id in self.providers + self.applicant_orgs:
            people = staff.get(org_id)
            if not people:
                continue
            appointer = self.representatives.get(org_id, [people[0]])[0]
            for person_id in sorted(set(rng.sample(people, min(len(people),
                                                               rng.randint(1, 2))))):
                counter += 1
                withdrawn = _days(rng, -100, -1) if rng.random() < 0.05 else None
                yield (f"L-{counter:07d}", org_id, person_id, appointer,
                       _days(rng, -8 * 365, -100), None, withdrawn)

    # --- mandates ---------------------------------------------------------------------------------

    def mandates(self) -> Iterator[Row]:
        rng = random.Random(self.seed + 5)
        staff, managers = self.staff()
        applicants = [(PERSON, p) for p in self.applicant_persons] + \
            [(ORG, o) for o in self.applicant_orgs]
        weights = [rng.expovariate(1.0) for _ in applicants]
        person_takers = [p for p in self.employees + self.applicant_persons
                         if p not in self.no_eid]
        previous: dict[str, str] = {}
        total = self.size.mandates
        emitted = 0
        while emitted < total:
            givers = rng.choices(range(len(applicants)), weights=weights,
                                 k=total - emitted)
            for index in givers:
                if emitted >= total:
                    break
                giver_kind, giver_id = applicants[index]
                giver_signer = giver_id if giver_kind == PERSON else \
                    self.representatives[giver_id][0]
                if giver_kind == PERSON and rng.random() < 0.12:
                    taker_kind, taker_id = PERSON, rng.choice(person_takers)
                    if taker_id == giver_id:
                        continue
                    taker_signer = taker_id
                else:
                    taker_kind = ORG
                    taker_id = previous.get(giver_id) if rng.random() < 0.5 else None
                    taker_id = taker_id or rng.choice(self.providers)
                    previous[giver_id] = taker_id
                    taker_signer = rng.choice(managers.get(taker_id) or staff[taker_id])
                r = rng.random()
                if r >= 0.97 and (taker_kind == PERSON or emitted + 2 > total):
                    r = 0.5
                emitted += 1
                mandate_id = f"M-{emitted:08d}"
                start = _days(rng, -6 * 365, -1)
                created = _moment(start - timedelta(days=rng.randint(0, 20)), rng)
                signed_giver = created + timedelta(hours=rng.randint(0, 48))
                signed_taker = signed_giver + timedelta(hours=rng.randint(1, 24 * 10))
                end = None if rng.random() < 0.7 else _days(rng, 30, 3 * 365)
                row: list[Any] = [mandate_id, giver_kind, giver_id, taker_kind, taker_id, start,
                                  end, giver_signer, created, "KIOSK", giver_signer,
                                  signed_giver, taker_signer, signed_taker, None, None,
                                  None, None, None, None, None, None]
                if r < 0.80:
                    pass
                elif r < 0.83:  # the taker created and signed it; the giver has not
                    row[7], row[10], row[11] = taker_signer, None, None
                    row[12], row[13] = taker_signer, created + timedelta(hours=1)
                    row[5] = _days(rng, -20, 20)
                elif r < 0.86:
                    row[12] = row[13] = None
                    row[5] = _days(rng, -20, 20)
                elif r < 0.91:
                    row[14] = giver_signer
                    row[15] = _moment(_days(rng, -3 * 365, -1), rng)
                    row[15] = max(row[15], signed_taker + timedelta(hours=1))
                elif r < 0.97:
                    row[6] = _days(rng, -3 * 365, -1)
                    row[5] = min(row[5], row[6] - timedelta(days=30))
                    row[8] = min(row[8], _moment(row[5] - timedelta(days=1), rng))
                    row[11] = row[8] + timedelta(hours=1)
                    row[13] = row[8] + timedelta(hours=2)
                else:  # transferred to another provider: the successor follows
                    new_taker = rng.choice([p for p in rng.sample(self.providers, 2)
                                            if p != taker_id])
                    emitted += 1
                    successor_id = f"M-{emitted:08d}"
                    row[16], row[17], row[18] = ORG, new_taker, successor_id
                    previous[giver_id] = new_taker
                    moved = _moment(_days(rng, -365, -1), rng)
                    moved = max(moved, signed_taker + timedelta(hours=1))
                    new_signer = rng.choice(managers.get(new_taker) or staff[new_taker])
                    yield tuple(row)
                    yield (successor_id, giver_kind, giver_id, ORG, new_taker, moved.date(),
                           end, giver_signer, moved, "KIOSK", giver_signer, moved,
                           new_signer, moved + timedelta(hours=2), None, None, None, None,
                           None, None, None, mandate_id)
                    continue
                yield tuple(row)

    def rows(self, table: str) -> Iterator[Row]:
        rows: Iterator[Row] = getattr(self, table)()
        return rows


# --- writing ----------------------------------------------------------------------------------


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # SQLAlchemy's SQLite DATETIME storage: naive UTC text with microseconds.
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _batched(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def migrate(url: str) -> None:
    """Create the schema with the project's migrations (an empty database is expected)."""
    from mandaatwijzer.adapters.database import create_engine_for
    from mandaatwijzer.adapters.database import migrate as run_migrations

    engine = create_engine_for(url)
    try:
        run_migrations(engine)
    finally:
        engine.dispose()


def write_sqlite(path: str, dataset: Dataset, tables: Sequence[str],
                 log: Any = None) -> dict[str, int]:
    counts = {}
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA cache_size = -400000")
        for table in tables:
            columns = COLUMNS[table]
            sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
                   f"VALUES ({', '.join('?' * len(columns))})")
            started = time.perf_counter()
            count = 0
            connection.execute("BEGIN")
            for batch in _batched(dataset.rows(table), 20_000):
                connection.executemany(sql, [tuple(map(_sqlite_value, row)) for row in batch])
                count += len(batch)
            connection.execute("COMMIT")
            counts[table] = count
            if log:
                log(f"{table}: {count} rows in {time.perf_counter() - started:.1f} s")
        connection.execute("ANALYZE")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return counts


def write_postgresql(url: str, dataset: Dataset, tables: Sequence[str],
                     log: Any = None) -> dict[str, int]:
    import psycopg

    counts = {}
    with psycopg.connect(_libpq_url(url)) as connection:
        for table in tables:
            started = time.perf_counter()
            count = 0
            with connection.cursor() as cursor, cursor.copy(
                    f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
                for row in dataset.rows(table):
                    copy.write_row(row)
                    count += 1
            connection.commit()
            counts[table] = count
            if log:
                log(f"{table}: {count} rows in {time.perf_counter() - started:.1f} s")
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")
    return counts


def _libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def write(url: str, dataset: Dataset, tables: Sequence[str] = TABLES,
          log: Any = None) -> dict[str, int]:
    """Migrate the empty database at `url`, then write the tables."""
    migrate(url)
    if url.startswith("sqlite"):
        return write_sqlite(url.split("///", 1)[1], dataset, tables, log)
    return write_postgresql(url, dataset, tables, log)


# --- the mandates as an import file -------------------------------------------------------------

#: The columns of `mandaatwijzer registry import mandates` (docs/registry.md).
CSV_HEADER = ("id", "type", "giver_kind", "giver_id", "taker_kind", "taker_id", "start", "end",
              "created_by", "created_at", "giver_signed_by", "giver_signed_at",
              "taker_signed_by", "taker_signed_at", "stopped_by", "stopped_at",
              "transferred_to", "successor_id", "pending_transfer_to", "predecessor_id")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_mandates_csv(path: Path, dataset: Dataset) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        for row in dataset.mandates():
            (key, giver_kind, giver_id, taker_kind, taker_id, start, end, created_by,
             created_at, kind, giver_by, giver_at, taker_by, taker_at, stopped_by, stopped_at,
             _, transferred_to, successor_id, _, pending, predecessor_id) = row
            writer.writerow(map(_cell, (
                key, kind, giver_kind, giver_id, taker_kind, taker_id, start, end, created_by,
                created_at, giver_by, giver_at, taker_by, taker_at, stopped_by, stopped_at,
                transferred_to, successor_id, pending, predecessor_id)))
            count += 1
    return count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", nargs="?", help="database URL (sqlite:///FILE or postgresql://...)"
                        "; the database must be empty")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply every count (1: 1M mandates)")
    parser.add_argument("--mandates", type=int, help="number of mandates (overrides the scale)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-mandates", action="store_true",
                        help="write every table but the mandates (for the import benchmark)")
    parser.add_argument("--csv-mandates", type=Path, help="also write the mandates as CSV here")
    args = parser.parse_args(argv)
    size = FULL.scaled(args.scale)
    if args.mandates is not None:
        size = Size(size.providers, size.employees, size.applicants, args.mandates)
    dataset = Dataset(size, args.seed)
    print(f"size: {size}, seed {args.seed}, day {DAY}", file=sys.stderr)
    started = time.perf_counter()
    if args.url:
        tables = [t for t in TABLES if not (args.no_mandates and t == "mandates")]
        write(args.url, dataset, tables, log=lambda s: print(s, file=sys.stderr))
    if args.csv_mandates:
        count = write_mandates_csv(args.csv_mandates, dataset)
        print(f"CSV: {count} mandates in {args.csv_mandates}", file=sys.stderr)
    print(f"done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["DAY", "FULL", "SEED", "TABLES", "Dataset", "Size", "enterprise_number",
           "national_number", "write", "write_mandates_csv"]
