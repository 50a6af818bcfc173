"""A throwaway PostgreSQL cluster for the test session, or the one the environment names.

MANDAATWIJZER_TEST_POSTGRES_URL wins when set. Otherwise, where the PostgreSQL server binaries
are installed (Debian: /usr/lib/postgresql/<version>/bin), a cluster is created in a temporary
folder, listening on 127.0.0.1 at a free port with fsync off, and removed at the end. The server
refuses to run as root, so as root it runs as the `postgres` user.
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

ENV_URL = "MANDAATWIJZER_TEST_POSTGRES_URL"
DATABASE = "mandaatwijzer_test"


def server_bin() -> Path | None:
    """The newest installed server's bin folder (15 is what CI installs)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    return found[-1].parent if found and (found[-1].parent / "pg_ctl").exists() else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _run(command: list[str], as_postgres: bool, log: Path | None = None) -> None:
    if as_postgres:
        command = ["runuser", "-u", "postgres", "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        server_log = log.read_text() if log is not None and log.exists() else ""
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n"
                           f"{done.stdout}{done.stderr}{server_log}")


@contextlib.contextmanager
def throwaway_cluster(bin_dir: Path) -> Iterator[str]:
    """Start a cluster, create the test database, yield its URL; stop and delete it after."""
    as_postgres = os.geteuid() == 0
    # As root, TMPDIR may lie where the postgres user cannot go: /tmp is open to everyone.
    folder = Path(tempfile.mkdtemp(prefix="mandaatwijzer-pg-",
                                   dir="/tmp" if as_postgres else None))
    user = "postgres" if as_postgres else pwd.getpwuid(os.geteuid()).pw_name
    if as_postgres:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
    data, log = folder / "data", folder / "server.log"
    port = _free_port()
    started = False
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", user, "-A", "trust",
              "-E", "UTF8", "--locale=C", "--no-sync"], as_postgres)
        options = (f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log),
              "-o", options, "-w", "-t", "60", "start"], as_postgres, log)
        started = True
        _run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", user,
              DATABASE], as_postgres)
        yield f"postgresql+psycopg://{user}@127.0.0.1:{port}/{DATABASE}"
    finally:
        try:
            if started:
                _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                      "stop"], as_postgres, log)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
