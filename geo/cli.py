"""The `tiltakskart` command.

Settings come from the environment (`TILTAKSKART_*`) and are overridden by flags; library
errors name the value, and this module adds the flag the user typed it with.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from geo.errors import InputError, TiltakskartError
from geo.extract import Tagged, extract_and_tag
from geo.periods import programme_years
from geo.report import accounting_report, municipality_listing, tags_summary
from geo.settings import DEFAULT_API_URL, DEFAULT_COUNTY, ENVIRONMENT, FLAGS, Settings
from geo.source import CONTROL_CHARS
from geo.terms import LOAD_FORMATS, Layout, Metric, Role, Via, column_year, year_column

# Commands that draw or export geometry import geopandas, folium and friends when they run
# (inside the functions below), so that `extract` and `tags` start fast.
MAP_METRICS = [m.value for m in Metric if m != Metric.YEAR]
DEFAULT_METRIC = Metric.SPECIFIC


def number_between(low: float, high: float, kind: type = float):
    """An argparse type: a finite number of `kind` from `low` to `high`."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not (low <= value <= high):  # NaN fails both comparisons
            raise argparse.ArgumentTypeError(f"{text!r}: give a number from {low:g} to {high:g}")
        return value

    return parse


def settings_from(args: argparse.Namespace) -> Settings:
    """The environment's settings with this command's flags on top."""
    return Settings.from_env(
        document=getattr(args, "document", None),
        county=getattr(args, "county", None),
        boundaries=getattr(args, "boundaries", None),
        cache_dir=getattr(args, "cache_dir", None),
        api_url=getattr(args, "api_url", None),
        ssb_url=getattr(args, "ssb_url", None),
    )


def _write_output(text: str, out: Path | None, args: argparse.Namespace | None = None) -> None:
    from geo.atomic import write_text_atomic

    if out is None:
        sys.stdout.write(text)
        return
    _check_out(out, args)
    with _writing(out):
        write_text_atomic(out, text)


@contextlib.contextmanager
def _writing(out: Path) -> Iterator[None]:
    """Turn a failed write (full disk, no permission; GDAL reports these as RuntimeError) into
    a one-line error. The writers are atomic: an existing file at `out` is left as it was."""
    try:
        yield
    except (OSError, RuntimeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0][:120]
        raise InputError(
            f"cannot write ({reason}); free some space or choose another path; "
            "an existing file there is unchanged",
            value=out,
            setting="out",
        ) from None


def _warn(messages: list[str] | tuple[str, ...]) -> None:
    for message in messages:
        print(f"tiltakskart: warning: {message}", file=sys.stderr)


def _tagged(settings: Settings) -> Tagged:
    """Parse the document and tag its measures, printing the reading's warnings."""
    tagged = extract_and_tag(settings)
    _warn(tagged.document.warnings)
    _warn(tagged.gazetteer.warnings)
    return tagged


def _fail_on_unclassified(tagged: Tagged) -> bool:
    """Print the report and one error line when some of the text could not be placed."""
    problem = tagged.extraction.problem()
    if problem is None:
        return False
    sys.stderr.write(accounting_report(tagged.extraction, tagged.document.name))
    print(
        f"tiltakskart: error: {problem}; fix the text there, nothing was written",
        file=sys.stderr,
    )
    return True


def cmd_extract(args: argparse.Namespace) -> int:
    from geo.dataset import to_csv, to_json

    tagged = _tagged(settings_from(args))
    if _fail_on_unclassified(tagged):
        return 1
    data = tagged.record()
    text = to_csv(data) if args.format == "csv" else to_json(data)
    if args.report:
        if args.out is not None:
            _write_output(text, args.out, args)
        sys.stdout.write(accounting_report(tagged.extraction, tagged.document.name))
    else:
        _write_output(text, args.out, args)
    return 0


def _index(tagged: Tagged):
    """The load index of a tagged programme (every command's figures come from it)."""
    from geo.load import LoadIndex

    pairs = [(m.number, m.name) for m in tagged.gazetteer.municipalities]
    years = programme_years(tagged.extraction.programme)
    return LoadIndex(tagged.record()["measures"], pairs, years)


