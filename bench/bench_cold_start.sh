#!/usr/bin/env bash
# Cold start of `mandaatwijzer guide ... --json` with hyperfine (target: at most 300 ms).
#
# Usage: bench/bench_cold_start.sh [--no-bytecode-cache]   (about 15 s)
#
# The same three commands as bench/bench_cold_start.py (the installed console script,
# `python -m mandaatwijzer`, and `python -c pass` for reference), with hyperfine's statistics;
# a Markdown table is written to bench/results/cold_start.md (not committed). By default the
# runs get a bytecode cache of their own in a temporary folder, filled by the warm-up; with
# --no-bytecode-cache the project's modules are compiled from source at every start.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v hyperfine >/dev/null; then
    echo "hyperfine not found: apt-get install -y hyperfine, or run bench/bench_cold_start.py" >&2
    exit 2
fi
venv=${VENV:-.venv}
args="guide externe-dienstverlener --answers 'eid=ja&rol=mandaatbeheerder' --json"

cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
if [[ "${1:-}" == "--no-bytecode-cache" ]]; then
    export PYTHONDONTWRITEBYTECODE=1
    unset PYTHONPYCACHEPREFIX
else
    unset PYTHONDONTWRITEBYTECODE
    export PYTHONPYCACHEPREFIX=$cache
fi

mkdir -p bench/results
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), \
$("$venv/bin/python" -V), $(date -u '+%Y-%m-%d %H:%M UTC'), \
bytecode cache: $([[ -n "${PYTHONPYCACHEPREFIX:-}" ]] && echo yes || echo no)"
hyperfine --shell=none --warmup 3 --runs 30 --export-markdown bench/results/cold_start.md \
    --command-name script "$venv/bin/mandaatwijzer $args" \
    --command-name module "$venv/bin/python -m mandaatwijzer $args" \
    --command-name python "$venv/bin/python -c pass"
