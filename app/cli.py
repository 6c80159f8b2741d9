"""The `tiltakskart` command: the geo commands plus `serve` (the app)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo import cli as geo_cli


def cmd_serve(args: argparse.Namespace) -> int:
    from app.main import create_app
    from geo.bundle import build_bundle

    bundle = build_bundle(
        document=args.document,
        county=args.county,
        boundaries_file=args.boundaries,
        cache_dir=geo_cli._cache_dir(args),
        api_url=geo_cli._api_url(args),
    )
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
    serve.add_argument(
        "document",
        nargs="?",
        type=Path,
        metavar="DOCUMENT",
        help="programme text file (default: the bundled programme)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8050, help="port (default: 8050)")
    serve.add_argument(
        "--county", default=geo_cli.DEFAULT_COUNTY, metavar="NN", help=argparse.SUPPRESS
    )
    serve.add_argument(
        "--boundaries",
        type=Path,
        metavar="FILE",
        help="GeoJSON or GeoPackage boundaries for offline use",
    )
    geo_cli._shape_options(serve, layout=False)
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    return geo_cli.main(argv, parser=build_parser())


if __name__ == "__main__":
    sys.exit(main())
