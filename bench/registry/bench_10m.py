"""10 million KIOSK mandates on PostgreSQL (issue 15, item 4): one command per figure.

    .venv/bin/python bench/registry/bench_10m.py [--mandates N] [--folder DIR] STEP

Steps, in this order (each prints a Markdown table with the 1-minute load average beside
every figure, and the machine and commit at the top):

- `start`: a PostgreSQL 15 cluster kept in DIR/pg between the steps (as postgres.py's
  throwaway one: 127.0.0.1 only, `fsync=off`, `trust`; `shared_buffers=1GB`,
  `max_wal_size=8GB`); run as root the server runs as the `postgres` user. `stop` stops it,
  `clean` stops it and removes DIR.
- `dataset`: dataset.py at the size (`--scale N/1M`: 10,000 providers, 100,000 employees,
  1,000,000 applicants and N mandates at 10M) into a new database `copy` with COPY, timed
  (`/usr/bin/time -v`): the whole command and the mandates' COPY alone, rows per second.
- `registry`: the registry the other steps read, made through the log only (bench_audit.py's
  way, so that `registry audit verify` vouches for every row): dataset.py's registry without
  mandates, at the same scale, in SQLite, exported per kind and imported into a new database
  `registry` with `mandaatwijzer registry import KIND FILE` (the few rows the import refuses
  left out once), then the N mandates as CSV, imported in files of `--chunk` rows (1M; a
  transferred mandate and its successor never split), each import timed: rows per second as
  the registry grows, the last one a 1M import into a registry of N - 1M.
- `import`: `--rows` (1M at 10M) new mandates (dataset.py's, drawn with another seed, ids `X-...`)
  imported with `mandaatwijzer registry import mandates FILE` into a copy of `registry`
  (`createdb -T`; dropped afterwards, so the step can be repeated): the import into a
  registry that already holds N mandates. `--profile`: the same under cProfile.
- `access`: `AccessReader` (what commands run: the facts read at every check) on
  `--pairs` (person, applicant) pairs sampled by sample.py, p50/p99 per outcome after a
  warm-up round (goal p99 <= 5 ms); then the access index (`AccessIndex.for_url(URL).reload()`,
  what the web app runs): its load time, this process's resident memory before and after,
  and its p50/p99 on the same pairs. `--index-only` measures only the index (rerun it when
  adapters/access/index.py changes; it prints the commit and whether that folder differs).
- `verify`: `/usr/bin/time -v mandaatwijzer registry audit verify` on `registry`.
- `web`: `mandaatwijzer serve` on `registry` (one process, one worker, its own index loaded
  at start-up), then, once `/health/ready` answers 200, wrk (`-t2 -c16 -d30s --timeout 60s
  --latency`: a slow answer is counted, not dropped as a timeout)
  on the check page `/nl/registry/check?applicant=A&at=DAY`, signed in as the pair's person:
  `--sessions` sampled pairs, each with its own session (opened as a sign-in opens one,
  `signin.sign_in`, before the server starts), taken in turn by a wrk Lua script. Reports
  the time to ready, requests per second, p50/p90/p99, non-2xx responses, the server's peak
  resident memory. `--page api`: the same pairs on `GET /api/registry/may-manage` (the same
  `views.check`, without the page's lists of persons and applicants to choose from). Needs
  /usr/bin/wrk (`apt-get install wrk`).

A smoke run of every step at 100,000 mandates takes about 2 minutes:

    for step in start dataset registry access verify web clean; do
        .venv/bin/python bench/registry/bench_10m.py --mandates 100000 $step; done

The data lives in DIR (default /tmp/mandaatwijzer-bench/10m-N): at 10M about 20 GB for the
two databases and 3 GB of CSV files; `clean` removes it.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(HERE.parent)]

import dataset  # noqa: E402
import postgres  # noqa: E402
from bench_audit import COMMAND, exported  # noqa: E402

from _machine import describe  # noqa: E402

PYTHON = str(ROOT / ".venv/bin/python")
DAY = dataset.DAY
P99_GOAL_MS = 5.0
SECRET_KEY = "bench-10m-not-a-secret"


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def load() -> str:
    """The 1-minute load average."""
    return Path("/proc/loadavg").read_text(encoding="utf-8").split()[0]


def commit() -> str:
    head = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %ci"],
                          capture_output=True, text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--short", "--",
                            "src/mandaatwijzer/registry", "src/mandaatwijzer/adapters"],
                           capture_output=True, text=True, check=False).stdout.strip()
    import mandaatwijzer

    package = Path(mandaatwijzer.__file__).parent
    if package.is_relative_to(ROOT):
        return f"commit {head}" + (f"; uncommitted: {' '.join(dirty.split())}" if dirty
                                   else "")
    return f"commit {head}; the package from {package} (PYTHONPATH), not the work tree"


# --- the cluster kept between steps ------------------------------------------------------------

class Cluster:
    def __init__(self, folder: Path) -> None:
        self.folder = folder / "pg"
        self.data = self.folder / "data"
        self.port_file = self.folder / "port"
        self.user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")

    @property
    def port(self) -> int:
        return int(self.port_file.read_text(encoding="utf-8"))

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, text=True,
                       timeout=600)

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def start(self) -> None:
        if self.running():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        if not self.data.exists():
            self._run(str(postgres.BIN / "initdb"), "-D", str(self.data), "-U", self.user,
                      "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self.port_file.write_text(str(probe.getsockname()[1]), encoding="utf-8")
        self._run(str(postgres.BIN / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.folder / "server.log"), "-o",
                  f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off "
                  "-c shared_buffers=1GB -c max_wal_size=8GB", "-w", "-t", "120", "start")

    def stop(self) -> None:
        if self.running():
            self._run(str(postgres.BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                      "stop")

    def recreate(self, database: str) -> str:
        for tool in ("dropdb", "createdb"):
            extra = ["--if-exists"] if tool == "dropdb" else []
            self._run(str(postgres.BIN / tool), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                      self.user, *extra, database)
        return self.url(database)

    def size(self, database: str) -> str:
        import psycopg

        with psycopg.connect(self.url(database).replace("+psycopg", "")) as connection:
            found = connection.execute("SELECT pg_size_pretty(pg_database_size(%s))",
                                       (database,)).fetchone()
        return str(found[0]) if found else "?"


def _size(args: argparse.Namespace) -> dataset.Size:
    """dataset.py's shape scaled to the number of mandates (as `--scale`)."""
    scaled = dataset.FULL.scaled(args.mandates / dataset.FULL.mandates)
    return dataset.Size(scaled.providers, scaled.employees, scaled.applicants, args.mandates)


