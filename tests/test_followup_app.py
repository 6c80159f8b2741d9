"""The follow-up through the app, over real HTTP on both databases: who may change what (also
with requests crafted by hand), cross-site writes, the conflict path, sessions and their
cookies, slowed-down guessing, and the JSON API with its OpenAPI document."""

from __future__ import annotations

import base64
import csv
import dataclasses
import io
import secrets
from pathlib import Path

import jsonschema
import pytest
import requests
from openapi_spec_validator import validate

from app import api
from app.access import COOKIE, session_secret
from app.main import create_app
from app.testing import callback_payload, login_session, status_payload
from app.tracking import open_followup
from followup.records import UserRole
from geo.errors import InputError
from geo.settings import Settings
from tests.conftest import live_server

EDITOR, ADMIN = ("sarpsborg", "passord-sarpsborg"), ("fylket", "passord-fylket-1")
ACT = ("1.3.2", "3105")  # Sarpsborg is among the actors of 1.3.2
OTHER = ("1.3.2", "3101")  # … and so is Halden
AREA = ("3.12.2", "3105")  # the pilgrim route runs through Sarpsborg: not asked to act


@dataclasses.dataclass
class Served:
    url: str
    app: object
    followup: object

    def login(self, user: tuple[str, str]) -> requests.Session:
        return login_session(self.url, *user)

    def save(self, session, pair, status: str, version: int, headers=None, comment=""):
        body = status_payload(self.app.callback_map, pair[0], pair[1], status, version, comment)
        return session.post(
            f"{self.url}/_dash-update-component",
            json=body,
            headers={"Origin": self.url, **(headers or {})},
        )

    @property
    def store(self):
        return next(iter(self.followup.stores.values()))


def note_of(answer: requests.Response) -> str:
    response = answer.json()["response"]
    note = next(v for k, v in response.items() if '"status-note"' in k)["children"]
    return note if isinstance(note, str) else note["props"]["children"]


@pytest.fixture
def served(database_url, app_bundle, tmp_path):
    settings = Settings(
        data_dir=tmp_path, database_url=database_url, secret_key=secrets.token_urlsafe(48)
    )
    followup = open_followup(settings, [app_bundle], local=False)
    accounts = followup.access.accounts
    accounts.add(*EDITOR, UserRole.EDITOR, ["3105"])
    accounts.add(*ADMIN, UserRole.ADMIN)
    app = create_app(app_bundle, followup=followup)
    with live_server(app.server) as url:
        yield Served(url, app, followup)


def test_an_editor_changes_their_municipality_and_sees_it_saved(served):
    session = served.login(EDITOR)
    answer = served.save(session, ACT, "pagar", 0, comment="Startet")
    assert note_of(answer) == "Lagret: Pågår."
    held = served.store.status(ACT)
    assert (held.status, held.comment, held.changed_by, held.version) == (
        "pagar",
        "Startet",
        "sarpsborg",
        1,
    )


def test_progress_follows_every_save_at_once(served):
    """The progress counts are laid out again whenever the store's data moved (and read from
    it on every request): each save shows in the next answer, back and forth."""

    def progress() -> dict:
        answer = requests.get(f"{served.url}/api/v1/programmes/31-2025/municipalities/3105")
        return answer.json()["progress"]

    before = progress()
    assert before["reported"] == 0 and before["reporting"] > 0
    session = served.login(EDITOR)
    served.save(session, ACT, "pagar", 0)
    assert progress()["in_progress_or_done"] == before["in_progress_or_done"] + 1
    served.save(session, ACT, "utsatt", 1)
    after = progress()
    assert after["in_progress_or_done"] == before["in_progress_or_done"]
    assert after["reported"] == 1 and after["not_reported"] == before["not_reported"] - 1


def test_an_editor_for_3105_cannot_change_3101_even_by_a_crafted_request(served):
    session = served.login(EDITOR)
    answer = served.save(session, OTHER, "gjennomfort", 0)
    assert answer.status_code == 200
    assert "ikke tilgang" in note_of(answer) and "kommune 3101" in note_of(answer)
    # The measure as a whole is the county's.
    assert "ikke tilgang" in note_of(served.save(session, ("1.3.2", None), "pagar", 0))
    assert served.store.statuses() == {}


def test_an_anonymous_write_is_refused(served):
    answer = served.save(requests.Session(), ACT, "pagar", 0)
    assert "Logg inn" in note_of(answer)
    # A cookie that is not a signed session is nobody.
    forged = requests.Session()
    forged.cookies.set(COOKIE, "forfalsket")
    assert "Logg inn" in note_of(served.save(forged, ACT, "pagar", 0))
    assert served.store.statuses() == {}


