"""Run the page on 127.0.0.1 (never another interface) and open the default browser on it."""

from __future__ import annotations

import socket
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

import uvicorn

from ledger.web.app import create_app
from ledger.web.recent import remember
from ledger.web.security import Keys

HOST = "127.0.0.1"


def bind(port: int = 0) -> socket.socket:
    """A listening socket on loopback; port 0 lets the system pick a free one."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows: no other program may bind the same port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
    else:  # POSIX: only lets a restart reuse a port still in TIME_WAIT
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    sock.listen(64)
    return sock


class PageServer:
    """The app for one start, served on a loopback socket; `url` holds the token."""

    def __init__(self, ledger_path: Path | None = None, port: int = 0) -> None:
        self.sock = bind(port)
        self.port = self.sock.getsockname()[1]
        self.keys = Keys()
        self.keys.allow_port(self.port)
        self.app = create_app(ledger_path, self.keys)
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}{self.keys.prefix}/"

    def run(self, when_started: Callable[[], None] | None = None) -> None:
        """Serve until stopped (Ctrl+C, or `stop()` from another thread)."""
        if when_started is not None:
            threading.Thread(target=self._after_start, args=(when_started,), daemon=True).start()
        self.server.run(sockets=[self.sock])

    def _after_start(self, callback: Callable[[], None]) -> None:
        while not self.server.started and not self.server.should_exit:
            threading.Event().wait(0.05)
        if self.server.started:
            callback()

    def start_in_thread(self) -> threading.Thread:
        """For tests and embedding: serve in a daemon thread, return once it accepts connections."""
        started = threading.Event()
        thread = threading.Thread(target=self.run, args=(started.set,), daemon=True)
        thread.start()
        if not started.wait(20):
            raise RuntimeError("the page server did not start")
        return thread

    def stop(self) -> None:
        self.server.should_exit = True


def serve(ledger_path: Path | None, *, open_browser: bool, port: int, announce: Callable[[str], None]) -> None:
    """`ledger app`: announce the address (with its token), open the browser unless told not to, serve."""
    page = PageServer(ledger_path, port)
    if ledger_path is not None:
        remember(Path(ledger_path))

    def started() -> None:
        announce(page.url)
        if open_browser:
            webbrowser.open(page.url)

    page.run(started)
