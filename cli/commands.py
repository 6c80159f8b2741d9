"""The library's commands: extract, tags, boundaries, snapshot, population, load and map.

Each builds its settings from the environment and its flags (`cli.options`), calls the
library (the pipeline for everything that reads the programme) and decides what the user sees.
Commands that draw or export geometry import geopandas, folium and friends when they run, so
that `extract` and `tags` start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cli.options import (
    Command,
    boundaries_option,
    county_option,
    document_options,
    filter_options,
    number_between,
    settings_from,
    shape_options,
    warn,
)
from geo.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
from geo.outputs.report import accounting_report, municipality_listing, tags_summary
from geo.pipeline import Programme, build_programme
from geo.settings import DEFAULT_COUNTY
from geo.terms import (
    APP_METRICS,
    LOAD_FORMATS,
    Layout,
    Metric,
    Role,
    Via,
    column_year,
    year_column,
)

MAP_METRICS = [m.value for m in Metric if m != Metric.YEAR and m not in APP_METRICS]
DEFAULT_METRIC = Metric.SPECIFIC


def write_output(text: str, out: Path | None, args: argparse.Namespace | None = None) -> None:
    """Text to standard output, or atomically to `out`."""
    from geo.atomic import write_text_atomic

    if out is None:
        sys.stdout.write(text)
        return
    check_out(out, args)
    with writing(out):
        write_text_atomic(out, text)


@contextlib.contextmanager
def writing(out: Path) -> Iterator[None]:
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


def read(
    args: argparse.Namespace,
    layout: Layout | None = None,
    population: bool = False,
    before_fetch: Callable[[Programme], None] | None = None,
) -> Programme | None:
    """The pipeline for this command's settings (see build_programme), with its warnings
    printed; None, after the report and one error line, when some of the text could not be
    placed."""
    programme = build_programme(
        settings_from(args),
        layout=layout,
        population=population,
        refresh=bool(getattr(args, "refresh", False)),
        before_fetch=before_fetch,
    )
    warn(programme.warnings)
    if "named in the document" in programme.county_note and (
        programme.gazetteer.county != DEFAULT_COUNTY
    ):  # the county the document chose, not the default: say so
        print(
            f"tiltakskart: county {programme.county_note}; --county NN chooses another",
            file=sys.stderr,
        )
    problem = programme.problem
    if problem is None:
        return programme
    sys.stderr.write(
        accounting_report(programme.extraction, programme.document.name, programme.notes)
    )
    print(
        f"tiltakskart: error: {problem}; fix the text there, nothing was written",
        file=sys.stderr,
    )
    return None


def cmd_extract(args: argparse.Namespace) -> int:
    from geo.outputs.dataset import to_csv, to_json

    programme = read(args)
    if programme is None:
        return 1
    text = to_csv(programme.data) if args.format == "csv" else to_json(programme.data)
    if args.report:
        if args.out is not None:
            write_output(text, args.out, args)
        sys.stdout.write(
            accounting_report(programme.extraction, programme.document.name, programme.notes)
        )
    else:
        write_output(text, args.out, args)
    return 0


def cmd_tags(args: argparse.Namespace) -> int:
    programme = read(args)
    if programme is None:
        return 1
    gazetteer, index = programme.gazetteer, programme.index
    if args.kommune is None:
        outside = {
            (t["kommunenummer"], t["name"]) for m in programme.tags.values() for t in m.outside
        }
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

    from geo.division import check_county
    from geo.geometry.boundaries import cache_files, get_boundaries
    from geo.tagging.gazetteer import authored_gazetteer

    settings = settings_from(args)
    check_county(settings.programme_county)
    # With a gazetteer, every one of its municipalities must have a boundary; without one,
    # the county list from the API (or the file) is the reference.
    authored = authored_gazetteer(settings.programme_county)
    expected = list(authored.numbers) if authored else None
    result = get_boundaries(settings, expected, refresh=args.refresh)
    warn(result.warnings)
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
    from geo.geometry.snapshot import make_snapshot
    from geo.pipeline import gazetteer_for
    from geo.resources import gazetteer_dir

    settings = settings_from(args)
    if settings.boundaries is None:
        raise InputError("tiltakskart snapshot needs --boundaries FILE (the source to simplify)")
    out_dir = args.out_dir or gazetteer_dir()
    if not out_dir.is_dir():
        raise InputError(f"--out-dir {out_dir}: no such folder; create it first")
    numbers = list(gazetteer_for(settings).numbers)
    with writing(out_dir / f"kommuner-{settings.county}.geojson"):
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


def _filters(args: argparse.Namespace, programme: Programme):
    """The load filters of the flags, each checked against the programme."""
    from geo.load import Filters

    measures, years = programme.measures, programme.years
    plans = [p.title for p in programme.plans]
    plan = args.plan
    if plan:  # a plan's key ("1") or words of its title
        plan = next((p.title for p in programme.plans if p.key == plan), plan)
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


def _load(args: argparse.Namespace) -> tuple[Programme, pd.DataFrame, gpd.GeoDataFrame]:
    """Read the programme, check the filters against it, then get shapes and population:
    (programme, load table, load table joined with the shapes)."""
    from geo.load import join_shapes

    checked = []

    def check(programme: Programme) -> None:
        checked.append(_filters(args, programme))
        if getattr(args, "metric", None):
            _check_metric(args.metric, programme.years)

    programme = read(args, layout=Layout(args.layout), population=True, before_fetch=check)
    if programme is None:
        raise SystemExit(1)
    shapes = programme.shapes
    assert shapes is not None
    if shapes.notice:
        warn([f"real boundaries are not loaded; using the tile map ({shapes.notice})"])
    table = programme.index.table(checked[0], programme.population)
    return programme, table, join_shapes(shapes.frame, table)


def cmd_population(args: argparse.Namespace) -> int:
    from geo.fetch.population import get_population
    from geo.pipeline import gazetteer_for

    settings = settings_from(args)
    gazetteer = gazetteer_for(settings)
    population = get_population(settings, list(gazetteer.numbers), refresh=args.refresh)
    warn(population.warnings)
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
    from geo.outputs.exports import write_load
    from geo.outputs.spreadsheet import csv_text

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
        check_out(args.out, args)
    programme, table, frame = _load(args)
    if args.out is None:
        sys.stdout.write(csv_text(table))
        return 0
    with writing(args.out):
        write_load(args.out, fmt, table if fmt == "csv" else frame, programme.measures)
    kind = programme.shapes.kind if programme.shapes else ""
    print(f"wrote {args.out} ({fmt}, {len(frame)} municipalities, {kind})", file=sys.stderr)
    return 0


def cmd_map(args: argparse.Namespace) -> int:
    from geo.atomic import write_text_atomic
    from geo.outputs.webmap import build_map

    check_out(args.out, args)
    programme, _, frame = _load(args)
    shapes = programme.shapes
    assert shapes is not None
    fmap = build_map(
        frame,
        programme.measures,
        metric=args.metric,
        tiles="OpenStreetMap" if args.tiles else None,
        notice=shapes.notice,
        schematic=shapes.kind == Layout.TILES,
    )
    with writing(args.out):
        write_text_atomic(args.out, fmap.get_root().render())
    print(f"wrote {args.out} ({len(frame)} areas, {shapes.kind})", file=sys.stderr)
    return 0


def check_out(out: Path, args: argparse.Namespace | None = None) -> None:
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


def _extract_options(parser: argparse.ArgumentParser) -> None:
    document_options(parser)
    parser.add_argument("--out", type=Path, metavar="FILE", help="write the data to FILE")
    parser.add_argument(
        "--format", choices=("json", "csv"), default="json", help="output format (default: json)"
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="print how every header line was classified and the TOC cross-check",
    )


def _tags_options(parser: argparse.ArgumentParser) -> None:
    document_options(parser)
    parser.add_argument("--kommune", metavar="NR|NAME", help="municipality number or name")


def _boundaries_options(parser: argparse.ArgumentParser) -> None:
    county_option(parser, "county number (default: $TILTAKSKART_COUNTY or 31 Østfold)")
    boundaries_option(parser, "validate a local GeoJSON or GeoPackage instead")
    shape_options(parser, layout=False)


def _snapshot_options(parser: argparse.ArgumentParser) -> None:
    county_option(parser, "county number (default: 31 Østfold)")
    boundaries_option(parser, "the boundary file to simplify, e.g. Kartverket's GeoJSON")
    parser.add_argument(
        "--tolerance",
        type=number_between(1.0, 2000.0),
        default=50.0,
        metavar="M",
        help="metres, 1 to 2000 (default: 50)",
    )
    parser.add_argument(
        "--out-dir", type=Path, metavar="DIR", help="default: the package's data/kommuner"
    )


def _population_options(parser: argparse.ArgumentParser) -> None:
    county_option(parser, "county number (default: $TILTAKSKART_COUNTY or 31 Østfold)")
    boundaries_option(parser, "a boundary file listing the county's municipalities")
    shape_options(parser, layout=False)


def _load_options(parser: argparse.ArgumentParser) -> None:
    document_options(parser)
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="write to FILE (default: CSV to standard output)"
    )
    parser.add_argument("--format", choices=LOAD_FORMATS, help="default: from the --out suffix")
    shape_options(parser)
    filter_options(parser)


def _map_options(parser: argparse.ArgumentParser) -> None:
    document_options(parser)
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE",
        help="the HTML file to write, e.g. kart.html",
    )
    parser.add_argument(
        "--metric",
        default=DEFAULT_METRIC.value,
        metavar="METRIC",
        help=f"what colours the map: {', '.join(MAP_METRICS)} or a year column such as y2026 "
        f"(default: {DEFAULT_METRIC.value})",
    )
    parser.add_argument(
        "--tiles",
        action="store_true",
        help="add an OpenStreetMap background (needs internet when viewed)",
    )
    shape_options(parser)
    filter_options(parser)


def read_revision(args: argparse.Namespace, path: Path) -> Programme:
    """One revision for `diff`: read and tagged (nothing fetched); a reading that leaves text
    unplaced is an error naming the file."""
    from dataclasses import replace

    if not path.is_file():
        raise InputError("no such file; give a programme (text, PDF or Word)", value=path)
    programme = build_programme(replace(settings_from(args), document=path))
    warn(programme.warnings)
    if programme.problem is not None:
        raise InputError(
            f"{programme.problem}; see `tiltakskart extract {path} --report`", value=path
        )
    return programme


def read_revisions(args: argparse.Namespace) -> tuple[Programme, Programme]:
    """`args.old` and `args.new`, read; two revisions of one county's programme."""
    old, new = read_revision(args, args.old), read_revision(args, args.new)
    if old.gazetteer.county != new.gazetteer.county:
        raise InputError(
            f"the revisions are programmes of two counties ({old.gazetteer.county} and "
            f"{new.gazetteer.county}); compare two revisions of one county's programme, or "
            "give --county"
        )
    return old, new