# --- timed commands ----------------------------------------------------------------------------

def timed(command: list[str], env: dict[str, str] | None = None
          ) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Run under `/usr/bin/time -v`: wall s, CPU s (user + system), max RSS MB, load."""
    before, started = load(), time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *command], env=env, capture_output=True,
                          text=True, check=False)
    wall = time.perf_counter() - started
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)",
                                             done.stderr))
    return done, {"wall": wall, "cpu": cpu, "rss": int(rss.group(1)) / 1024 if rss else 0.0,
                  "load": f"{before} → {load()}", "exit": done.returncode}


# --- dataset -----------------------------------------------------------------------------------

def step_dataset(args: argparse.Namespace, cluster: Cluster) -> int:
    url = cluster.recreate("copy")
    scale = args.mandates / dataset.FULL.mandates
    command = [PYTHON, str(HERE / "dataset.py"), "--scale", f"{scale:g}", "--mandates",
               str(args.mandates), url]
    done, spent = timed(command)
    if done.returncode:
        log(done.stderr[-3000:])
        return 1
    tables = {table: (int(count), float(seconds)) for table, count, seconds in re.findall(
        r"^(\w+): (\d+) rows in ([\d.]+) s", done.stderr, re.MULTILINE)}
    rows, copy_s = tables["mandates"]
    copy_s = max(copy_s, 0.05)
    print("command: .venv/bin/python bench/registry/dataset.py " + " ".join(command[2:]))
    print("| what | rows | s | rows/s | load before → after |\n|---|---:|---:|---:|---|")
    for table, (count, seconds) in tables.items():
        print(f"| COPY {table} | {count:,} | {seconds:.1f} | {count / max(seconds, 0.05):,.0f} "
              "| |")
    print(f"| the whole command (rows generated in Python, COPY, VACUUM ANALYZE) | "
          f"{rows:,} mandates | {spent['wall']:.1f} | {rows / spent['wall']:,.0f} | "
          f"{spent['load']} |")
    print(f"mandates COPY: {rows / copy_s:,.0f} rows/s; CPU of the command "
          f"{spent['cpu']:.1f} s, max RSS {spent['rss']:,.0f} MB; database "
          f"{cluster.size('copy')}")
    return 0


# --- the registry through the log --------------------------------------------------------------

def _drop_refused(path: Path, errors: str) -> int:
    wrong = {int(found) for found in re.findall(r"^row (\d+)", errors, re.MULTILINE)}
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for number, line in enumerate(lines, start=1)
                            if number not in wrong), encoding="utf-8")
    return len(wrong)


def _chunks(path: Path, rows: int, folder: Path) -> Iterator[Path]:
    """`path` in files of about `rows` data rows each, a transfer never split from its
    successor (the successor's row names its predecessor)."""
    with path.open(encoding="utf-8", newline="") as lines:
        header = next(lines)
        column = header.rstrip("\r\n").split(",").index("predecessor_id")
        number, out, count = 0, None, 0
        try:
            for line in lines:
                if out is None or (count >= rows and not line.rstrip("\r\n").split(",")[column]):
                    if out is not None:
                        out.close()
                        yield folder / f"chunk-{number}.csv"
                    number += 1
                    out = (folder / f"chunk-{number}.csv").open("w", encoding="utf-8",
                                                               newline="")
                    out.write(header)
                    count = 0
                out.write(line)
                count += 1
        finally:
            if out is not None:
                out.close()
        if out is not None:
            yield folder / f"chunk-{number}.csv"


def step_registry(args: argparse.Namespace, cluster: Cluster) -> int:
    size = _size(args)
    folder = args.folder / "files"
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / "base.sqlite3"
    if not base.exists():
        started = time.perf_counter()
        dataset.write(f"sqlite:///{base}", dataset.Dataset(size),
                      [t for t in dataset.TABLES if t != "mandates"])
        log(f"SQLite registry without mandates in {time.perf_counter() - started:.0f} s")
    files = exported(base, folder)
    mandates = folder / "mandates.csv"
    if not mandates.exists():
        started = time.perf_counter()
        dataset.write_mandates_csv(mandates, dataset.Dataset(size))
        log(f"{args.mandates:,} mandates as CSV in {time.perf_counter() - started:.0f} s")
    for old in folder.glob("chunk-*.csv"):
        old.unlink()
    chunks = list(_chunks(mandates, args.chunk, folder))
    url = cluster.recreate("registry")
    env = dict(os.environ, MANDAATWIJZER_DATABASE_URL=url)
    print(commit())
    print("| import | rows | mandates stored before | wall s | rows/s | CPU s | max RSS MB | "
          "load before → after | exit |\n|---|---:|---:|---:|---:|---:|---:|---|---:|")
    stored = 0
    for kind, path in [*files.items(), *(("mandates", chunk) for chunk in chunks)]:
        command = [COMMAND, "registry", "import", kind, str(path), "--max-errors", "1000000"]
        done, spent = timed(command, env)
        if done.returncode == 6 and kind != "mandates":  # refused: nothing was written
            log(f"left out {_drop_refused(path, done.stderr)} {kind} the import refuses")
            done, spent = timed(command, env)
        if done.returncode:
            log(done.stdout[-2000:] + done.stderr[-3000:])
            return 1
        with path.open(encoding="utf-8") as counted:
            rows = sum(1 for _ in counted) - 1
        print(f"| {kind} ({path.name}) | {rows:,} | {stored:,} | {spent['wall']:.1f} | "
              f"{rows / spent['wall']:,.0f} | {spent['cpu']:.1f} | {spent['rss']:,.0f} | "
              f"{spent['load']} | {spent['exit']} |", flush=True)
        if kind == "mandates":
            stored += rows
            path.unlink()
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        started = time.perf_counter()
        connection.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE {time.perf_counter() - started:.0f} s; database "
          f"{cluster.size('registry')}")
    return 0