def cmd_tags(args: argparse.Namespace) -> int:
    tagged = _tagged(settings_from(args))
    if _fail_on_unclassified(tagged):
        return 1
    gazetteer = tagged.gazetteer
    index = _index(tagged)
    if args.kommune is None:
        outside = {(t["kommunenummer"], t["name"]) for m in tagged.tags.values() for t in m.outside}
        sys.stdout.write(tags_summary(index, sorted(outside), gazetteer.county_name))
        return 0
    municipality = gazetteer.find(args.kommune)
    if municipality is None:
        names = ", ".join(f"{m.number} {m.name}" for m in gazetteer.municipalities)
        raise InputError(
            f"not a municipality of {gazetteer.county_name}; use a number or name: {names}",
            value=args.kommune,
            setting="kommune",
        )
    sys.stdout.write(municipality_listing(index, municipality.number, municipality.name))
    return 0


def cmd_boundaries(args: argparse.Namespace) -> int:
    import shapely

    from geo.boundaries import cache_files, get_boundaries
    from geo.gazetteer import authored_gazetteer, check_county

    settings = settings_from(args)
    check_county(settings.programme_county)
    # With a gazetteer, every one of its municipalities must have a boundary; without one,
    # the county list from the API (or the file) is the reference.
    authored = authored_gazetteer(settings.programme_county)
    expected = list(authored.numbers) if authored else None
    result = get_boundaries(settings, expected, refresh=args.refresh)
    _warn(result.warnings)
    frame = result.frame
    fetched = f", fetched {result.fetched}" if result.fetched else ""
    print(
        f"{len(frame)} municipalities of county {settings.county} from {result.source}: "
        f"{result.detail}{fetched}"
    )
    vertices = int(shapely.get_num_coordinates(frame.geometry.values).sum())
    minx, miny, maxx, maxy = frame.total_bounds
    print(
        f"valid: {bool(frame.geometry.is_valid.all())}; vertices: {vertices}; CRS: {frame.crs}; "
        f"bounds: {minx:.3f},{miny:.3f},{maxx:.3f},{maxy:.3f}"
    )
    try:
        caches = cache_files(settings.cache_dir, settings.county)
    except OSError:
        caches = []
    print(f"cache folder: {settings.cache_dir}")
    if caches:
        print("cache: " + ", ".join(f"{path.name}" for _, path in caches))
    print("Boundaries © Kartverket (CC BY 4.0)")
    return 0


def cmd_snapshot(args: argparse.Namespace) -> int:
    from geo.gazetteer import gazetteer_for_county
    from geo.resources import gazetteer_dir
    from geo.snapshot import make_snapshot

    settings = settings_from(args)
    if settings.boundaries is None:
        raise InputError("tiltakskart snapshot needs --boundaries FILE (the source to simplify)")
    out_dir = args.out_dir or gazetteer_dir()
    if not out_dir.is_dir():
        raise InputError(f"--out-dir {out_dir}: no such folder; create it first")
    numbers = list(gazetteer_for_county(settings.county, settings.boundaries).numbers)
    with _writing(out_dir / f"kommuner-{settings.county}.geojson"):
        made = make_snapshot(settings.boundaries, settings.county, numbers, out_dir, args.tolerance)
    print(
        f"wrote {made.geojson} ({made.size / 1000:.1f} kB, largest displacement "
        f"{made.displacement_m:.0f} m) and {made.sidecar.name}",
        file=sys.stderr,
    )
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


def _check_year(year: int | None, years: tuple[int, ...], flag: str) -> int | None:
    if year is not None and year not in years:
        span = f"{years[0]}–{years[-1]}" if years else "none: the programme names no period"
        raise InputError(f"{flag} {year}: not a year of the programme ({span})")
    return year


def _filters(args: argparse.Namespace, measures: list, years: tuple[int, ...]):
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
        year=_check_year(args.year, years, "--year"),
        via=tuple(Via(v) for v in args.via) if args.via else None,
        role=Role(args.role) if args.role else None,
        actor=args.actor,
    )


def _population(settings: Settings, numbers: list[str], refresh: bool = False):
    from geo.population import get_population

    try:
        population = get_population(settings, numbers, refresh=refresh)
    except InputError as exc:
        _warn([f"no population figures ({exc}): the per 1 000 inhabitants columns are empty"])
        return None
    _warn(population.warnings)
    return population