def revision_options(parser: argparse.ArgumentParser) -> None:
    """OLD and NEW, and how to read them."""
    from geo.reading.grammar import AUTO, GRAMMARS

    parser.add_argument("old", type=Path, metavar="OLD", help="the earlier revision's file")
    parser.add_argument("new", type=Path, metavar="NEW", help="the later revision's file")
    parser.add_argument(
        "--grammar",
        metavar="NAME",
        help=f"the programmes' shape: {AUTO} or one of {', '.join(GRAMMARS)} (default: {AUTO})",
    )
    county_option(parser)


def cmd_diff(args: argparse.Namespace) -> int:
    from geo.outputs.changes import CHANGE_FORMATS, changes_report, write_changes
    from geo.revisions import diff_programmes

    fmt = None
    if args.out is not None:
        fmt = args.out.suffix.lstrip(".").lower()
        if fmt not in CHANGE_FORMATS:
            raise InputError(
                f"unknown format {fmt!r}; name the file .csv or .xlsx",
                value=args.out,
                setting="out",
            )
        check_out(args.out)  # never an input: those are text, PDF or Word
    old, new = read_revisions(args)
    diff = diff_programmes(old.revision, new.revision)
    sys.stdout.write(changes_report(diff))
    if args.out is not None and fmt is not None:
        with writing(args.out):
            write_changes(args.out, fmt, diff)
        print(f"wrote {args.out} ({fmt}, {len(diff.measures)} measures)", file=sys.stderr)
    return 0 if diff.equal else 1


