"""Running the web application: bind the port, then serve with uvicorn in one or more processes.

The port is bound here, before uvicorn starts, so that a busy port or a wrong address is one
clear line (exit 2) instead of uvicorn's log, and so that ``--port 0`` can print the port the
system chose. With ``--workers N`` the socket is shared by N worker processes (started with
``spawn``, each loading the knowledge base itself); the engine's lock then only serialises the
requests of one process. Ctrl-C (or SIGTERM) stops every worker gracefully, with no traceback.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Generator
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn

from explainer.errors import InputError
from explainer.web.app import KNOWLEDGE_ENV
from explainer.web.guard import SECURITY_HEADERS
from explainer.web.protocol import LIMIT_CONCURRENCY, DeadlineProtocol

APP = "explainer.web.app:from_environment"
MAX_WORKERS = 32
BACKLOG = 2048


def log_config(access_log: bool) -> dict[str, Any]:
    """Logging: warnings from uvicorn, and our own access log (method, path, status only)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(message)s", "datefmt": "%H:%M:%S"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain",
                                "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            # uvicorn's own access log would print query strings: it stays off.
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "explainer.web": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "explainer.web.access": {"level": "INFO" if access_log else "WARNING"},
        },
    }


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this computer."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port``, or an :class:`InputError` saying why not."""
    if not 0 <= port <= 65535:
        raise InputError(f"--port must be from 0 to 65535 (0 picks a free port), got {port}")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise InputError(f"--host '{host}' is not an address of this computer; use 127.0.0.1 "
                         "(this computer only) or 0.0.0.0 (every network)") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise InputError(f"port {port} on {host} is already in use; stop the program using "
                             "it, or choose another port with --port") from None
        if error.errno == errno.EACCES:
            raise InputError(f"not allowed to listen on port {port}; choose a port above 1023 "
                             "with --port") from None
        raise InputError(f"cannot listen on {host}:{port}: {error.strerror}; check --host and "
                         "--port") from None
    sock.set_inheritable(True)
    return sock


KEEP_ALIVE_TIMEOUT = 5
"""Seconds an idle kept-alive connection stays open after a response."""


def config(access_log: bool) -> uvicorn.Config:
    """uvicorn's settings: our protocol (a deadline for each request to arrive), the security
    headers on every response the server sends, the concurrency limit and the timeouts."""
    return uvicorn.Config(
        APP, factory=True, lifespan="off", log_config=log_config(access_log),
        log_level="warning", access_log=False, server_header=False, proxy_headers=False,
        timeout_graceful_shutdown=5, backlog=BACKLOG, http=DeadlineProtocol,
        headers=[(name.decode(), value.decode()) for name, value in SECURITY_HEADERS],
        limit_concurrency=LIMIT_CONCURRENCY, timeout_keep_alive=KEEP_ALIVE_TIMEOUT)


class _Server(uvicorn.Server):
    """uvicorn's server, except that a SIGTERM or SIGINT it handled is not raised again once
    it has stopped (uvicorn does, so a single worker died of SIGTERM, exit 143, before saying
    "Stopped"). A stop asked for by a signal is a normal end: exit 0."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        with super().capture_signals():
            try:
                yield
            finally:
                self._captured_signals.clear()


def _watch_parent(server: uvicorn.Server, parent: int) -> None:
    """Stop ``server`` when the supervisor (process ``parent``) is gone, so that a killed
    supervisor never leaves workers serving on their own."""
    while not server.should_exit:
        if os.getppid() != parent:
            server.should_exit = True
            return
        time.sleep(0.5)


def _run_worker(sock: socket.socket, access_log: bool, parent: int | None = None) -> None:
    """One worker process: serve on the shared socket until told to stop (or, with
    ``parent``, until that supervising process is gone)."""
    server = _Server(config(access_log))
    if parent is not None:
        threading.Thread(target=_watch_parent, args=(server, parent), daemon=True,
                         name="watch-supervisor").start()
    # Ctrl-C reaches every process of the terminal; the parent reports it.
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])


def _supervise(sock: socket.socket, workers: int, access_log: bool) -> None:
    """Run ``workers`` processes on ``sock``; restart one that dies; stop all on a signal."""
    context = multiprocessing.get_context("spawn")
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}

    def start() -> Any:
        process = context.Process(target=_run_worker, args=(sock, access_log, os.getpid()),
                                  daemon=True)
        process.start()
        return process

    processes = [start() for _ in range(workers)]
    try:
        while not stopping:
            time.sleep(0.2)
            for index, process in enumerate(processes):
                if not process.is_alive() and not stopping:
                    print(f"explainer: worker {index + 1} stopped (exit {process.exitcode}); "
                          "starting it again", file=sys.stderr, flush=True)
                    processes[index] = start()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes open requests, then exits
        for process in processes:
            process.join(10)
            if process.is_alive():
                process.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
          knowledge: str | Path | None = None, access_log: bool = True) -> int:
    """Serve the page and the API until Ctrl-C; returns the exit status (0).

    The knowledge base is loaded first (a broken one raises
    :class:`~explainer.errors.KnowledgeBaseError` before anything listens); then the port is
    bound (a busy one raises :class:`~explainer.errors.InputError`).
    """
    from explainer.explanation.api import get_explainer
    from explainer.kb.paths import resolve_root

    if not 1 <= workers <= MAX_WORKERS:
        raise InputError(f"--workers must be from 1 to {MAX_WORKERS}, got {workers}")
    root = resolve_root(knowledge) if knowledge is not None else None
    get_explainer(root)  # load and check it now: a broken knowledge base never starts a server
    # Worker processes read the knowledge base's folder from the environment.
    os.environ[KNOWLEDGE_ENV] = str(root) if root is not None else ""
    sock = bind(host, port)
    shown_host = f"[{host}]" if ":" in host else host
    address = f"http://{shown_host}:{sock.getsockname()[1]}/"
    print(f"Serving the breast cancer treatment explainer at {address}", flush=True)
    print(f"  API documentation: {address}docs  ·  workers: {workers}  ·  press Ctrl-C to stop",
          flush=True)
    if not is_loopback(host):
        print(f"explainer: warning: listening on {host}, so other computers on the network can "
              "open the page; it has no password and no encryption", file=sys.stderr, flush=True)
    try:
        if workers == 1:
            _run_worker(sock, access_log)
        else:
            _supervise(sock, workers, access_log)
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    print("Stopped. Nothing entered was saved.", flush=True)
    return 0