def _load(args: argparse.Namespace) -> tuple[Any, Any, Any, Any]:
    """Extract, tag, get shapes and compute the load: (data, shapes, table, frame)."""
    from geo.load import join_shapes
    from geo.shapes import shapes_for

    settings = settings_from(args)
    tagged = _tagged(settings)
    if _fail_on_unclassified(tagged):
        raise SystemExit(1)
    index = _index(tagged)
    data = tagged.record()
    filters = _filters(args, data["measures"], index.years)
    if getattr(args, "metric", None):
        _check_metric(args.metric, index.years)
    gazetteer = tagged.gazetteer
    shapes = shapes_for(gazetteer, settings, Layout(args.layout), refresh=args.refresh)
    _warn(shapes.warnings)
    if shapes.notice:
        _warn([f"real boundaries are not loaded; using the tile map ({shapes.notice})"])
    population = _population(settings, list(gazetteer.numbers), args.refresh)
    table = index.table(filters, population)
    return data, shapes, table, join_shapes(shapes.frame, table)


def cmd_population(args: argparse.Namespace) -> int:
    from geo.gazetteer import gazetteer_for_county
    from geo.population import get_population

    settings = settings_from(args)
    gazetteer = gazetteer_for_county(settings.programme_county, settings.boundaries)
    population = get_population(settings, list(gazetteer.numbers), refresh=args.refresh)
    _warn(population.warnings)
    print(
        f"Inhabitants on 1 January {population.year} from {population.source}: {population.detail}"
    )
    for m in gazetteer.municipalities:
        print(f"{m.number:<5} {m.name:<15} {population.inhabitants[m.number]:>9}")
    print(f"{'':<5} {'total':<15} {sum(population.inhabitants.values()):>9}")
    print("Kilde: SSB (CC BY 4.0)")
    return 0


def _check_metric(metric: str, years: tuple[int, ...]) -> None:
    year = column_year(metric)
    if metric in MAP_METRICS or (year is not None and year in years):
        return
    columns = ", ".join(year_column(y) for y in years)
    raise InputError(
        f"--metric {metric}: unknown; use one of {', '.join(MAP_METRICS)}"
        + (f" or a year column ({columns})" if columns else "")
    )


def cmd_load(args: argparse.Namespace) -> int:
    from geo.exports import write_load
    from geo.spreadsheet import csv_text

    fmt = args.format or (args.out.suffix.lstrip(".").lower() if args.out else "csv")
    if fmt not in LOAD_FORMATS:
        raise InputError(
            f"unknown format {fmt!r}; use one of {', '.join(LOAD_FORMATS)} (or --format)",
            value=args.out,
            setting="out",
        )
    if args.out is None and fmt != "csv":
        raise InputError(f"--format {fmt} needs --out FILE")
    if args.out is not None:
        _check_out(args.out, args)
    data, shapes, table, frame = _load(args)
    if args.out is None:
        sys.stdout.write(csv_text(table))
        return 0
    with _writing(args.out):
        write_load(args.out, fmt, table if fmt == "csv" else frame, data["measures"])
    print(f"wrote {args.out} ({fmt}, {len(frame)} municipalities, {shapes.kind})", file=sys.stderr)
    return 0


def cmd_map(args: argparse.Namespace) -> int:
    from geo.atomic import write_text_atomic
    from geo.webmap import build_map

    _check_out(args.out, args)
    data, shapes, _, frame = _load(args)
    fmap = build_map(
        frame,
        data["measures"],
        metric=args.metric,
        tiles="OpenStreetMap" if args.tiles else None,
        notice=shapes.notice,
        schematic=shapes.kind == Layout.TILES,
    )
    with _writing(args.out):
        write_text_atomic(args.out, fmap.get_root().render())
    print(f"wrote {args.out} ({len(frame)} areas, {shapes.kind})", file=sys.stderr)
    return 0


def _check_out(out: Path, args: argparse.Namespace | None = None) -> None:
    """An output path we may replace: a new or regular file in an existing folder, not one of
    the command's own inputs (a link is followed: its target is written)."""
    if out.is_dir():
        raise InputError("is a directory; give a file name", value=out, setting="out")
    if not out.parent.exists():
        raise InputError(
            f"folder {out.parent} does not exist; create it first", value=out, setting="out"
        )
    if out.exists() and not out.resolve().is_file():
        raise InputError(
            "is not a regular file (a device or a pipe); give a file name",
            value=out,
            setting="out",
        )
    settings = settings_from(args) if args is not None else None
    inputs = [settings.document, settings.boundaries] if settings is not None else []
    for given in (p for p in inputs if p is not None and Path(p).exists() and out.exists()):
        if out.resolve().samefile(Path(given)):
            raise InputError(
                f"is the input {given}; write the output to another file",
                value=out,
                setting="out",
            )


