"""The `tiltakskart` command: the library's commands (cli.commands) plus `serve`, the app."""

from __future__ import annotations

import argparse
import errno
import socket
import sys
from typing import Any

from gunicorn.app.base import BaseApplication

from cli.commands import COMMANDS
from cli.main import main as cli_main
from cli.options import (
    Command,
    document_options,
    number_between,
    settings_from,
    shape_options,
    warn,
)
from followup.commands import commands as followup_commands
from geo.errors import InputError


def check_listen(host: str, port: int) -> None:
    """Fail before the slow start-up when the address cannot be listened on."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(infos[0][4])
    except socket.gaierror:
        raise InputError(
            f"--host {host}: not an address of this machine; try 127.0.0.1 or 0.0.0.0"
        ) from None
    except OSError as exc:
        reason = "already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        raise InputError(
            f"--port {port}: cannot listen on {host}:{port} ({reason}); choose another port"
        ) from None


def cmd_serve(args: argparse.Namespace) -> int:
    from app.serving import serving

    check_listen(args.host, args.port)
    settings = settings_from(args)
    server, _ = serving(settings, args.document, local=True, warn=warn, refresh=args.refresh)
    print(f"Tiltakskart: http://{args.host}:{args.port}/  (Ctrl+C to stop)", file=sys.stderr)
    SingleUser(server, args.host, args.port).run()
    return 0


class SingleUser(BaseApplication):
    """The production server (app/gunicorn_conf.py) with one worker and fewer threads, in
    this process: one user, held to the same limits (stalled connections, deadlines, body
    size) as production, on the app already built here."""

    def __init__(self, server: Any, host: str, port: int) -> None:
        self.server = server
        self.bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        super().__init__()

    def load_config(self) -> None:
        from app import gunicorn_conf

        settings = {k: v for k, v in vars(gunicorn_conf).items() if k in self.cfg.settings}
        quiet = {"accesslog": None, "loglevel": "warning", "preload_app": False}
        for key, value in {**settings, **quiet, "workers": 1, "threads": 8}.items():
            self.cfg.set(key, value)
        self.cfg.set("bind", [self.bind])

    def load(self) -> Any:
        return self.server


def _serve_options(parser: argparse.ArgumentParser) -> None:
    document_options(parser, several=True)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--port",
        type=number_between(1, 65535, int),
        default=8050,
        help="port (default: 8050)",
    )
    shape_options(parser, layout=False)


SERVE = Command(
    "serve",
    "run the web app for one user (see the README for gunicorn)",
    "Start the Tiltakskart app on the bundled programme.",
    _serve_options,
    cmd_serve,
)


def scope_of_args(args: argparse.Namespace):
    """What the command's programme lets be reported (read and tagged, no shapes)."""
    from app.tracking import scope_of
    from geo.pipeline import build_programme

    return scope_of(build_programme(settings_from(args)))


def carry_plan(args: argparse.Namespace):
    """What the diff of OLD and NEW proposes for the follow-up (`tiltakskart revise`)."""
    from app.tracking import carry_plan_of
    from cli.commands import read_revisions

    old, new = read_revisions(args)
    documents = fingerprint(args.old, args.new)
    return carry_plan_of(old, new, new.document.name, documents)


def fingerprint(*paths) -> str:
    """SHA-256 over the files' SHA-256, in order: one carry-over of these two documents."""
    import hashlib

    outer = hashlib.sha256()
    for path in paths:
        outer.update(hashlib.sha256(path.read_bytes()).digest())
    return outer.hexdigest()


def main(argv: list[str] | None = None) -> int:
    from cli.commands import revision_options

    follow = followup_commands(scope_of_args, carry_plan, revision_options)
    return cli_main(argv, commands=(*COMMANDS, SERVE, *follow))


if __name__ == "__main__":
    sys.exit(main())
