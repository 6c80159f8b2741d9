"""The `tiltakskart` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.export import extract_dict, to_csv, to_json, write_atomic
from geo.extract import DEFAULT_DOCUMENT, extract_file
from geo.report import accounting_report
from geo.source import InputError


def _write_output(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    if out.is_dir():
        raise InputError(f"--out {out} is a directory; give a file name such as {out}/tiltak.json")
    if not out.parent.exists():
        raise InputError(f"--out {out}: folder {out.parent} does not exist; create it first")
    try:
        write_atomic(out, text)
    except OSError as exc:
        raise InputError(
            f"--out {out}: cannot write ({exc.strerror}); choose another path"
        ) from None


def cmd_extract(args: argparse.Namespace) -> int:
    document_path = args.document or DEFAULT_DOCUMENT
    document, extraction = extract_file(document_path)
    for warning in document.warnings:
        print(f"tiltakskart: warning: {warning}", file=sys.stderr)
    report = accounting_report(extraction, document.name)
    if extraction.unclassified:
        sys.stderr.write(report)
        first = extraction.unclassified[0]
        print(
            f"tiltakskart: error: {len(extraction.unclassified)} header line(s) could not be "
            f"classified (first at line {first.line}); fix the text there, nothing was written",
            file=sys.stderr,
        )
        return 1
    data = extract_dict(document, extraction.measures)
    text = to_csv(data) if args.format == "csv" else to_json(data)
    if args.report:
        if args.out is not None:
            _write_output(text, args.out)
        sys.stdout.write(report)
    else:
        _write_output(text, args.out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tiltakskart",
        description="Which of the region's measures land on which municipality.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = sub.add_parser(
        "extract",
        help="parse the action programme into structured measures",
        description=(
            "Parse the action programme text into measures. With no DOCUMENT the bundled "
            "programme is read. Without --out the data goes to standard output; with --report "
            "and no --out only the accounting report is printed."
        ),
    )
    extract.add_argument(
        "document",
        nargs="?",
        type=Path,
        metavar="DOCUMENT",
        help="programme text file (default: the bundled programme)",
    )
    extract.add_argument("--out", type=Path, metavar="FILE", help="write the data to FILE")
    extract.add_argument(
        "--format", choices=("json", "csv"), default="json", help="output format (default: json)"
    )
    extract.add_argument(
        "--report",
        action="store_true",
        help="print how every header line was classified and the TOC cross-check",
    )
    extract.set_defaults(func=cmd_extract)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"tiltakskart: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`); not an error of ours
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
