"""Component ids and routes, in one place: the layout, the callbacks, the router's config and
the tests name them from here (app/assets/*.js receive them through the config store or use
the few fixed ones said beside them)."""

from __future__ import annotations

# --- Routes (relative to the app's path prefix) ------------------------------------------------

PRESENTATION = "presentasjon"  # the slides (a page of the Dash app)
PRINT = "utskrift"  # the print view (plain HTML from the server)


def href(prefix: str, route: str = "", search: str = "") -> str:
    """A link to one of the app's pages under the path prefix: href("/x/", "utskrift", "?a=1")
    -> "/x/utskrift?a=1"."""
    return f"{prefix.rstrip('/')}/{route}{search}"


# --- The page -----------------------------------------------------------------------------------

URL = "url"
MAIN_PAGE = "main-page"
PROGRAMMES = "programmes"  # the chooser between the programmes served (app.several)
PRESENTATION_PAGE = "presentation-page"  # keys.js steps slides only while it is shown
VIEW = "view"  # the view switch
CONTROLS_TOGGLE = "controls-toggle"
CONTROLS_PANEL = "controls-panel"

# The controls that hold the page state (PageState field -> component id).
CONTROLS: dict[str, str] = {
    "view": VIEW,
    "kommune": "kommune-select",
    "metric": "metric",
    "year": "year",
    "plan": "plan",
    "theme": "theme",
    "strategy": "strategy",
    "actor": "actor",
    "role": "role",
    "layout": "layout",
    "bakgrunn": "bakgrunn",
    "tiltak": "tiltak-select",
}
COUNTY = "fylke"  # the county chooser of a national map

# Stores: the router's config and output, what each map last drew.
CONFIG = "config"
STATE = "state"
SYNCED = "synced"
# The follow-up: the store's version (views are asked again when it changes), its poll, and
# who is logged in (the header's login link or name).
FOLLOWUP_VERSION = "followup-version"
FOLLOWUP_POLL = "followup-poll"
FOLLOWUP_POLL_MS = 5000
WHO = "who"
SLIDE = "slide"
URL_WRITTEN = "url-written"
ZOOMED = "zoomed"


def section(view: str) -> str:
    """The section that shows a view."""
    return f"section-{view}"


def ask(view: str) -> str:
    """The store a view renders from (the router writes the page state there)."""
    return f"ask-{view}"


def canon(view: str) -> str:
    """The store a view writes its canonical link to."""
    return f"canon-{view}"


def drawn(view: str) -> str:
    """What a view's map last drew."""
    return f"drawn-{view}"


# Downloads
DOWNLOAD = "download"
DOWNLOAD_CSV = "download-csv-button"
DOWNLOAD_CSV_PLAIN = "download-csv-plain-button"
DOWNLOAD_XLSX = "download-xlsx-button"
DOWNLOAD_HTML = "download-html-button"
DOWNLOAD_BUTTONS = {  # button -> what it downloads
    DOWNLOAD_CSV: "csv",
    DOWNLOAD_CSV_PLAIN: "csv-plain",
    DOWNLOAD_XLSX: "xlsx",
    DOWNLOAD_HTML: "html",
}
DOWNLOAD_PNG = "download-png-button"

# The Kart view
MAP = "map"
MAP_WORDS = "map-words"

# The Kommune view
KOMMUNE_SELECT = CONTROLS["kommune"]
KOMMUNE_PRINT = "kommune-print"
KOMMUNE_SUMMARY = "kommune-summary"
KOMMUNE_SPECIFIC = "kommune-specific"
KOMMUNE_COMMON = "kommune-common"
KOMMUNE_COMMON_SUMMARY = "kommune-common-summary"
KOMMUNE_GRID_SLOT = "kommune-grid-slot"
KOMMUNE_GRID = "kommune-grid"
KOMMUNE_DETAIL = "kommune-detail"
KOMMUNE_ORGANISATION = "kommune-organisation"
KOMMUNE_BODY = "kommune-body"
KOMMUNE_CHOSEN = "kommune-chosen"  # the common measure chosen in the table
KOMMUNE_SHOWN = "kommune-shown"  # the table's rows after its filter and sort, and the filter

# The Tiltak view
TILTAK_SELECT = CONTROLS["tiltak"]
TILTAK_MAP = "tiltak-map"
TILTAK_MAP_SLOT = "tiltak-map-slot"
TILTAK_DETAIL = "tiltak-detail"

# The IPR view
IPR_GRAPHS = "ipr-graphs"
IPR_GRAPH = "ipr-graph"
IPR_PER_1000_GRAPH = "ipr-per1000-graph"
IPR_TABLE = "ipr-table"
IPR_NOTES = "ipr-notes"

# The presentation
ENDRINGER_SUMMARY = "endringer-summary"
ENDRINGER_KOMMUNER = "endringer-kommuner"
ENDRINGER_TABELL = "endringer-tabell"

SLIDE_TITLE = "slide-title"
SLIDE_SUBTITLE = "slide-subtitle"
SLIDE_MAP = "slide-map"
SLIDE_MAP_SLOT = "slide-map-slot"
SLIDE_BODY = "slide-body"
SLIDE_COUNTER = "slide-counter"
SLIDE_PREV = "slide-prev"  # keys.js clicks these
SLIDE_NEXT = "slide-next"
SLIDE_FIRST = "slide-first"
SLIDE_LAST = "slide-last"
