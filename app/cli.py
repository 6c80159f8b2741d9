"""The `tiltakskart` command: the library's commands (cli.commands) plus `serve`, the app."""

from __future__ import annotations

import argparse
import errno
import socket
import sys

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
    from app.main import build_app_programme, create_app

    check_listen(args.host, args.port)
    programme = build_app_programme(settings_from(args), refresh=args.refresh)
    warn(programme.warnings)
    if programme.notice:
        warn([programme.notice])
    app = create_app(programme)
    print(f"Tiltakskart: http://{args.host}:{args.port}/  (Ctrl+C to stop)", file=sys.stderr)
    app.run(host=args.host, port=args.port, debug=False)
    return 0


def _serve_options(parser: argparse.ArgumentParser) -> None:
    document_options(parser)
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


def main(argv: list[str] | None = None) -> int:
    return cli_main(argv, commands=(*COMMANDS, SERVE))


if __name__ == "__main__":
    sys.exit(main())
