"""Options the commands share, and the settings they build: public, so that commands added from
outside the library (the app's `serve`) take the same flags."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from geo.settings import DEFAULT_API_URL, DEFAULT_COUNTY, Settings
from geo.terms import Layout, Role, Via


@dataclass(frozen=True)
class Command:
    """One `tiltakskart` command: its name and texts, the options it adds to its parser, and
    what it runs (returning the exit status)."""

    name: str
    help: str
    description: str
    options: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def number_between(low: float, high: float, kind: type = float) -> Callable[[str], float]:
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
    document = getattr(args, "document", None)
    return Settings.from_env(
        document=None if isinstance(document, list) else document,
        county=getattr(args, "county", None),
        boundaries=getattr(args, "boundaries", None),
        cache_dir=getattr(args, "cache_dir", None),
        api_url=getattr(args, "api_url", None),
        ssb_url=getattr(args, "ssb_url", None),
        grammar=getattr(args, "grammar", None),
    )


def warn(messages: Iterable[str]) -> None:
    """Print warnings on standard error, one line each."""
    for message in messages:
        print(f"tiltakskart: warning: {message}", file=sys.stderr)


def shape_options(parser: argparse.ArgumentParser, layout: bool = True) -> None:
    """Where boundaries and population come from (and, with `layout`, what the map draws)."""
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


def filter_options(parser: argparse.ArgumentParser) -> None:
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
    group.add_argument(
        "--actor",
        help="only measures with this actor: a name from the county's actor list (any case, "
        "or an alias such as ØFK); other words are looked for in the Hvem field",
    )


def county_option(parser: argparse.ArgumentParser, help_text: str | None = None) -> None:
    parser.add_argument(
        "--county",
        metavar="NN",
        help=help_text
        or f"county number whose municipalities are tagged, or 'all' for a map of all of Norway "
        f"around county {DEFAULT_COUNTY}'s programme (default: $TILTAKSKART_COUNTY or "
        f"{DEFAULT_COUNTY} Østfold)",
    )


def boundaries_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--boundaries", type=Path, metavar="FILE", help=help_text)


def document_options(parser: argparse.ArgumentParser, several: bool = False) -> None:
    """The programme to read (`several`: any number, or folders of them), its shape, its
    county and a boundary file naming its municipalities."""
    from geo.reading.grammar import AUTO, GRAMMARS

    parser.add_argument(
        "document",
        nargs="*" if several else "?",
        type=Path,
        metavar="DOCUMENT",
        help=(
            "programme files (text, PDF or Word) or folders of them, each served under its own "
            "path with a chooser between them (default: $TILTAKSKART_DOCUMENT, which may name "
            "a folder or several files separated by ':', or the bundled programme)"
            if several
            else "programme file: text, PDF or Word (.docx) "
            "(default: $TILTAKSKART_DOCUMENT or the bundled programme)"
        ),
    )
    parser.add_argument(
        "--grammar",
        metavar="NAME",
        help=f"the programme's shape: {AUTO} or one of {', '.join(GRAMMARS)} "
        f"(default: $TILTAKSKART_GRAMMAR or {AUTO}: the grammar that reads the document best)",
    )
    county_option(parser)
    boundaries_option(
        parser,
        "GeoJSON or GeoPackage with kommunenummer and kommunenavn, for the county's "
        "municipalities (default: $TILTAKSKART_BOUNDARIES)",
    )
