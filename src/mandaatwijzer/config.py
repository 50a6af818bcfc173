"""Typed settings, read once from the environment (MANDAATWIJZER_*), then frozen."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    #: Log one line per request (method, path without query, status, time). Never the answers.
    access_log: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()
        port = env.get("MANDAATWIJZER_PORT", str(defaults.port))
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"MANDAATWIJZER_PORT is {port!r}; expected a port number 1-65535")
        return cls(
            host=env.get("MANDAATWIJZER_HOST", defaults.host),
            port=int(port),
            access_log=env.get("MANDAATWIJZER_ACCESS_LOG", "1") not in {"0", "false", "no"},
        )
