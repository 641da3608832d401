"""The server as deployed, attacked (issue 13, items 4 and 6): slow and idle connections time
out, uvicorn's own answers carry the security headers, the access log cannot be forged, workers
stop with their supervisor, and SIGTERM is a clean stop. Real processes over loopback."""

from __future__ import annotations

import signal
import socket
import time
import urllib.request
from pathlib import Path

import pytest
from test_web_serve import _children, post_json, serving

from explainer.web.guard import SECURITY_HEADERS

pytest.importorskip("uvicorn", reason="the web extra is needed: pip install -e .[web]")


def _address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def _raw(url: str, request: bytes, timeout: float = 10) -> bytes:
    """Send ``request`` as is over a new connection; everything the server answers."""
    with socket.create_connection(_address(url), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def _headers(response: bytes) -> dict[bytes, list[bytes]]:
    head = response.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]
    found: dict[bytes, list[bytes]] = {}
    for line in head:
        name, _, value = line.partition(b":")
        found.setdefault(name.strip().lower(), []).append(value.strip())
    return found


def test_every_response_has_the_security_headers_once_even_uvicorns_own() -> None:
    with serving("--no-access-log") as served:
        answers = {
            "malformed": _raw(served.url, b"GARBAGE \x00\x01 / HTTP/9.9\r\n\r\n"),
            "bad header": _raw(served.url, b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"),
            "page": _raw(served.url, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
            "api": _raw(served.url, b"GET /api/factors HTTP/1.1\r\nHost: x\r\n"
                                    b"Connection: close\r\n\r\n"),
            "missing": _raw(served.url, b"GET /nope HTTP/1.1\r\nHost: x\r\n"
                                        b"Connection: close\r\n\r\n"),
        }
    assert answers["malformed"].startswith(b"HTTP/1.1 400")
    assert answers["bad header"].startswith(b"HTTP/1.1 400")
    for name, answer in answers.items():
        headers = _headers(answer)
        for header, value in SECURITY_HEADERS:
            assert headers.get(header) == [value], (name, header, answer[:300])


def test_a_silent_or_slow_connection_is_closed_after_the_request_timeout() -> None:
    with serving("--no-access-log", env={"EXPLAINER_REQUEST_TIMEOUT": "1"}) as served:
        for opening in (b"", b"GET / HTTP/1.1\r\nHost: x\r\n"):  # nothing; headers never end
            started = time.monotonic()
            answer = _raw(served.url, opening, timeout=20)
            took = time.monotonic() - started
            assert answer == b""
            assert took < 15  # closed by the server (1 s), not by this test's 20 s timeout
        status, _ = post_json(f"{served.url}/api/explain", {"stage": "IV"})
        assert status == 200  # and it still serves


@pytest.mark.parametrize("value", ["0", "x", "-3"])
def test_a_bad_timeout_setting_is_one_line_exit_2(value: str) -> None:
    from conftest import run_process

    done = run_process("serve", "--port", "0", env={"EXPLAINER_REQUEST_TIMEOUT": value})
    assert done.returncode == 2
    assert done.stderr == ("explainer: error: EXPLAINER_REQUEST_TIMEOUT must be a number of "
                           f"seconds from 0.1 to 3600, got '{value}'\n")


def test_over_the_concurrency_limit_uvicorn_answers_503_with_the_headers() -> None:
    with serving("--no-access-log", env={"EXPLAINER_LIMIT_CONCURRENCY": "2"}) as served:
        host, port = _address(served.url)
        held = [socket.create_connection((host, port), timeout=10) for _ in range(3)]
        try:
            time.sleep(0.3)
            answer = _raw(served.url, b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                                      b"Connection: close\r\n\r\n")
        finally:
            for sock in held:
                sock.close()
    assert answer.startswith(b"HTTP/1.1 503")
    headers = _headers(answer)
    for header, value in SECURITY_HEADERS:
        assert headers.get(header) == [value]


def test_the_access_log_escapes_the_path() -> None:
    with serving() as served:
        _raw(served.url, b"GET /x%0a12:00:00%20%22GET%20/admin%22%20200%1b[31m HTTP/1.1\r\n"
                         b"Host: x\r\nConnection: close\r\n\r\n")
    lines = [line for line in served.err.splitlines() if "/x" in line]
    assert len(lines) == 1, served.err
    assert '"GET /x%0A12:00:00%20%22GET%20/admin%22%20200%1B%5B31m" 404' in lines[0]
    assert "\x1b" not in served.err


def test_a_single_worker_stops_cleanly_on_sigterm() -> None:
    with serving("--no-access-log") as served:
        served.process.send_signal(signal.SIGTERM)
        served.process.wait(30)
    assert served.code == 0
    assert "Stopped. Nothing entered was saved." in served.out
    assert "Traceback" not in served.err


def test_workers_exit_when_the_supervisor_is_killed() -> None:
    with serving("--workers", "2", "--no-access-log") as served:
        workers = [pid for pid in _children(served.process.pid)
                   if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
        assert len(workers) == 2
        served.process.kill()
        served.process.wait(10)
        deadline = time.monotonic() + 20
        alive = workers
        while alive and time.monotonic() < deadline:
            time.sleep(0.2)
            alive = [pid for pid in workers if _running(pid)]
        assert alive == [], "workers kept serving after their supervisor died"
        with pytest.raises(OSError):
            urllib.request.urlopen(f"{served.url}/healthz", timeout=2)


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "zombie" not in status.lower()


