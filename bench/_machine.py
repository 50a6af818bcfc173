"""What a figure was measured on: printed at the top of every benchmark's report."""

from __future__ import annotations

import datetime
import os
import platform
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def describe() -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"date: {now}; machine: {os.cpu_count()} cores (nproc), {cpu_model()}; "
            f"{platform.system()} {platform.release()}; "
            f"Python {platform.python_version()} ({platform.python_implementation()}); "
            f"load average before the run: {load}")