def _diff_options(parser: argparse.ArgumentParser) -> None:
    revision_options(parser)
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="also write the changes: .csv (the measures, for Norwegian Excel) or .xlsx "
        "(sheets Endringer and Kommuner)",
    )


COMMANDS: tuple[Command, ...] = (
    Command(
        "extract",
        "parse the action programme into structured, tagged measures",
        (
            "Parse the action programme text into measures and tag each with the "
            "municipalities it concerns. With no DOCUMENT the bundled programme is read. "
            "Without --out the data goes to standard output; with --report and no --out only "
            "the accounting report is printed."
        ),
        _extract_options,
        cmd_extract,
    ),
    Command(
        "tags",
        "list the measures that concern a municipality, with the evidence",
        (
            "Without --kommune: a table of measures per municipality and via. With --kommune: "
            "that municipality's measures with via, role and the words that put each there."
        ),
        _tags_options,
        cmd_tags,
    ),
    Command(
        "boundaries",
        "fetch or show the municipal boundaries (© Kartverket)",
        (
            "Get the county's municipal boundaries: a fresh cache, else Kartverket's "
            "kommuneinfo API (cached), else the last good cache, else the bundled snapshot. "
            "A failed fetch keeps the old cache."
        ),
        _boundaries_options,
        cmd_boundaries,
    ),
    Command(
        "snapshot",
        "make the boundary snapshot bundled with the package from a boundary file",
        (
            "Simplify a county's municipalities from a boundary file (shared borders kept) "
            "into data/kommuner/kommuner-NN.geojson (≤ 150 kB) with a sidecar naming the "
            "source, date and licence."
        ),
        _snapshot_options,
        cmd_snapshot,
    ),
    Command(
        "population",
        "show the inhabitants per municipality (Statistics Norway, SSB)",
        (
            "Inhabitants per municipality on 1 January of the latest year, from SSB's API "
            "(table 07459), else the cache, else the snapshot bundled with the package."
        ),
        _population_options,
        cmd_population,
    ),
    Command(
        "load",
        "measure load per municipality as CSV, GeoJSON, GeoPackage or Excel",
        (
            "The load table: per municipality the measures that concern it, each in its most "
            "specific class (named, place, region, common; specific = named + place + region, "
            "total = specific + common; organisation apart), per 1 000 inhabitants, by via, "
            "role and year, the share metric and the measure ids. GeoJSON and GeoPackage carry "
            "the municipality polygons (GeoPackage also the measures and tags tables)."
        ),
        _load_options,
        cmd_load,
    ),
    Command(
        "map",
        "a standalone HTML map of the load that opens offline",
        "A folium choropleth of the load with tooltips, popups and legend.",
        _map_options,
        cmd_map,
    ),
    Command(
        "diff",
        "what changed between two revisions of a programme",
        (
            "Compare two revisions of a county's programme: measures added, removed, "
            "renumbered, split and changed (title, actors, period, why/how), matched by "
            "number, aliases and text, each match with its confidence (below 0.85: to "
            "confirm); per municipality, what is new or gone in its specific load. Exit "
            "status 0 when they are equal, 1 when changed, 2 on an error."
        ),
        _diff_options,
        cmd_diff,
    ),
)