def test_a_pair_that_is_not_open_for_reporting_is_refused_until_the_county_opens_it(served):
    session = served.login(EDITOR)
    assert "ikke åpnet" in note_of(served.save(session, AREA, "pagar", 0))
    admin = served.followup.access.accounts.get(ADMIN[0])
    served.store.open_pairs(admin, [AREA])
    assert note_of(served.save(session, AREA, "pagar", 0)) == "Lagret: Pågår."


def test_writes_from_another_site_are_refused(served):
    session = served.login(EDITOR)
    answer = served.save(session, ACT, "pagar", 0, headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403 and "annet nettsted" in answer.text
    # A login form posted from another site, or with no origin at all, is refused too.
    for origin in ("https://evil.example", ""):
        refused = requests.post(
            f"{served.url}/logginn",
            data={"brukernavn": EDITOR[0], "passord": EDITOR[1]},
            headers={"Origin": origin} if origin else {},
            allow_redirects=False,
        )
        assert refused.status_code == 403
    assert served.store.statuses() == {}


def test_the_second_of_two_editors_gets_the_current_value_and_can_reapply(served):
    editor, admin = served.login(EDITOR), served.login(ADMIN)
    assert note_of(served.save(editor, ACT, "pagar", 0)) == "Lagret: Pågår."
    assert note_of(served.save(admin, ACT, "utsatt", 1)) == "Lagret: Utsatt."
    late = served.save(editor, ACT, "gjennomfort", 1)  # the editor's form still says version 1
    said = note_of(late)
    assert "endret av fylket" in said and "«Utsatt»" in said
    response = late.json()["response"]
    version = next(v for k, v in response.items() if '"status-version"' in k)["children"]
    assert version == "2" and served.store.status(ACT).status == "utsatt"
    assert note_of(served.save(editor, ACT, "gjennomfort", int(version))) == "Lagret: Gjennomført."
    assert [c.new for c in served.store.history(*ACT)] == ["gjennomfort", "utsatt", "pagar"]


def test_the_session_cookie_is_signed_httponly_strict_and_secure(served):
    answer = requests.post(
        f"{served.url}/logginn",
        data={"brukernavn": EDITOR[0], "passord": EDITOR[1]},
        headers={"Origin": served.url},
        allow_redirects=False,
    )
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert {"HttpOnly", "Secure", "SameSite=Strict", "Path=/"} <= {
        p.strip() for p in cookie.split(";")
    }
    assert EDITOR[1] not in cookie


def test_logging_out_ends_the_session_on_the_server(served):
    session = served.login(EDITOR)
    kept = session.cookies.get(COOKIE)
    assert session.get(f"{served.url}/_tiltakskart/hvem").json()["innlogget"] is True
    session.post(f"{served.url}/loggut", headers={"Origin": served.url})
    stale = requests.Session()
    stale.cookies.set(COOKIE, kept)
    assert stale.get(f"{served.url}/_tiltakskart/hvem").json() == {"innlogget": False}
    assert "Logg inn" in note_of(served.save(stale, ACT, "pagar", 0))


def test_repeated_failed_logins_are_slowed_down_per_account(served):
    def attempt(password: str) -> requests.Response:
        return requests.post(
            f"{served.url}/logginn",
            data={"brukernavn": EDITOR[0], "passord": password},
            headers={"Origin": served.url},
            allow_redirects=False,
        )

    statuses = [attempt("galt-passord").status_code for _ in range(6)]
    assert statuses[:4] == [401] * 4 and statuses[-1] == 429
    refused = attempt(EDITOR[1])  # even the right password waits its turn
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Prøv igjen om" in refused.text


def test_failed_logins_from_one_address_are_slowed_down_across_accounts(served):
    for k in range(21):
        requests.post(
            f"{served.url}/logginn",
            data={"brukernavn": f"ukjent{k}", "passord": "galt-passord"},
            headers={"Origin": served.url},
            allow_redirects=False,
        )
    refused = requests.post(
        f"{served.url}/logginn",
        data={"brukernavn": ADMIN[0], "passord": ADMIN[1]},
        headers={"Origin": served.url},
        allow_redirects=False,
    )
    assert refused.status_code == 429


def test_the_login_page_is_norwegian_and_shows_no_input_as_html(served):
    page = requests.get(f"{served.url}/logginn?neste=/%22%3E%3Cscript%3E")
    assert page.status_code == 200 and 'lang="nb"' in page.text
    assert "<script>" not in page.text and "Brukernavn" in page.text
    # A next address on another site is not followed.
    answer = requests.post(
        f"{served.url}/logginn",
        data={"brukernavn": EDITOR[0], "passord": EDITOR[1], "neste": "//evil.example/"},
        headers={"Origin": served.url},
        allow_redirects=False,
    )
    assert answer.headers["Location"] == "/"


def test_start_up_refuses_a_missing_or_weak_secret_outside_development(tmp_path):
    with pytest.raises(InputError, match="not set"):
        session_secret(None, development=False, data_dir=tmp_path, local=False)
    with pytest.raises(InputError, match="weak"):
        session_secret("hemmelig", development=False, data_dir=tmp_path, local=False)
    assert session_secret("hemmelig", development=True, data_dir=tmp_path, local=False)
    # The one-user `serve` keeps a random secret of its own, the same on the next start.
    first = session_secret(None, development=False, data_dir=tmp_path, local=True)
    assert len(first) >= 32 and (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert session_secret(None, development=False, data_dir=tmp_path, local=True) == first


# --- the JSON API ------------------------------------------------------------------------------


def test_the_openapi_document_is_valid_and_every_answer_matches_it(served):
    document = requests.get(f"{served.url}/api/v1/openapi.json").json()
    validate(document)  # OpenAPI 3.1, by openapi-spec-validator
    assert document == api.OPENAPI
    session = served.login(EDITOR)
    served.save(session, ACT, "pagar", 0, comment="Startet")

    def check(path: str, schema: str) -> dict:
        answer = requests.get(f"{served.url}{path}")
        assert answer.status_code == 200, (path, answer.text)
        body = answer.json()
        wrapped = {**document, "$ref": f"#/components/schemas/{schema}"}
        jsonschema.validate(body, wrapped, cls=jsonschema.Draft202012Validator)
        return body

    programmes = requests.get(f"{served.url}/api/v1/programmes").json()
    key = programmes["items"][0]["key"]
    assert key == "31-2025" and set(document["paths"]) >= {
        "/api/v1/programmes",
        "/api/v1/programmes/{key}/municipalities/{number}",
    }
    check(f"/api/v1/programmes/{key}", "Programme")
    page = check(f"/api/v1/programmes/{key}/measures?limit=50", "MeasurePage")
    assert (page["total"], len(page["items"]), page["offset"]) == (125, 50, 0)
    assert page["next"] == f"/api/v1/programmes/{key}/measures?limit=50&offset=50"
    last = check(f"/api/v1/programmes/{key}/measures?limit=50&offset=100", "MeasurePage")
    assert len(last["items"]) == 25 and last["next"] is None
    check(f"/api/v1/programmes/{key}/measures/1.3.2", "MeasureWithStatuses")
    listed = check(f"/api/v1/programmes/{key}/municipalities", "MunicipalityList")
    assert len(listed["items"]) == 12
    sarpsborg = check(f"/api/v1/programmes/{key}/municipalities/3105", "Municipality")
    assert sarpsborg["counts"]["specific"] == 10 and sarpsborg["counts"]["act"] == 4
    assert sarpsborg["progress"] == {
        "reporting": 4,
        "reported": 1,
        "in_progress_or_done": 1,
        "not_reported": 3,
    }
    rows = {m["id"]: m for m in sarpsborg["measures"]["items"]}
    assert rows["1.3.2"]["status"]["label"] == "Pågår" and rows["1.3.2"]["part"] == "act"
    assert rows["1.3.2"]["tags"][0]["evidence"]
    assert rows["3.12.2"]["part"] == "area" and rows["3.12.2"]["reports"] is False


def test_the_api_says_what_is_wrong_as_json(served):
    for path, status in (
        ("/api/v1/programmes/99-2000", 404),
        ("/api/v1/programmes/31-2025/municipalities/9999", 404),
        ("/api/v1/programmes/31-2025/measures/9.9.9", 404),
        ("/api/v1/programmes/31-2025/measures?limit=0", 400),
        ("/api/v1/programmes/31-2025/measures?limit=abc", 400),
        ("/api/v1/programmes/31-2025/measures?offset=-1", 400),
        ("/api/v1/programmes/31-2025/measures?limit=100000", 400),
    ):
        answer = requests.get(f"{served.url}{path}")
        assert answer.status_code == status, path
        assert answer.json()["error"]["status"] == status


def test_the_api_needs_a_login_when_reading_does(database_url, app_bundle, tmp_path):
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key=secrets.token_urlsafe(48),
        login_to_read=True,
    )
    followup = open_followup(settings, [app_bundle], local=False)
    followup.access.accounts.add(*EDITOR, UserRole.EDITOR, ["3105"])
    app = create_app(app_bundle, followup=followup)
    with live_server(app.server) as url:
        assert requests.get(f"{url}/api/v1/programmes").status_code == 401
        page = requests.get(f"{url}/?view=kommune", allow_redirects=False)
        assert page.status_code == 303 and "/logginn" in page.headers["Location"]
        served = Served(url, app, followup)
        session = served.login(EDITOR)
        assert session.get(f"{url}/api/v1/programmes").status_code == 200
        assert session.get(f"{url}/").status_code == 200


def test_a_schema_behind_the_code_stops_the_start_with_a_clear_error(
    database_url, app_bundle, tmp_path
):
    from followup import db

    engine = db.make_engine(db.database_url(database_url, None))
    db.upgrade(engine, "0001")
    settings = Settings(data_dir=tmp_path, database_url=database_url, secret_key="x" * 64)
    settings = dataclasses.replace(settings, secret_key=secrets.token_urlsafe(48))
    with pytest.raises(InputError, match="tiltakskart db upgrade"):
        open_followup(settings, [app_bundle], local=False)
    engine.dispose()


def test_data_dir_holds_the_embedded_database(app_bundle, tmp_path):
    settings = Settings(data_dir=tmp_path / "data", secret_key=secrets.token_urlsafe(48))
    open_followup(settings, [app_bundle], local=False)
    assert (tmp_path / "data" / "tiltakskart.sqlite3").is_file()
    assert Path(tmp_path / "data").stat().st_mode & 0o777 == 0o700


def test_downloads_and_the_print_view_carry_the_status(served):
    session = served.login(EDITOR)
    served.save(session, ACT, "gjennomfort", 0, comment="Ferdig i oktober")
    values = {
        "state.data": {"view": "kommune", "kommune": "3105", "metric": "act"},
        "download-csv-button.n_clicks": 1,
        "kommune-shown.data": None,
    }
    body = callback_payload(served.app.callback_map, "download.data", values, [])
    body["changedPropIds"] = ["download-csv-button.n_clicks"]
    answer = requests.post(f"{served.url}/_dash-update-component", json=body)
    data = answer.json()["response"]["download"]["data"]
    text = base64.b64decode(data["content"]) if data.get("base64") else data["content"].encode()
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))
    status = {r[0]: r[-1] for r in rows[1:]}
    assert rows[0][-1] == "Status" and status["1.3.2"] == "Gjennomført"
    assert status["3.5.1"] == "Ikke rapportert" and status["3.12.2"] == ""  # area: not reported
    printed = requests.get(f"{served.url}/utskrift?kommune=3105").text
    assert "Status: Gjennomført" in printed and "Ferdig i oktober" in printed
    assert "Oppfølging: 1 av 4 påbegynt eller gjennomført (25 %); 3 ikke rapportert" in printed
    # The municipality's slide: each measure it reports on with its status.
    from app.state import PageState
    from app.views.presentasjon import municipality_slide

    _, _, _, slide = municipality_slide(served.app.tiltakskart_view, PageState(), "3105", False)
    said = str(slide)
    assert "– Gjennomført" in said and "– Ikke rapportert" in said


