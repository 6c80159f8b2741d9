"""The pipeline, built in one place: text → measures → tags → load → shapes and population.

`build_programme` is what the command line and the app both call. It reads and tags the
programme, and then, as the caller asks, gets the shapes (boundaries or tiles), the web shapes
and the population. A reading that leaves header lines unclassified or text unplaced stops
there (`Programme.problem`): nothing is fetched for a programme that cannot be used.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import InputError
from geo.load import LoadIndex
from geo.outputs.dataset import extract_record
from geo.reading.document import Document
from geo.reading.extract import extract_file
from geo.reading.grammar import AUTO, grammar_named
from geo.reading.parse import Extraction, Plan
from geo.reading.periods import programme_years
from geo.records import ExtractRecord, MeasureRecord, MeasureTags
from geo.resources import default_document
from geo.revisions import Revision
from geo.settings import Settings
from geo.tagging.actors import actors_for_county
from geo.tagging.gazetteer import Area, Gazetteer
from geo.tagging.national import gazetteer_for_county
from geo.tagging.tagger import Tagger
from geo.terms import Layout

if TYPE_CHECKING:  # geopandas and friends load only for commands that draw (fast `extract`)
    from geo.fetch.population import Population
    from geo.geometry.boundaries import Boundaries
    from geo.geometry.shapes import Shapes
    from geo.geometry.web import WebShapes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Programme:
    """A programme read, tagged and counted, with what the caller asked for besides: shapes
    (`layout`), web shapes and population. Immutable once built."""

    document: Document
    extraction: Extraction
    gazetteer: Gazetteer
    tags: dict[str, MeasureTags]
    data: ExtractRecord  # the extract JSON: measures in document order with their tags
    index: LoadIndex
    shapes: Shapes | None = None
    web: dict[Layout, WebShapes] = field(default_factory=dict)  # BOUNDARIES (if any), TILES
    population: Population | None = None
    warnings: tuple[str, ...] = ()
    county_note: str = "as given"  # how the programme's county was chosen

    @property
    def key(self) -> str:
        """A short, stable name: the county and the first year ("31-2025"); the follow-up
        keeps statuses under it."""
        years = self.extraction.programme
        return self.gazetteer.county + (f"-{years[0]}" if years else "")

    @property
    def notes(self) -> list[str]:
        """What a report says of the reading beside the counts: county and gazetteer."""
        from geo.tagging.national import NAMES_FILE

        gazetteer = self.gazetteer
        county = f"{gazetteer.county} {gazetteer.county_name}"
        if gazetteer.source == NAMES_FILE:
            words = (
                f"national names only for county {county}: municipalities (Sámi and Kven "
                "names too), former municipalities and 'kommunene'; no regions, places or "
                f"organisations (no authored file fylke-{gazetteer.county}.toml)"
            )
        else:
            words = (
                f"{gazetteer.source} for county {county} ({len(gazetteer.regions)} regions, "
                f"{len(gazetteer.places)} places, {len(gazetteer.organisations)} "
                "organisations), with the national names around it"
            )
        return [f"County: {self.county_note}", f"Gazetteer: {words}"]

    @property
    def problem(self) -> str | None:
        """What keeps the reading from being used (see Extraction.problem), or None."""
        return self.extraction.problem()

    @property
    def measures(self) -> list[MeasureRecord]:
        return self.data["measures"]

    @property
    def plans(self) -> tuple[Plan, ...]:
        """The programme's plans in document order, each with its key."""
        return self.extraction.plans

    @property
    def municipalities(self) -> list[tuple[str, str]]:
        return self.gazetteer.pairs

    @property
    def years(self) -> tuple[int, ...]:
        """The programme's years (from the document)."""
        return self.index.years

    @property
    def period_label(self) -> str:
        """'2025–2028', or '' when the document names no period."""
        return f"{self.years[0]}–{self.years[-1]}" if self.years else ""

    @property
    def boundaries(self) -> Boundaries | None:
        return self.shapes.boundaries if self.shapes else None

    @property
    def notice(self) -> str | None:
        """Said to users when real boundaries are missing."""
        return self.shapes.notice if self.shapes else None

    @property
    def has_boundaries(self) -> bool:
        return Layout.BOUNDARIES in self.web

    @property
    def revision(self) -> Revision:
        """What comparing it with another revision of the programme needs (geo.revisions)."""
        return Revision(self.document.name, self.measures, self.index, dict(self.municipalities))

    def measure(self, measure_id: str) -> MeasureRecord | None:
        """A measure by its id or one of its aliases."""
        return next((m for m in self.measures if measure_id in (m["id"], *m["aliases"])), None)

    def options(self, key: str) -> list[str]:
        """Distinct theme or strategy values in document order (plans: `plans`)."""
        values = (m.get(key) for m in self.measures)
        return list(dict.fromkeys(v for v in values if isinstance(v, str) and v))

    def actors(self) -> list[str]:
        """Every actor named in a Hvem field by its canonical name (geo.tagging.actors), the
        most frequent first."""
        counts = Counter(a for names in self.index.actor_names for a in names)
        return [a for a, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]

    def councils(self) -> list[Area]:
        return self.gazetteer.councils()

    def plan_titled(self, title: str | None) -> Plan | None:
        """The plan of that title (a measure's `plan`), or None."""
        return next((plan for plan in self.plans if plan.title == title), None)


