"""The `tiltakskart` command."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from geo.export import extract_dict, to_csv, to_json, write_atomic
from geo.extract import (
    CACHE_DIR_ENV,
    DEFAULT_CACHE_DIR,
    DEFAULT_COUNTY,
    DEFAULT_DOCUMENT,
    GAZETTEER_DIR,
    extract_and_tag,
)
from geo.gazetteer import COUNTIES_2024, gazetteer_for_county
from geo.options import API_URL_ENV, DEFAULT_API_URL, FORMATS, LAYOUTS, METRICS, YEARS
from geo.report import accounting_report, municipality_listing, tags_table
from geo.source import InputError
from geo.tagging import VIAS

# Commands that draw or export geometry import geopandas, folium and friends when they run
# (inside the functions below), so that `extract` and `tags` start fast.


def _write_output(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    _check_out(out)
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


def _api_url(args: argparse.Namespace) -> str:
    return args.api_url or os.environ.get(API_URL_ENV) or DEFAULT_API_URL


def _cache_dir(args: argparse.Namespace) -> Path:
    return args.cache_dir or Path(os.environ.get(CACHE_DIR_ENV) or DEFAULT_CACHE_DIR)


def cmd_boundaries(args: argparse.Namespace) -> int:
    import shapely

    from geo.boundaries import cache_files, get_boundaries

    if args.county not in COUNTIES_2024:
        raise InputError(
            f"--county {args.county}: not a county number of 2024 (e.g. 31 Østfold, 46 Vestland)"
        )
    authored = GAZETTEER_DIR / f"fylke-{args.county}.toml"
    # With a gazetteer, every one of its municipalities must have a boundary; without one,
    # the county list from the API (or the file) is the reference.
    expected = (
        list(gazetteer_for_county(args.county, GAZETTEER_DIR).numbers)
        if authored.exists()
        else None
    )
    result = get_boundaries(
        args.county,
        _cache_dir(args),
        _api_url(args),
        refresh=args.refresh,
        boundaries_file=args.boundaries,
        expected=expected,
    )
    _warn(result.warnings)
    frame = result.frame
    fetched = f", fetched {result.fetched}" if result.fetched else ""
    print(
        f"{len(frame)} municipalities of county {args.county} from {result.source}: "
        f"{result.detail}{fetched}"
    )
    vertices = int(shapely.get_num_coordinates(frame.geometry.values).sum())
    minx, miny, maxx, maxy = frame.total_bounds
    print(
        f"valid: {bool(frame.geometry.is_valid.all())}; vertices: {vertices}; CRS: {frame.crs}; "
        f"bounds: {minx:.3f},{miny:.3f},{maxx:.3f},{maxy:.3f}"
    )
    caches = cache_files(_cache_dir(args), args.county)
    if caches:
        print("cache: " + ", ".join(f"{path.name}" for _, path in caches))
    print("Boundaries © Kartverket (CC BY 4.0)")
    return 0


def _resolve_choice(value: str | None, options: list[str], flag: str) -> str | None:
    """Match a user's --plan/--theme/--strategy to one exact value (number or words)."""
    if not value:
        return None
    exact = [o for o in options if o == value]
    if exact:
        return exact[0]
    found = [o for o in options if value.casefold() in o.casefold()]
    if len(found) == 1:
        return found[0]
    what = "matches several" if found else "matches none"
    raise InputError(f"{flag} {value!r} {what} of: {'; '.join(options)}")


def _filters(args: argparse.Namespace, measures: list[dict]):
    from geo.load import Filters

    plans = list(dict.fromkeys(m["plan"] for m in measures if m["plan"]))
    plan = args.plan
    if plan and plan.isdigit():
        plan = next((m["plan"] for m in measures if m["id"].startswith(f"{plan}.")), plan)
    return Filters(
        plan=_resolve_choice(plan, plans, "--plan"),
        theme=_resolve_choice(
            args.theme, list(dict.fromkeys(m["theme"] for m in measures if m["theme"])), "--theme"
        ),
        strategy=_resolve_choice(
            args.strategy,
            list(dict.fromkeys(m["strategy"] for m in measures if m["strategy"])),
            "--strategy",
        ),
        year=args.year,
        via=tuple(args.via) if args.via else None,
        role=args.role,
        actor=args.actor,
    )


def _load(args: argparse.Namespace):
    """Extract, tag, get shapes and compute the load: (data, shapes, table, frame)."""
    from geo.load import LoadIndex, load_frame
    from geo.shapes import shapes_for

    document, extraction, gazetteer, tags = _extract_and_tag(args)
    if _fail_on_unclassified(extraction, accounting_report(extraction, document.name)):
        raise SystemExit(1)
    data = extract_dict(document, extraction.measures, tags, gazetteer)
    shapes = shapes_for(
        gazetteer,
        args.layout,
        cache_dir=_cache_dir(args),
        api_url=_api_url(args),
        boundaries_file=args.boundaries,
        refresh=args.refresh,
    )
    _warn(shapes.warnings)
    if shapes.notice:
        _warn([f"real boundaries are not loaded; using the tile map ({shapes.notice})"])
    index = LoadIndex(data["measures"], [(m.number, m.name) for m in gazetteer.municipalities])
    table = index.table(_filters(args, data["measures"]))
    return data, shapes, table, load_frame(shapes.frame, table)


