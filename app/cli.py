"""The `tiltakskart` command: the geo commands plus `serve` (the app)."""

from __future__ import annotations

import argparse
import errno
import socket
import sys

from geo import cli as geo_cli
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
    from app.bundle import build_bundle
    from app.main import create_app

    check_listen(args.host, args.port)
    bundle = build_bundle(geo_cli.settings_from(args), refresh=args.refresh)
    geo_cli._warn(bundle.warnings)
    if bundle.notice:
        geo_cli._warn([bundle.notice])
    app = create_app(bundle)
    print(f"Tiltakskart: http://{args.host}:{args.port}/  (Ctrl+C to stop)", file=sys.stderr)
    app.run(host=args.host, port=args.port, debug=False)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = geo_cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    serve = sub.add_parser(
        "serve",
        help="run the web app for one user (see the README for gunicorn)",
        description="Start the Tiltakskart app on the bundled programme.",
    )
    geo_cli.document_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument(
        "--port",
        type=geo_cli.number_between(1, 65535, int),
        default=8050,
        help="port (default: 8050)",
    )
    geo_cli._shape_options(serve, layout=False)
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    return geo_cli.main(argv, parser=build_parser())


if __name__ == "__main__":
    sys.exit(main())