def _extra_mandates(path: Path, size: dataset.Size, rows: int) -> None:
    """`rows` more mandates for the same registry: dataset.py's, drawn with another seed for
    the mandates only (persons, staff and representatives as stored), ids `X-...`."""
    class Extra(dataset.Dataset):
        def mandates(self) -> Iterator[dataset.Row]:
            original = dataset.random.Random
            mandates_seed = self.seed + 5

            def shifted(seed: int) -> Any:
                return original(seed + 1_000 if seed == mandates_seed else seed)

            dataset.random.Random = shifted  # type: ignore[assignment,misc]
            try:
                yield from super().mandates()
            finally:
                dataset.random.Random = original  # type: ignore[misc]

    made = path.with_suffix(".tmp")
    dataset.write_mandates_csv(made, Extra(dataset.Size(size.providers, size.employees,
                                                        size.applicants, rows)))
    with made.open(encoding="utf-8") as lines, path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(re.sub(r"\bM-(\d{8})\b", r"X-\1", line))
    made.unlink()


def step_import(args: argparse.Namespace, cluster: Cluster) -> int:
    """`rows` new mandates imported into a copy of `registry` (the copy dropped afterwards)."""
    path = args.folder / "files" / f"extra-{args.rows}.csv"
    if not path.exists():
        started = time.perf_counter()
        _extra_mandates(path, _size(args), args.rows)
        log(f"{args.rows:,} more mandates as CSV in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    cluster._run(str(postgres.BIN / "dropdb"), "-h", "127.0.0.1", "-p", str(cluster.port),
                 "-U", cluster.user, "--if-exists", "scratch")
    cluster._run(str(postgres.BIN / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port),
                 "-U", cluster.user, "-T", "registry", "scratch")
    log(f"copy of the registry in {time.perf_counter() - started:.0f} s")
    url = cluster.url("scratch")
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "")) as connection:
        found = connection.execute("SELECT count(*) FROM mandates").fetchone()
    stored = int(found[0]) if found else 0
    env = dict(os.environ, MANDAATWIJZER_DATABASE_URL=url)
    command = [COMMAND, "registry", "import", "mandates", str(path)]
    print(commit())
    try:
        if args.profile:
            out = args.folder / "import.prof"
            # A command ends its process without the teardown (cli._end_now: os._exit), which
            # would lose the profile: here it exits as usual, and cProfile writes its file.
            code = ("import cProfile, os, runpy, sys\n"
                    "os._exit = sys.exit\n"
                    f"sys.argv = {command!r}\n"
                    "cProfile.run(\"runpy.run_path(sys.argv[0], run_name='__main__')\", "
                    f"{str(out)!r})\n")
            done = subprocess.run([PYTHON, "-c", code], env=env, capture_output=True,
                                  text=True, check=False)
            import pstats

            stats = pstats.Stats(str(out))
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(40)
            return done.returncode
        done, spent = timed(command, env)
    finally:
        cluster._run(str(postgres.BIN / "dropdb"), "-h", "127.0.0.1", "-p",
                     str(cluster.port), "-U", cluster.user, "--if-exists", "scratch")
    if done.returncode:
        log(done.stdout[-2000:] + done.stderr[-3000:])
    print("| import | rows | mandates stored before | wall s | rows/s | CPU s | max RSS MB | "
          "load before → after | exit |\n|---|---:|---:|---:|---:|---:|---:|---|---:|")
    print(f"| mandates ({path.name}) | {args.rows:,} | {stored:,} | {spent['wall']:.1f} | "
          f"{args.rows / spent['wall']:,.0f} | {spent['cpu']:.1f} | {spent['rss']:,.0f} | "
          f"{spent['load']} | {spent['exit']} |")
    return done.returncode


