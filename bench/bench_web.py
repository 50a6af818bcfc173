"""Throughput and latency of a question page of the web guide, next to the same bytes as a file.

Run: `.venv/bin/python bench/bench_web.py` (about 2 minutes; `--duration`, `--rounds` to change).

Targets (issue "Web guide", section 9): the app serves the page at ≥ 50% of the requests per
second of the static file, and its p99 latency is ≤ 10 ms.

Servers, each a child process of this script on 127.0.0.1 (ports chosen free), one worker:

- app:         `mandaatwijzer serve` as it is: the function `mandaatwijzer.cli.serve` is
               called, so the uvicorn options (loop, HTTP parser, access log off, no server
               header) and the app's own access log (one line per request, to a file here) are
               exactly those of the command.
- static:      the same `serve` function with the app swapped for a bare Starlette
               `StaticFiles` app on a temporary folder holding `page.html`: the HTML that the
               app served for PATH, byte for byte (checked).
- app-static:  (for diagnosis, `--variants`) the same file mounted at /bench-static/ inside
               `create_app(...)`: the app's middleware and routing, without the page's work.
- bytes:       (for diagnosis) the same bytes from memory, a bare Starlette app with one route
               returning them: the floor of uvicorn plus a minimal ASGI app.

Load: wrk (Debian's /usr/bin/wrk) with `-t THREADS -c CONNECTIONS -d DURATION --latency`,
after an untimed `--warmup` run of the same; rounds interleave the variants (app, static,
app, static, ...) so that a neighbour's load hits them alike. Per timed run: requests per
second, latency p50/p90/p99 from wrk's distribution, and the server's CPU time per request
(user + system from /proc/PID/stat), which a busy machine disturbs less than the wall clock.
A run with a non-2xx response or a socket error fails the benchmark. Each figure in the
summary is the median over the rounds; the targets are judged on those medians.

The script waits (up to `--wait-max` seconds) for the 1-minute load average to fall below
`--max-load` before it starts, and says so when it did not. It stops the servers it started.
`--src DIR` runs the servers on the package in DIR (an earlier tree, as in bench_cold_start).
`--loop` and `--http` override uvicorn's choice (auto: uvloop and httptools when installed).

`--instructions` measures instead, independent of the machine's load, the instructions that
the app itself executes per request of PATH (no server, no socket): valgrind's cachegrind
(`apt-get install valgrind`) counts the instructions of a process that calls the ASGI app
`create_app(Settings.from_env())` directly, 50 + N times, with the access log on (to a file)
as `serve` sets it up; the figure is the difference between N = 200 and N = 0, over 200.
About a minute.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import _machine

PATH = "/nl/flows/externe-dienstverlener/step?eid=ja&rol=lokale-beheerder"
EXPECTED = "lokale beheerder"  # a word of the question page, to know it is the right page
WRK = "/usr/bin/wrk"
TARGET_RATIO = 0.5
TARGET_P99_MS = 10.0
HOST = "127.0.0.1"
VARIANTS = ("app", "static", "app-static", "bytes")


# --- the servers (run in a child process: `bench_web.py --serve KIND ...`) -----------------

def serve(kind: str, port: int, folder: Path, loop: str, http: str) -> None:
    """Run `mandaatwijzer.cli.serve` with, for `static`, the app swapped for the file."""
    import functools

    import uvicorn

    import mandaatwijzer.web
    from mandaatwijzer import cli

    if loop != "auto" or http != "auto":
        uvicorn.run = functools.partial(uvicorn.run, loop=loop, http=http)
    if kind != "app":
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import Response
        from starlette.routing import Mount, Route
        from starlette.staticfiles import StaticFiles

        create_app = mandaatwijzer.web.create_app
        page = (folder / "page.html").read_bytes()

        async def from_memory(request: Request) -> Response:
            return Response(page, media_type="text/html")

        def swapped(settings: object) -> object:
            if kind == "static":
                return Starlette(routes=[Mount("/", StaticFiles(directory=folder))])
            if kind == "bytes":
                return Starlette(routes=[Route("/page.html", from_memory)])
            app = create_app(settings)  # type: ignore[arg-type]
            app.mount("/bench-static", StaticFiles(directory=folder))
            return app

        mandaatwijzer.web.create_app = swapped  # type: ignore[assignment]
    cli.serve(host=HOST, port=port)


# --- the load ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:
        if response.status != 200:
            raise SystemExit(f"{url}: status {response.status}")
        return bytes(response.read())


@contextlib.contextmanager
def server(kind: str, folder: Path, args: argparse.Namespace,
           env: dict[str, str]) -> Iterator[tuple[int, int]]:
    """(port, pid) of a running server of this kind; stopped on the way out."""
    port = free_port()
    command = [sys.executable, __file__, "--serve", kind, "--port", str(port),
               "--folder", str(folder), "--loop", args.loop, "--http", args.http]
    with (folder / f"{kind}.log").open("w", encoding="utf-8") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection((HOST, port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the {kind} server did not start; see its log:\n"
                                     + (folder / f"{kind}.log").read_text()) from None
                time.sleep(0.1)
        yield port, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


_UNIT = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wrk(url: str, args: argparse.Namespace, duration: float) -> str:
    command = [WRK, "--latency", f"-t{args.threads}", f"-c{args.connections}",
               f"-d{duration:g}s", url]
    result = subprocess.run(command, capture_output=True, text=True, check=False,
                            timeout=duration + 60)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {result.stderr}")
    out = result.stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"errors under load:\n{out}")
    return out


def parse(out: str) -> dict[str, float]:
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}  # type: ignore[union-attr]
    for pct in ("50", "90", "99"):
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()  # type: ignore[union-attr]
        figures[f"p{pct}"] = float(value) * _UNIT[unit]
    figures["requests"] = float(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return figures


def wait_for_quiet(max_load: float, wait_max: float) -> str:
    deadline = time.monotonic() + wait_max
    while (load := os.getloadavg()[0]) >= max_load and time.monotonic() < deadline:
        print(f"load average {load:.2f} >= {max_load}: waiting", file=sys.stderr, flush=True)
        time.sleep(15)
    if load >= max_load:
        return (f"load average {load:.2f} still >= {max_load} after {wait_max:.0f} s: "
                "measured anyway")
    return f"load average {load:.2f} < {max_load}"


def uvicorn_choice(env: dict[str, str], args: argparse.Namespace) -> str:
    """What uvicorn's "auto" picks in the servers' interpreter, and the versions."""
    code = ("import importlib.util as u, importlib.metadata as m\n"
            "def v(n):\n"
            "    try: return m.version(n)\n"
            "    except m.PackageNotFoundError: return None\n"
            "print(v('uvicorn'), v('starlette'), v('fastapi'), v('jinja2'),\n"
            "      v('uvloop') if u.find_spec('uvloop') else None,\n"
            "      v('httptools') if u.find_spec('httptools') else None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env, timeout=60).stdout.split()
    uv, st, fa, jj, uvloop, httptools = out
    loop = args.loop if args.loop != "auto" else ("uvloop" if uvloop != "None" else "asyncio")
    http = args.http if args.http != "auto" else ("httptools" if httptools != "None" else "h11")
    return (f"uvicorn {uv} (loop {loop}{f' {uvloop}' if loop == 'uvloop' else ''}, http {http}"
            f"{f' {httptools}' if http == 'httptools' else ''}, 1 worker, access_log=False, "
            f"server_header=False), starlette {st}, fastapi {fa}, jinja2 {jj}")


LOG_FORMAT = "%(levelname)s:     %(message)s"  # as `mandaatwijzer serve` sets it up


def asgi_requests(count: int, path: str, log_file: Path) -> None:
    """50 + `count` requests of `path` straight into the app, each checked for status 200."""
    import asyncio
    import logging

    from mandaatwijzer.config import Settings
    from mandaatwijzer.web import create_app

    logging.basicConfig(level=logging.INFO, filename=log_file, format=LOG_FORMAT)
    app = create_app(Settings.from_env())
    route, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": route, "raw_path": route.encode(), "root_path": "",
             "query_string": query.encode(), "headers": [(b"host", HOST.encode())],
             "client": (HOST, 50000), "server": (HOST, 8000)}

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise SystemExit(f"{path}: status {message['status']}")

    async def run() -> None:
        for _ in range(50 + count):
            await app(dict(scope), receive, send)  # type: ignore[arg-type]

    asyncio.run(run())


def instructions(args: argparse.Namespace, env: dict[str, str]) -> float:
    """Instructions per request of the app, by cachegrind: (N=200 run - N=0 run) / 200."""
    def count(requests: int) -> int:
        with tempfile.TemporaryDirectory(prefix="mandaatwijzer-bench-web-") as tmp:
            command = ["valgrind", "--tool=cachegrind", "--cache-sim=no",
                       "--cachegrind-out-file=/dev/null", sys.executable, __file__,
                       "--asgi", str(requests), "--path", args.path,
                       "--folder", tmp]
            result = subprocess.run(command, capture_output=True, text=True, env=env,
                                    check=False, timeout=900)
        found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
        if result.returncode != 0 or not found:
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
        return int(found.group(1).replace(",", ""))

    return (count(200) - count(0)) / 200


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=15, help="seconds per timed run (15)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per run (3)")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs per variant (3)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--path", default=PATH, help=f"the page (default {PATH})")
    parser.add_argument("--variants", default="app,static",
                        help=f"comma-separated, of {', '.join(VARIANTS)}; "
                             "app and static always run")
    parser.add_argument("--max-load", type=float, default=1.5,
                        help="wait for a 1-minute load average below this (1.5)")
    parser.add_argument("--wait-max", type=float, default=300,
                        help="seconds to wait for it at most (300)")
    parser.add_argument("--loop", default="auto", choices=["auto", "asyncio", "uvloop"])
    parser.add_argument("--http", default="auto", choices=["auto", "h11", "httptools"])
    parser.add_argument("--src", type=Path, help="serve the package in this folder instead")
    parser.add_argument("--instructions", action="store_true",
                        help="count the app's instructions per request with valgrind instead")
    parser.add_argument("--serve", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--asgi", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.folder, args.loop, args.http)
        return 0
    if args.asgi is not None:
        asgi_requests(args.asgi, args.path, args.folder / "app.log")
        return 0

    variants = ["app", "static", *(v for v in args.variants.split(",")
                                  if v not in ("app", "static"))]
    if not set(variants) <= set(VARIANTS):
        parser.error(f"--variants: of {', '.join(VARIANTS)}; got {args.variants}")
    env = dict(os.environ)
    if args.src:
        env["PYTHONPATH"] = os.pathsep.join([str(args.src.resolve()),
                                            *filter(None, [env.get("PYTHONPATH")])])
    if args.instructions:
        print(_machine.describe())
        print(f"page {args.path}" + (f"; package from {args.src}" if args.src else ""))
        print(f"app, in-process, access log on: {instructions(args, env):,.0f} instructions "
              "per request (cachegrind)")
        return 0
    quiet = wait_for_quiet(args.max_load, args.wait_max)
    print(_machine.describe())
    print(f"{quiet}; {uvicorn_choice(env, args)}")
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s --latency, after "
          f"{args.warmup:g} s of warm-up, {args.rounds} rounds interleaved; page {args.path}"
          + (f"; package from {args.src}" if args.src else ""))

    results: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
    with tempfile.TemporaryDirectory(prefix="mandaatwijzer-bench-web-") as tmp, \
            contextlib.ExitStack() as servers:
        folder = Path(tmp)
        running = {"app": servers.enter_context(server("app", folder, args, env))}
        page = fetch(f"http://{HOST}:{running['app'][0]}{args.path}")
        if EXPECTED not in page.decode():
            raise SystemExit(f"{args.path} is not the expected page")
        (folder / "page.html").write_bytes(page)
        for kind in variants[1:]:
            running[kind] = servers.enter_context(server(kind, folder, args, env))
        urls = {"app": args.path, "static": "/page.html", "app-static": "/bench-static/page.html",
                "bytes": "/page.html"}
        urls = {kind: f"http://{HOST}:{running[kind][0]}{urls[kind]}" for kind in variants}
        for kind, url in urls.items():
            if fetch(url) != page:
                raise SystemExit(f"{kind} does not serve the same bytes")
        print(f"page: {len(page)} bytes, identical from every server")
        print()
        print(f"{'run':<16}{'load':>6}{'req/s':>10}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}"
              f"{'cpu µs/req':>12}")
        for round_ in range(1, args.rounds + 1):
            for kind in variants:
                wrk(urls[kind], args, args.warmup)
                load = os.getloadavg()[0]
                cpu0 = cpu_seconds(running[kind][1])
                figures = parse(wrk(urls[kind], args, args.duration))
                figures["cpu"] = (cpu_seconds(running[kind][1]) - cpu0) / figures["requests"] * 1e6
                results[kind].append(figures)
                print(f"{f'{kind} #{round_}':<16}{load:>6.2f}{figures['rps']:>10.0f}"
                      f"{figures['p50']:>9.2f}{figures['p90']:>9.2f}{figures['p99']:>9.2f}"
                      f"{figures['cpu']:>12.0f}", flush=True)
        log = (folder / "app.log").read_text(encoding="utf-8")
    if "eid=ja" in log:
        raise SystemExit("the app's log holds answers")

    print()
    median = {kind: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
              for kind, runs in results.items()}
    for kind, figures in median.items():
        print(f"{kind + ' (median)':<22}{figures['rps']:>10.0f}{figures['p50']:>9.2f}"
              f"{figures['p90']:>9.2f}{figures['p99']:>9.2f}{figures['cpu']:>12.0f}")
    print()
    ratio = median["app"]["rps"] / median["static"]["rps"]
    p99 = median["app"]["p99"]
    ratio_met, p99_met = ratio >= TARGET_RATIO, p99 <= TARGET_P99_MS
    print(f"target: app req/s / static req/s = {ratio:.2f} >= {TARGET_RATIO}: "
          f"{'met' if ratio_met else 'NOT met'}")
    print(f"target: app p99 {p99:.2f} ms <= {TARGET_P99_MS:g} ms: "
          f"{'met' if p99_met else 'NOT met'}")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if ratio_met and p99_met else 1


if __name__ == "__main__":
    sys.exit(main())