def document_path(settings: Settings) -> Path:
    """The programme the settings name, else the bundled one."""
    return settings.document or default_document()


def county_of(text: str, settings: Settings) -> tuple[Settings, str]:
    """The settings with the programme's county, and how it was chosen: as set, or, when no
    county was chosen, the one the document names (geo.tagging.national.detect_county)."""
    from geo.division import COUNTIES_2024
    from geo.tagging.national import county_mentions, detect_county

    if settings.national and settings.home_county:
        return settings, "as given"
    if settings.county_chosen and not settings.national:
        return settings, "as given"
    found = detect_county(text)
    if found is None:
        counts, examples = county_mentions(text)
        tied = [n for n, c in counts.items() if c == max(counts.values(), default=0)]
        if len(tied) > 1:
            named = " and ".join(f"{n} {COUNTIES_2024[n]} ({examples[n]})" for n in tied)
            raise InputError(
                f"the document names {named} equally often; give --county NN "
                "(or TILTAKSKART_COUNTY) to say whose programme it is",
                value=settings.document or "the programme",
            )
        return settings, "the default: the document names no county"
    number, words = found
    name = COUNTIES_2024[number]
    note = f"{number} {name}, named in the document ({words})"
    if settings.national:  # the map is Norway's; the programme is the named county's
        return replace(settings, home_county=number), note
    return replace(settings, county=number), note


def gazetteer_for(settings: Settings) -> Gazetteer:
    """The gazetteer of the settings' programme county; with a boundary file, its municipalities
    are checked against (or, for a county without an authored file, taken from) the file."""
    from geo.fetch.klass import get_former_names

    county = settings.programme_county
    got = get_former_names(settings)
    if settings.boundaries is None:
        gazetteer = gazetteer_for_county(county, former=got.value)
    else:
        from geo.geometry.boundaries import read_municipality_names

        names = read_municipality_names(settings.boundaries, county, settings.cache_dir)
        gazetteer = gazetteer_for_county(
            county, names, names_source=Path(settings.boundaries).name, former=got.value
        )
    if got.source == "snapshot":  # the bundled list is whole: not being online is no news
        for warning in got.warnings:
            log.info("%s", warning)
        return gazetteer
    return replace(gazetteer, warnings=(*gazetteer.warnings, *got.warnings))


def build_programme(
    settings: Settings,
    *,
    layout: Layout | None = None,
    web: bool = False,
    population: bool = False,
    refresh: bool = False,
    before_fetch: Callable[[Programme], None] | None = None,
) -> Programme:
    """Read, tag and count the settings' programme; with `layout`, get its shapes (boundaries,
    tiles, or AUTO: boundaries when they can be had); with `web`, the simplified web shapes of
    the boundaries and the tile map (implies AUTO); with `population`, the inhabitants.

    A reading with a problem is returned as it is, before anything is fetched;
    `before_fetch(programme)` runs after a good reading, before anything is fetched (a command
    checks its options against the programme there).
    """
    grammar = None if settings.grammar in (None, AUTO) else grammar_named(settings.grammar)
    document, extraction = extract_file(document_path(settings), grammar, settings.cache_dir)
    settings, county_note = county_of(document.text, settings)
    gazetteer = gazetteer_for(settings)
    tags = Tagger(gazetteer).tag(extraction.measures)
    data = extract_record(document, extraction, tags, gazetteer)
    actors = actors_for_county(gazetteer.county)
    years = programme_years(extraction.programme)
    index = LoadIndex(data["measures"], gazetteer.pairs, years, actors)
    warnings = [*document.warnings, *gazetteer.warnings]
    programme = Programme(
        document, extraction, gazetteer, tags, data, index, county_note=county_note
    )
    if programme.problem is not None:
        return replace(programme, warnings=tuple(warnings))
    if before_fetch is not None:
        before_fetch(programme)
    shapes = None
    if web and layout is None:
        layout = Layout.AUTO
    if layout is not None:
        from geo.geometry.shapes import shapes_for

        shapes = shapes_for(gazetteer, settings, layout, refresh=refresh)
        warnings += shapes.warnings
    webs: dict[Layout, WebShapes] = {}
    if web and shapes is not None:
        from geo.geometry.shapes import tiles_for
        from geo.geometry.simplify import DEFAULT_TOLERANCE_M
        from geo.geometry.web import cached_web_shapes, web_shapes

        webs[Layout.TILES] = web_shapes(tiles_for(gazetteer, shapes.boundaries))
        if shapes.kind == Layout.BOUNDARIES:
            home = list(gazetteer.numbers)
            if shapes.boundaries is not None and shapes.boundaries.source == "snapshot":
                webs[Layout.BOUNDARIES] = web_shapes(shapes.frame, home)  # simplified already
            else:
                webs[Layout.BOUNDARIES] = cached_web_shapes(
                    shapes.frame,
                    DEFAULT_TOLERANCE_M,
                    home,
                    settings.cache_dir,
                    warnings,
                )
    people = None
    if population:
        from geo.fetch.population import get_population

        try:
            people = get_population(settings, list(gazetteer.numbers), refresh=refresh)
            warnings += people.warnings
        except InputError as exc:
            warnings.append(f"no population figures ({exc}): the per 1 000 figures are left out")
    return replace(programme, shapes=shapes, web=webs, population=people, warnings=tuple(warnings))
