"""`mandaatwijzer serve` starts the web guide as the README's main job does."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_on_the_given_port_and_logs_no_answers() -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mandaatwijzer", "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "MANDAATWIJZER_HOST": "127.0.0.1"},
    )
    try:
        url = f"http://127.0.0.1:{port}/nl/flows/externe-dienstverlener/step?eid=ja&rol=mandaatbeheerder"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    page = response.read().decode()
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert "Ik wil een mandaat afsluiten met een aanvrager." in page
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in output
    assert "GET /nl/flows/externe-dienstverlener/step 200" in output
    assert "eid=ja" not in output
    assert "mandaatbeheerder" not in output
