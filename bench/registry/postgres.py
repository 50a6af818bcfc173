"""A throwaway PostgreSQL 15 cluster on 127.0.0.1 for one benchmark run, removed afterwards.

As root, the server runs as the `postgres` user (it refuses root); the data folder is a new
temporary folder owned by it. Default settings except: listen on 127.0.0.1 only, at a free port,
and `fsync=off` (the cluster is thrown away; it speeds up loading the data, not reading it).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _run(*command: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, text=True, timeout=180)


@contextlib.contextmanager
def cluster(bin_dir: Path = BIN) -> Iterator[str]:
    """Yield the URL of an empty database on a new cluster; stop and delete it at the end."""
    folder = Path(tempfile.mkdtemp(prefix="mandaatwijzer-bench-pg-"))
    user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
    data, port, started = folder / "data", _free_port(), False
    try:
        _run(str(bin_dir / "initdb"), "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8",
             "--locale=C", "--no-sync")
        _run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o",
             f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c shared_buffers=512MB",
             "-w", "-t", "60", "start")
        started = True
        _run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", user, "bench")
        yield f"postgresql+psycopg://{user}@127.0.0.1:{port}/bench"
    finally:
        if started:
            _run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)