def cmd_load(args: argparse.Namespace) -> int:
    from geo.exports import write_load

    fmt = args.format or (args.out.suffix.lstrip(".").lower() if args.out else "csv")
    if fmt not in FORMATS:
        raise InputError(
            f"--out {args.out}: unknown format {fmt!r}; use one of "
            f"{', '.join(FORMATS)} (or --format)"
        )
    if args.out is None and fmt != "csv":
        raise InputError(f"--format {fmt} needs --out FILE")
    data, shapes, table, frame = _load(args)
    if args.out is None:
        sys.stdout.write(table.to_csv(index=False))
        return 0
    _check_out(args.out)
    write_load(args.out, fmt, table if fmt == "csv" else frame, data["measures"])
    print(f"wrote {args.out} ({fmt}, {len(frame)} municipalities, {shapes.kind})", file=sys.stderr)
    return 0


def cmd_map(args: argparse.Namespace) -> int:
    from geo.webmap import build_map

    _check_out(args.out)
    data, shapes, _, frame = _load(args)
    tiles = "OpenStreetMap" if args.tiles else None
    fmap = build_map(
        frame,
        data["measures"],
        metric=args.metric,
        tiles=tiles,
        notice=shapes.notice,
        schematic=shapes.kind == "tiles",
    )
    html_text = fmap.get_root().render()
    write_atomic(args.out, html_text)
    print(f"wrote {args.out} ({len(frame)} areas, {shapes.kind})", file=sys.stderr)
    return 0


def _check_out(out: Path) -> None:
    if out.is_dir():
        raise InputError(f"--out {out} is a directory; give a file name")
    if not out.parent.exists():
        raise InputError(f"--out {out}: folder {out.parent} does not exist; create it first")


def _shape_options(parser: argparse.ArgumentParser, layout: bool = True) -> None:
    parser.add_argument(
        "--api-url",
        metavar="URL",
        help=f"kommuneinfo API base (default: ${API_URL_ENV} or {DEFAULT_API_URL})",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help=f"boundary cache folder (default: ${CACHE_DIR_ENV} or data/kommuner/cache)",
    )
    parser.add_argument(
        "--refresh", action="store_true", help="fetch the boundaries again even if a cache exists"
    )
    if layout:
        parser.add_argument(
            "--layout",
            choices=LAYOUTS,
            default="auto",
            help="real boundaries, the tile map, or auto: boundaries when "
            "they can be had, else tiles (default: auto)",
        )


def _filter_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters")
    group.add_argument("--plan", help="plan number (1-3) or words of its name")
    group.add_argument("--theme", help="words of the theme")
    group.add_argument("--strategy", help="strategy number, e.g. 1.3")
    group.add_argument("--year", type=int, choices=YEARS, help="only measures active that year")
    group.add_argument(
        "--via",
        nargs="+",
        choices=VIAS,
        help="tag kinds that count (default: name region place all)",
    )
    group.add_argument("--role", choices=("actor", "target"), help="only actor or target tags")
    group.add_argument("--actor", help="only measures whose Hvem field holds these words")


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

    boundaries = sub.add_parser(
        "boundaries",
        help="fetch or show the cached municipal boundaries (© Kartverket)",
        description=(
            "Fetch the county's municipal boundaries from Kartverket's kommuneinfo API "
            "into the cache, or show the cache state. A failed fetch keeps the old "
            "cache."
        ),
    )
    boundaries.add_argument(
        "--county", default=DEFAULT_COUNTY, metavar="NN", help="county number (default: 31 Østfold)"
    )
    boundaries.add_argument(
        "--boundaries",
        type=Path,
        metavar="FILE",
        help="validate a local GeoJSON or GeoPackage instead",
    )
    _shape_options(boundaries, layout=False)
    boundaries.set_defaults(func=cmd_boundaries)

    load = sub.add_parser(
        "load",
        help="measure load per municipality as CSV, GeoJSON, GeoPackage or Excel",
        description=(
            "The load table: measures per municipality by via, role and year, the "
            "share metric and the measure ids. GeoJSON and GeoPackage carry the "
            "municipality polygons (GeoPackage also the measures and tags tables)."
        ),
    )
    _document_options(load)
    load.add_argument(
        "--out", type=Path, metavar="FILE", help="write to FILE (default: CSV to standard output)"
    )
    load.add_argument("--format", choices=FORMATS, help="default: from the --out suffix")
    _shape_options(load)
    _filter_options(load)
    load.set_defaults(func=cmd_load)

    webmap = sub.add_parser(
        "map",
        help="a standalone HTML map of the load that opens offline",
        description="A folium choropleth of the load with tooltips, popups and legend.",
    )
    _document_options(webmap)
    webmap.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE",
        help="the HTML file to write, e.g. kart.html",
    )
    webmap.add_argument(
        "--metric",
        choices=METRICS,
        default="geographic",
        help="what colours the map (default: geographic)",
    )
    webmap.add_argument(
        "--tiles",
        action="store_true",
        help="add an OpenStreetMap background (needs internet when viewed)",
    )
    _shape_options(webmap)
    _filter_options(webmap)
    webmap.set_defaults(func=cmd_map)
    return parser


def main(argv: list[str] | None = None, parser: argparse.ArgumentParser | None = None) -> int:
    args = (parser or build_parser()).parse_args(argv)
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