def test_progress_counts_only_what_is_under_way_or_done():
    import numpy as np

    from app.tracking import progress_counts

    numbers, ids = ["3105", "3103"], ["a", "b", "c"]
    specific = np.array([[True, True, True], [True, False, False]])
    reportable = frozenset({("a", "3105"), ("b", "3105"), ("c", "3105"), ("a", "3103")})
    statuses = {
        ("a", "3105"): "pagar",
        ("b", "3105"): "utsatt",  # reported, not under way
        ("a", None): "gjennomfort",  # the measure as a whole: not counted
    }
    counts = progress_counts(statuses, reportable, numbers, ids, specific)
    assert counts["open"].tolist() == [3, 1]
    assert counts["reported"].tolist() == [2, 0]
    assert counts["progress"].tolist() == [1, 0]
    assert counts["unreported"].tolist() == [1, 1]


def test_revisions_sharing_a_key_share_their_rows_each_with_its_own_scope(app_bundle, tmp_path):
    """Two revisions of one period (the same programme key): one table of statuses, but each
    revision's views and checks use the measures and pairs of that revision."""
    from geo.pipeline import build_programme
    from tests.test_revisions import revise

    _, revised = revise(tmp_path)  # 3.12.2 is 3.12.9 there, 3.12.3 is gone
    newer = build_programme(Settings(document=revised, cache_dir=tmp_path / "c", api_url=None))
    assert newer.key == app_bundle.key
    settings = Settings(data_dir=tmp_path / "data", secret_key=secrets.token_urlsafe(48))
    followup = open_followup(settings, [app_bundle, newer], local=False)
    older_store, newer_store = followup.store_for(app_bundle), followup.store_for(newer)
    assert {"3.12.2", "3.12.3"} <= older_store.scope.measures
    assert "3.12.9" not in older_store.scope.measures
    assert "3.12.9" in newer_store.scope.measures and "3.12.3" not in newer_store.scope.measures
    assert older_store.scope.programme == newer_store.scope.programme == "31-2025"
