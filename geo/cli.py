"""The `tiltakskart` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.export import extract_dict, to_csv, to_json, write_atomic
from geo.extract import DEFAULT_COUNTY, DEFAULT_DOCUMENT, GAZETTEER_DIR, extract_and_tag
from geo.report import accounting_report, municipality_listing, tags_table
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


def _warn(messages) -> None:
    for message in messages:
        print(f"tiltakskart: warning: {message}", file=sys.stderr)


def _extract_and_tag(args: argparse.Namespace):
    """Parse the document and tag its measures; returns (document, extraction, gazetteer, tags)."""
    result = extract_and_tag(
        args.document or DEFAULT_DOCUMENT, args.county, GAZETTEER_DIR, args.boundaries
    )
    document, _, gazetteer, _ = result
    _warn(document.warnings)
    _warn(gazetteer.warnings)
    return result


def _fail_on_unclassified(extraction, report: str) -> bool:
    if not extraction.unclassified:
        return False
    sys.stderr.write(report)
    first = extraction.unclassified[0]
    print(
        f"tiltakskart: error: {len(extraction.unclassified)} header line(s) could not be "
        f"classified (first at line {first.line}); fix the text there, nothing was written",
        file=sys.stderr,
    )
    return True


def cmd_extract(args: argparse.Namespace) -> int:
    document, extraction, gazetteer, tags = _extract_and_tag(args)
    report = accounting_report(extraction, document.name)
    if _fail_on_unclassified(extraction, report):
        return 1
    data = extract_dict(document, extraction.measures, tags, gazetteer)
    text = to_csv(data) if args.format == "csv" else to_json(data)
    if args.report:
        if args.out is not None:
            _write_output(text, args.out)
        sys.stdout.write(report)
    else:
        _write_output(text, args.out)
    return 0


def cmd_tags(args: argparse.Namespace) -> int:
    document, extraction, gazetteer, tags = _extract_and_tag(args)
    if _fail_on_unclassified(extraction, accounting_report(extraction, document.name)):
        return 1
    if args.kommune is None:
        sys.stdout.write(tags_table(gazetteer, extraction.measures, tags))
        return 0
    municipality = gazetteer.find(args.kommune)
    if municipality is None:
        names = ", ".join(f"{m.number} {m.name}" for m in gazetteer.municipalities)
        raise InputError(
            f"--kommune {args.kommune}: not a municipality of "
            f"{gazetteer.county_name}; use a number or name: {names}"
        )
    sys.stdout.write(municipality_listing(municipality, extraction.measures, tags))
    return 0


def _document_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "document",
        nargs="?",
        type=Path,
        metavar="DOCUMENT",
        help="programme text file (default: the bundled programme)",
    )
    parser.add_argument(
        "--county",
        default=DEFAULT_COUNTY,
        metavar="NN",
        help="county number whose municipalities are tagged (default: 31 Østfold)",
    )
    parser.add_argument(
        "--boundaries",
        type=Path,
        metavar="FILE",
        help="GeoJSON or GeoPackage with kommunenummer and kommunenavn, "
        "for the county's municipalities",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tiltakskart",
        description="Which of the region's measures land on which municipality.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = sub.add_parser(
        "extract",
        help="parse the action programme into structured, tagged measures",
        description=(
            "Parse the action programme text into measures and tag each with the "
            "municipalities it concerns. With no DOCUMENT the bundled programme is read. "
            "Without --out the data goes to standard output; with --report and no --out only "
            "the accounting report is printed."
        ),
    )
    _document_options(extract)
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

    tags = sub.add_parser(
        "tags",
        help="list the measures that concern a municipality, with the evidence",
        description=(
            "Without --kommune: a table of measures per municipality and via. With --kommune: "
            "that municipality's measures with via, role and the words that put each there."
        ),
    )
    _document_options(tags)
    tags.add_argument("--kommune", metavar="NR|NAME", help="municipality number or name")
    tags.set_defaults(func=cmd_tags)
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