# --- the reader and the index ------------------------------------------------------------------

def _rss_mb() -> float:
    with Path("/proc/self/statm").open() as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _pairs(url: str, count: int) -> list[Any]:
    import psycopg
    import sample

    with psycopg.connect(url.replace("+psycopg", "")) as connection:
        return sample.pairs(connection, count)


def step_access(args: argparse.Namespace, cluster: Cluster) -> int:
    import timing

    from mandaatwijzer.adapters.access import AccessIndex, AccessReader

    url = cluster.url("registry")
    print(commit())
    started = time.perf_counter()
    pairs = _pairs(url, args.pairs)
    log(f"{len(pairs)} pairs sampled in {time.perf_counter() - started:.0f} s")
    rows: list[timing.Figures] = []
    loads: dict[str, str] = {}
    with AccessReader.connect(url) as reader:
        allowed = [reader.may_manage(p, a, DAY).allowed for p, a in pairs]
        if not args.index_only:
            before = load()
            found, _ = timing.measure("access_sql (AccessReader)", "PostgreSQL",
                                      lambda p, a: reader.may_manage(p, a, DAY), pairs,
                                      allowed, args.rounds)
            rows += found
            loads["access_sql (AccessReader)"] = f"{before} → {load()}"
        before_mb, before_load, started = _rss_mb(), load(), time.perf_counter()
        index = AccessIndex.for_url(url)
        index.reload()
        seconds, grown = time.perf_counter() - started, _rss_mb() - before_mb
        loaded = (f"access index: loaded in {seconds:.1f} s, +{grown:,.0f} MB resident "
                  f"({_rss_mb():,.0f} MB in all; load {before_load} → {load()})")
        log(loaded)
        before = load()
        found, _ = timing.measure("access_index", "PostgreSQL",
                                  lambda p, a: index.may_manage(reader.connection, p, a, DAY),
                                  pairs, allowed, args.rounds)
        rows += found
        loads["access_index"] = f"{before} → {load()}"
    print(f"{len(pairs)} pairs ({sum(allowed)} allowed), {args.rounds} round(s) after a "
          f"warm-up round; day {DAY}; {args.mandates:,} mandates")
    print("| engine | outcome | samples | p50 ms | p99 ms | max ms | load before → after |\n"
          "|---|---|---:|---:|---:|---:|---|")
    for row in rows:
        print(f"| {row.engine} | {row.outcome} | {row.samples} | {row.p50_us / 1000:.2f} | "
              f"{row.p99_us / 1000:.2f} | {row.max_us / 1000:.1f} | {loads[row.engine]} |")
    print(loaded)
    reader_p99 = [row.p99_us / 1000 for row in rows if row.engine.startswith("access_sql")
                  and row.outcome != "all"]
    if reader_p99:
        met = max(reader_p99) <= P99_GOAL_MS
        print(f"reader p99 goal (<= {P99_GOAL_MS} ms): {'met' if met else 'NOT met'}")
    return 0


