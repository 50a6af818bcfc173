"""Check that `mandaatwijzer guide ... --json` prints the same with and without the fast path.

`mandaatwijzer.cli.main` answers plain `guide ... --json` command lines without importing
typer (see docs/performance.md). This runs each command line below twice in a fresh process,
once through `main` and once straight through the typer application, and compares stdout,
stderr and the exit code. Run: `.venv/bin/python bench/check_fast_path.py` (about 30 s).
"""

from __future__ import annotations

import os
import subprocess
import sys

from mandaatwijzer.cli import _parse_guide_json

VIA_MAIN = "import sys; sys.argv[0] = 'mandaatwijzer'; from mandaatwijzer.cli import main; main()"
VIA_TYPER = ("import sys; sys.argv[0] = 'mandaatwijzer'; from mandaatwijzer.cli import app; "
             "app()")
ANSWERS = "eid=ja&rol=mandaatbeheerder"

COMMAND_LINES: list[list[str]] = [
    # taken by the fast path
    ["guide", "--json"],
    ["guide", "externe-dienstverlener", "--answers", ANSWERS, "--json"],
    ["guide", "--json", "--answers", ANSWERS, "externe-dienstverlener"],
    ["guide", "-a", ANSWERS, "-l", "en", "--json"],
    ["guide", f"--answers={ANSWERS}", "--lang=en", "--json"],
    ["guide", "--answers=", "--json"],
    ["guide", "--answers", "", "--json"],
    ["guide", "--answers", "rol=mandaatbeheerder&eid=ja&wil-mandaat=ja&is-mandaatbeheerder=ja",
     "--json"],
    ["guide", "--answers", "utm=x&rol=lokale-beheerder", "--json"],
    ["guide", "--answers", "?rol=lokale-beheerder", "--json"],
    ["guide", "onbekend", "--json"],
    ["guide", "", "--json"],
    ["guide", "guide", "--json"],
    ["guide", "--answers", "rol=koning", "--json"],
    ["guide", "--answers", "rol=mandaatbeheerder&eid=ja&beheer-recht=ja", "--json"],
    ["guide", "--answers", "eid", "--json"],
    ["guide", "--answers", "eid=ja&eid=nee", "--json"],
    ["guide", "--answers", "rol=", "--json"],
    ["guide", "--lang", "fr", "--json"],
    ["guide", "--lang=", "--json"],
    ["guide", "onbekend", "--lang", "fr", "--answers", "eid", "--json"],
    # left to typer by the fast path
    ["guide", "--json", "--json"],
    ["guide", "-l", "nl", "-l", "en", "--json"],
    ["guide", "-len", "--json"],
    ["guide", "-l=en", "--json"],
    ["guide", "--answers", "--json"],
    ["guide", "--json", "--answers"],
    ["guide", "--json=1"],
    ["guide", "--jso"],
    ["guide", "--no-json"],
    ["guide", "--", "--json"],
    ["guide", "a", "b", "--json"],
    ["guide", "--help"],
    ["guide", "--json", "--help"],
    ["guide", "-", "--json"],
    ["--help"],
    [],
    ["flow", "paths"],
    ["Guide", "--json"],
]


def run(code: str, args: list[str]) -> tuple[int, str, str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                            encoding="utf-8", env=env, timeout=60, check=False)
    return result.returncode, result.stdout, result.stderr


def main() -> int:
    differ = 0
    for args in COMMAND_LINES:
        way = "fast " if _parse_guide_json(args) is not None else "typer"
        same = run(VIA_MAIN, args) == run(VIA_TYPER, args)
        differ += not same
        print(f"{'same ' if same else 'DIFF '} {way}  {args}")
    print(f"{len(COMMAND_LINES)} command lines, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