def _shape_options(parser: argparse.ArgumentParser, layout: bool = True) -> None:
    parser.add_argument(
        "--api-url",
        metavar="URL",
        help=f"kommuneinfo API base, or 'off' (default: $TILTAKSKART_API_URL or {DEFAULT_API_URL})",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="boundary cache folder (default: $TILTAKSKART_CACHE_DIR or the user cache folder)",
    )
    parser.add_argument(
        "--refresh", action="store_true", help="fetch the boundaries again even if a cache exists"
    )
    parser.add_argument(
        "--ssb-url",
        metavar="URL",
        help="SSB's PxWeb API v0 base for population, or 'off' "
        "(default: $TILTAKSKART_SSB_URL or https://data.ssb.no/api/v0/no)",
    )
    if layout:
        parser.add_argument(
            "--layout",
            choices=list(Layout),
            default=Layout.AUTO.value,
            help="real boundaries, the tile map, or auto: boundaries when "
            "they can be had, else tiles (default: auto)",
        )


def _filter_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters")
    group.add_argument("--plan", help="plan number (1-3) or words of its name")
    group.add_argument("--theme", help="words of the theme")
    group.add_argument("--strategy", help="strategy number, e.g. 1.3")
    group.add_argument(
        "--year", type=int, help="only measures active that year (a year of the programme)"
    )
    group.add_argument(
        "--via",
        nargs="+",
        choices=list(Via),
        help="tag kinds that count (default: all of them)",
    )
    group.add_argument("--role", choices=list(Role), help="only actor or target tags")
    group.add_argument("--actor", help="only measures whose Hvem field holds these words")


def _county_option(parser: argparse.ArgumentParser, help_text: str | None = None) -> None:
    parser.add_argument(
        "--county",
        metavar="NN",
        help=help_text
        or f"county number whose municipalities are tagged, or 'all' for a map of all of Norway "
        f"around county {DEFAULT_COUNTY}'s programme (default: $TILTAKSKART_COUNTY or "
        f"{DEFAULT_COUNTY} Østfold)",
    )


def _boundaries_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--boundaries", type=Path, metavar="FILE", help=help_text)