# --- audit verify ------------------------------------------------------------------------------

def step_verify(args: argparse.Namespace, cluster: Cluster) -> int:
    env = dict(os.environ, MANDAATWIJZER_DATABASE_URL=cluster.url("registry"))
    print(commit())
    done, spent = timed([COMMAND, "registry", "audit", "verify"], env)
    print("| command | mandates | wall s | CPU s | max RSS MB | load before → after | exit |\n"
          "|---|---:|---:|---:|---:|---|---:|")
    print(f"| mandaatwijzer registry audit verify | {args.mandates:,} | {spent['wall']:.1f} | "
          f"{spent['cpu']:.1f} | {spent['rss']:,.0f} | {spent['load']} | {spent['exit']} |")
    print(done.stdout[-1500:])
    return done.returncode


# --- the web check page under load -------------------------------------------------------------

LUA = """-- the check page for each signed-in pair in turn
local requests = {}
local n = 0
init = function(args)
%s
  n = #requests
end
local i = 0
request = function()
  i = i %% n + 1
  return requests[i]
end
"""


def _sessions(url: str, count: int) -> list[tuple[str, str, str]]:
    """(cookie secret, person, applicant) for `count` sampled pairs, one session each."""
    from mandaatwijzer.bootstrap import build_context
    from mandaatwijzer.config import Settings
    from mandaatwijzer.registry import signin

    pairs = _pairs(url, count * 3)
    ctx = build_context(Settings(database_url=url, secret_key=SECRET_KEY))
    chosen: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for person_id, applicant in pairs:
        if len(chosen) == count or (person_id, applicant.id) in seen:
            continue
        seen.add((person_id, applicant.id))
        with ctx.units() as uow:
            person = uow.repo.person(person_id)
            assert person is not None, person_id
            identity = signin.Identity("https://bench.invalid", f"bench-{person.id}",
                                       person.national_number, person.name, signin.EID_CARD)
        opened = signin.sign_in(ctx.units(), ctx.clock, identity, frozenset({signin.EID_CARD}))
        chosen.append((opened.secret, person_id, applicant.id))
    return chosen


