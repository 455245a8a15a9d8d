"""The Starlette application of `ledger app`: one ledger at a time, the buttons, their results.

create_app() builds it for one start (its Keys: URL token, CSRF token, allowed
hosts); ledger.web.server runs it on 127.0.0.1. Every route is under the token
prefix and behind security.Guard; the routes themselves are in ledger.web.routes.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ledger.web import routes
from ledger.web.pages import HERE
from ledger.web.security import Guard, Keys
from ledger.web.state import LedgerState


def create_app(ledger_path: Path | None = None, keys: Keys | None = None) -> Starlette:
    """The app for one start. `keys.hosts` must name the address it is served on (server.serve sets it)."""
    keys = keys or Keys()
    state = LedgerState(keys=keys)
    if ledger_path is not None:
        state.choose(Path(ledger_path))
    inner = [
        Route("/", routes.index, methods=["GET"]),
        Route("/open", routes.open_ledger, methods=["POST"]),
        Route("/run/{key}", routes.run_button, methods=["POST"]),
        Route("/callbacks/print", routes.print_callbacks, methods=["GET"]),
        Route("/log", routes.show_log, methods=["GET"]),
        Route("/row/{row:int}", routes.show_row, methods=["GET"]),
        Route("/files/{name:path}", routes.ledger_file, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=[Mount(keys.prefix, routes=inner)])
    app.state.ledger = state
    app.add_middleware(Guard, keys=keys, lang=state.lang)
    return app
