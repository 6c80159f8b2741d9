"""The `tiltakskart` command: the geo commands plus `serve` (the app)."""

from __future__ import annotations

import argparse
import sys

from geo import cli as geo_cli


def cmd_serve(args: argparse.Namespace) -> int:
    from app.bundle import build_bundle
    from app.main import create_app

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
    serve.add_argument("--port", type=int, default=8050, help="port (default: 8050)")
    geo_cli._shape_options(serve, layout=False)
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    return geo_cli.main(argv, parser=build_parser())


if __name__ == "__main__":
    sys.exit(main())