def _get(address: str, cookie: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(address, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def step_web(args: argparse.Namespace, cluster: Cluster) -> int:
    wrk = shutil.which("wrk")
    if wrk is None:
        log("wrk is missing: apt-get install wrk")
        return 2
    url = cluster.url("registry")
    print(commit())
    started = time.perf_counter()
    sessions = _sessions(url, args.sessions)
    log(f"{len(sessions)} sessions opened in {time.perf_counter() - started:.0f} s")
    def address(person_id: str, applicant: str) -> str:
        if args.page == "api":
            return f"/api/registry/may-manage?person={person_id}&applicant={applicant}&at={DAY}"
        return f"/nl/registry/check?applicant={applicant}&at={DAY}"

    lines = [f'  requests[{i + 1}] = wrk.format("GET", "{address(person_id, applicant)}", '
             f'{{["Cookie"] = "mw_session={secret}"}})'
             for i, (secret, person_id, applicant) in enumerate(sessions)]
    script = Path(tempfile.mkdtemp(prefix="bench-10m-wrk-")) / "pairs.lua"
    script.write_text(LUA % "\n".join(lines), encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, MANDAATWIJZER_DATABASE_URL=url, MANDAATWIJZER_SECRET_KEY=SECRET_KEY,
               MANDAATWIJZER_DEMO="0")
    server_log = args.folder / "server.log"
    with server_log.open("w", encoding="utf-8") as out:
        server = subprocess.Popen([COMMAND, "serve", "--port", str(port)], env=env,
                                  stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        started, ready_load = time.perf_counter(), load()
        live = None
        while True:
            if server.poll() is not None:
                log(server_log.read_text(encoding="utf-8")[-3000:])
                return 1
            try:
                status, _ = _get(base + "/health/ready")
            except OSError:
                status = 0
            if status and live is None:
                live = time.perf_counter() - started
            if status == 200:
                break
            time.sleep(0.5)
        ready = time.perf_counter() - started
        ready_line = (f"server answering after {live or ready:.1f} s, /health/ready 200 after "
                      f"{ready:.1f} s (the index loaded at start-up; load {ready_load} → "
                      f"{load()}); peak RSS {_peak_mb(server.pid):,.0f} MB")
        log(ready_line)
        for secret, person_id, applicant in sessions:
            status, body = _get(base + address(person_id, applicant), f"mw_session={secret}")
            if status != 200 or applicant.encode() not in body:
                log(f"{person_id} {applicant}: {status} {body[:500]!r}")
                return 1
        command = [wrk, "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--timeout",
                   "60s", "--latency", "-s", str(script), base + "/"]
        before = load()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        after = load()
        peak = _peak_mb(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(script.parent, ignore_errors=True)
    output = done.stdout
    log(output)

    def latency(label: str) -> str:
        found = re.search(rf"^\s+{label}%\s+([\d.]+\w+)", output, re.MULTILINE)
        return found.group(1) if found else "?"

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    print(f"{address('PERSON', 'APPLICANT')}: "
          f"{len(sessions)} signed-in (person, applicant) pairs in turn; "
          f"wrk {' '.join(command[1:-3])}; {args.mandates:,} mandates")
    print("| requests/s | p50 | p90 | p99 | non-2xx | socket errors | server peak RSS MB | "
          "load before → after |\n|---:|---:|---:|---:|---:|---|---:|---|")
    print(f"| {float(rate.group(1)) if rate else 0:,.0f} | {latency('50')} | {latency('90')} | "
          f"{latency('99')} | {bad.group(1) if bad else 0} | "
          f"{errors.group(1) if errors else 'none'} | {peak:,.0f} | {before} → {after} |")
    print(ready_line)
    return 0 if done.returncode == 0 and not bad and not errors else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=("start", "stop", "clean", "dataset", "registry",
                                         "import", "access", "verify", "web"))
    parser.add_argument("--mandates", type=int, default=10_000_000)
    parser.add_argument("--folder", type=Path,
                        help="data folder (default /tmp/mandaatwijzer-bench/10m-MANDATES)")
    parser.add_argument("--chunk", type=int, default=1_000_000,
                        help="registry: mandates per imported file")
    parser.add_argument("--rows", type=int,
                        help="import: new mandates imported into a copy of the registry "
                        "(default: a tenth of --mandates, at most 1,000,000)")
    parser.add_argument("--profile", action="store_true",
                        help="import: under cProfile instead of timed (the top functions)")
    parser.add_argument("--pairs", type=int, default=2000, help="access: sampled pairs")
    parser.add_argument("--rounds", type=int, default=1, help="access: timed rounds")
    parser.add_argument("--index-only", action="store_true", help="access: the index only")
    parser.add_argument("--sessions", type=int, default=64, help="web: signed-in pairs")
    parser.add_argument("--connections", type=int, default=16, help="web: wrk connections")
    parser.add_argument("--page", choices=("check", "api"), default="check",
                        help="web: the check page, or the JSON API's GET /api/registry/"
                        "may-manage (the same check without the page's lists)")
    parser.add_argument("--duration", type=int, default=30, help="web: wrk seconds")
    args = parser.parse_args(argv)
    args.folder = args.folder or Path(f"/tmp/mandaatwijzer-bench/10m-{args.mandates}")
    args.rows = args.rows or min(1_000_000, max(1, args.mandates // 10))
    cluster = Cluster(args.folder)
    print(describe())
    if args.step == "start":
        cluster.start()
        print(f"cluster: {cluster.url('DATABASE')} (data in {cluster.data})")
        return 0
    if args.step in ("stop", "clean"):
        cluster.stop()
        if args.step == "clean":
            shutil.rmtree(args.folder, ignore_errors=True)
        return 0
    if not cluster.running():
        log(f"no cluster in {cluster.folder}: run the step 'start' first")
        return 2
    steps = {"dataset": step_dataset, "registry": step_registry, "import": step_import,
             "access": step_access,
             "verify": step_verify, "web": step_web}
    return steps[args.step](args, cluster)


if __name__ == "__main__":
    sys.exit(main())
