"""`mandaatwijzer registry audit verify` checks the tables against the log, as a person runs it.

A fresh process on a SQLite file: the demo verifies clean; rows changed, inserted and deleted
past the application are named one line each, capped with a count, and the exit code is 11.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

from mandaatwijzer.registry import demo


def _run(folder: Path, *args: str, code: int = 0) -> str:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200",
           "MANDAATWIJZER_DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}"}
    result = subprocess.run([sys.executable, "-m", "mandaatwijzer", *args], capture_output=True,
                            text=True, encoding="utf-8", env=env, cwd=folder, timeout=120,
                            check=False)
    assert result.returncode == code, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stdout


def test_verify_names_rows_the_log_does_not_vouch_for_and_exits_11(tmp_path: Path) -> None:
    _run(tmp_path, "demo")
    clean = _run(tmp_path, "registry", "audit", "verify").splitlines()
    assert clean[0].startswith("audit log intact: ")
    assert clean[1].startswith("tables agree with the log: ")
    number = demo.national_number(date(1960, 1, 1), 900)
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        connection.execute(f"UPDATE persons SET national_number = '{number}', name = 'X' "
                           "WHERE seq = 1")
        connection.execute("INSERT INTO rights (id, work_relation_id, kind, granted_by, "
                           "start_on) SELECT 'R-sneaky', id, 'SSM Mandaatbeheerder', "
                           "person_id, '2026-01-01' FROM work_relations LIMIT 1")
        [dossier] = connection.execute("SELECT id FROM dossiers WHERE seq = 1").fetchone()
        connection.execute("DELETE FROM dossiers WHERE seq = 1")
        [person] = connection.execute("SELECT id FROM persons WHERE seq = 1").fetchone()
    lines = _run(tmp_path, "registry", "audit", "verify", code=11).splitlines()
    assert lines[0].startswith("audit log intact: ")
    assert lines[1].startswith("tables disagree with the log: 3 found (")
    assert lines[2].startswith(f"  person {person}: differs: national_number, name differ "
                               "from event ")
    assert lines[3] == ("  right R-sneaky: unrecorded: exists, but no event records it and no "
                        "import wrote it")
    assert lines[4].startswith(f"  dossier {dossier}: missing: event ")
    assert lines[4].endswith(" (add_dossier) says it exists, but its row is gone")
    assert number[:9] not in "\n".join(lines)
    capped = _run(tmp_path, "registry", "audit", "verify", "--show", "1", code=11)
    assert capped.splitlines()[2:] == [lines[2],
                                       "  ... and 2 more (--show 0 names them all)"]