def document_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "document",
        nargs="?",
        type=Path,
        metavar="DOCUMENT",
        help="programme text file (default: $TILTAKSKART_DOCUMENT or the bundled programme)",
    )
    _county_option(parser)
    _boundaries_option(
        parser,
        "GeoJSON or GeoPackage with kommunenummer and kommunenavn, for the county's "
        "municipalities (default: $TILTAKSKART_BOUNDARIES)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tiltakskart",
        description="Which of the region's measures land on which municipality.",
        epilog="Settings from the environment: "
        + ", ".join(ENVIRONMENT)
        + "; flags override them.",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log fetches, cache hits and fallbacks"
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
    document_options(extract)
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
    document_options(tags)
    tags.add_argument("--kommune", metavar="NR|NAME", help="municipality number or name")
    tags.set_defaults(func=cmd_tags)

    boundaries = sub.add_parser(
        "boundaries",
        help="fetch or show the municipal boundaries (© Kartverket)",
        description=(
            "Get the county's municipal boundaries: a fresh cache, else Kartverket's "
            "kommuneinfo API (cached), else the last good cache, else the bundled snapshot. "
            "A failed fetch keeps the old cache."
        ),
    )
    _county_option(boundaries, "county number (default: $TILTAKSKART_COUNTY or 31 Østfold)")
    _boundaries_option(boundaries, "validate a local GeoJSON or GeoPackage instead")
    _shape_options(boundaries, layout=False)
    boundaries.set_defaults(func=cmd_boundaries)

    snapshot = sub.add_parser(
        "snapshot",
        help="make the boundary snapshot bundled with the package from a boundary file",
        description=(
            "Simplify a county's municipalities from a boundary file (shared borders kept) "
            "into data/kommuner/kommuner-NN.geojson (≤ 150 kB) with a sidecar naming the "
            "source, date and licence."
        ),
    )
    _county_option(snapshot, "county number (default: 31 Østfold)")
    _boundaries_option(snapshot, "the boundary file to simplify, e.g. Kartverket's GeoJSON")
    snapshot.add_argument(
        "--tolerance",
        type=number_between(1.0, 2000.0),
        default=50.0,
        metavar="M",
        help="metres, 1 to 2000 (default: 50)",
    )
    snapshot.add_argument(
        "--out-dir", type=Path, metavar="DIR", help="default: the package's data/kommuner"
    )
    snapshot.set_defaults(func=cmd_snapshot)

    population = sub.add_parser(
        "population",
        help="show the inhabitants per municipality (Statistics Norway, SSB)",
        description=(
            "Inhabitants per municipality on 1 January of the latest year, from SSB's API "
            "(table 07459), else the cache, else the snapshot bundled with the package."
        ),
    )
    _county_option(population, "county number (default: $TILTAKSKART_COUNTY or 31 Østfold)")
    _boundaries_option(population, "a boundary file listing the county's municipalities")
    _shape_options(population, layout=False)
    population.set_defaults(func=cmd_population)

    load = sub.add_parser(
        "load",
        help="measure load per municipality as CSV, GeoJSON, GeoPackage or Excel",
        description=(
            "The load table: per municipality the measures that concern it, each in its most "
            "specific class (named, place, region, common; specific = named + place + region, "
            "total = specific + common; organisation apart), per 1 000 inhabitants, by via, "
            "role and year, the share metric and the measure ids. GeoJSON and GeoPackage carry "
            "the municipality polygons (GeoPackage also the measures and tags tables)."
        ),
    )
    document_options(load)
    load.add_argument(
        "--out", type=Path, metavar="FILE", help="write to FILE (default: CSV to standard output)"
    )
    load.add_argument("--format", choices=LOAD_FORMATS, help="default: from the --out suffix")
    _shape_options(load)
    _filter_options(load)
    load.set_defaults(func=cmd_load)

    webmap = sub.add_parser(
        "map",
        help="a standalone HTML map of the load that opens offline",
        description="A folium choropleth of the load with tooltips, popups and legend.",
    )
    document_options(webmap)
    webmap.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE",
        help="the HTML file to write, e.g. kart.html",
    )
    webmap.add_argument(
        "--metric",
        default=DEFAULT_METRIC.value,
        metavar="METRIC",
        help=f"what colours the map: {', '.join(MAP_METRICS)} or a year column such as y2026 "
        f"(default: {DEFAULT_METRIC.value})",
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


def configure_logging(verbose: bool) -> None:
    """Show the library's log on standard error: warnings, or with -v also fetches, cache hits
    and fallbacks. Only our own loggers: the web server keeps its own format."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("tiltakskart: %(levelname)s: %(name)s: %(message)s"))
    for name in ("geo", "app"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO if verbose else logging.WARNING)
        logger.propagate = False


def describe(exc: TiltakskartError, args: argparse.Namespace | None = None) -> str:
    """The error as one line, with the flag or the variable the wrong value came from (the
    variable when the flag was not given)."""
    setting = exc.setting or ""
    variable = next((name for name, field in ENVIRONMENT.items() if field == setting), None)
    flag = FLAGS.get(setting)
    from_flag = args is not None and getattr(args, setting, None) is not None
    text = " ".join(str(exc).split())  # one line, whatever the value held
    if flag and exc.value is not None and (from_flag or variable is None or args is None):
        return f"{flag} {text}"
    if variable and exc.value is not None and os.environ.get(variable):
        return f"{variable}={text}"
    if setting.startswith("TILTAKSKART_"):
        return f"{setting}={text}"
    return text


def _log_unraisable(unraisable: Any) -> None:
    """An error during cleanup after a reported failure (openpyxl closing its temporary files on
    a full disk) is logged, not printed as a traceback under the one-line error."""
    logging.getLogger("geo").debug("ignored during cleanup: %r", unraisable.exc_value)


_COLOUR = re.compile(r"\x1b\[[0-9;]{0,12}m")  # SGR: colour and weight only


class TerminalSafe(io.TextIOBase):
    """A text stream that shows control characters as escapes ('\\x1b') instead of passing
    them to the terminal: values from outside (an API answer, a flag, a gazetteer) reach
    messages, and an escape sequence there could rewrite what the user sees."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> int:
        plain = _COLOUR.sub("", text)  # a library's own colours (werkzeug's banner): dropped
        self.stream.write(CONTROL_CHARS.sub(lambda m: repr(m.group())[1:-1], plain))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()


def main(argv: list[str] | None = None, parser: argparse.ArgumentParser | None = None) -> int:
    with (
        contextlib.redirect_stdout(TerminalSafe(sys.stdout)),
        contextlib.redirect_stderr(TerminalSafe(sys.stderr)),
    ):
        args = (parser or build_parser()).parse_args(argv)
        configure_logging(args.verbose)
        sys.unraisablehook = _log_unraisable
        try:
            return args.func(args)
        except TiltakskartError as exc:
            print(f"tiltakskart: error: {describe(exc, args)}", file=sys.stderr)
            return 2
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (e.g. `| head`); not an error of ours
            return 0
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.exit(main())
