"""The administrators' page (`/brukere`) over real HTTP on both databases: only administrators
see it or change anything through it (also by requests crafted by hand and from another site),
users added there can log in and change their municipalities, a stale form does not overwrite
another administrator's change, and pairs opened there can be reported."""

from __future__ import annotations

import pytest
import requests

from tests.test_followup_app import (
    ACT,
    ADMIN,
    AREA,
    EDITOR,
    OTHER,
    note_of,
    served,  # noqa: F401  (the fixture)
)

PAGE = "/brukere"


def post(at, session, **form):
    return session.post(
        f"{at.url}{PAGE}", data=form, headers={"Origin": at.url}, allow_redirects=False
    )


def names(at) -> dict[str, tuple[str, frozenset[str]]]:
    return {u.username: (u.role, u.kommuner) for u in at.followup.access.accounts.list()}


NEW = {
    "handling": "ny",
    "brukernavn": "halden",
    "passord": "passord-halden-1",
    "rolle": "editor",
    "kommune": ["3101"],
}


def test_only_administrators_see_or_use_the_page(served):  # noqa: F811
    anonymous = requests.get(f"{served.url}{PAGE}", allow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["Location"].endswith("/logginn?neste=/brukere")
    editor = served.login(EDITOR)
    refused = editor.get(f"{served.url}{PAGE}")
    assert refused.status_code == 403 and "Bare fylkeskommunens administratorer" in refused.text
    # A form crafted by an editor (or sent with no session) changes nothing.
    assert post(served, editor, **NEW).status_code == 403
    assert post(served, requests.Session(), **NEW).status_code == 303
    assert "halden" not in names(served)
    admin = served.login(ADMIN)
    page = admin.get(f"{served.url}{PAGE}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Brukere og rapportering" in page.text and "sarpsborg" in page.text
    assert "redaktør, Sarpsborg" in page.text  # roles and municipalities in Norwegian
    # Posted from another site, even with an administrator's session: refused.
    crafted = admin.post(
        f"{served.url}{PAGE}", data=NEW, headers={"Origin": "https://evil.example"}
    )
    assert crafted.status_code == 403 and "annet nettsted" in crafted.text
    assert "halden" not in names(served)


def test_a_user_added_there_logs_in_and_changes_only_their_municipality(served):  # noqa: F811
    admin = served.login(ADMIN)
    added = post(served, admin, **NEW)
    assert added.status_code == 200 and "La til halden (redaktør)." in added.text
    assert names(served)["halden"] == ("editor", frozenset({"3101"}))
    again = post(served, admin, **NEW)
    assert again.status_code == 400 and "Det finnes alt en bruker som heter «halden»" in again.text
    halden = served.login(("halden", "passord-halden-1"))
    assert note_of(served.save(halden, OTHER, "pagar", 0)) == "Lagret: Pågår."
    assert "ikke tilgang" in note_of(served.save(halden, ACT, "pagar", 0))


def test_bad_forms_are_refused_in_norwegian_and_shown_as_text(served):  # noqa: F811
    admin = served.login(ADMIN)
    for form, said in (
        ({**NEW, "brukernavn": "<script>alert(1)</script>"}, "Brukernavnet må ha 1–64 tegn"),
        ({**NEW, "passord": "kort"}, "Passordet må ha minst 10 tegn"),
        ({**NEW, "rolle": "konge"}, "Velg rollen redaktør eller administrator"),
        ({**NEW, "kommune": ["9999"]}, "Kommunenummeret 9999 er ikke med i programmet"),
        ({"handling": "fjern", "brukernavn": "ingen"}, "Fant ingen bruker som heter «ingen»"),
        ({"handling": "apne", "tiltak": "<b>9.9</b>", "kommune": "3105"}, "Velg et tiltak"),
        ({"handling": "noe"}, "Ukjent handling"),
    ):
        answer = post(served, admin, **form)
        assert answer.status_code == 400 and said in answer.text, form
        assert "<script>" not in answer.text and "<b>9.9" not in answer.text
    assert set(names(served)) == {"fylket", "sarpsborg"}


def test_a_stale_form_does_not_overwrite_another_administrators_change(served):  # noqa: F811
    admin = served.login(ADMIN)
    seen = {"handling": "tilgang", "brukernavn": "sarpsborg", "rolle": "editor"}
    seen |= {"var_rolle": "editor", "var_kommuner": "3105"}
    saved = post(served, admin, **seen, kommune=["3105", "3101"])
    assert saved.status_code == 200 and "Lagret tilgangen til sarpsborg." in saved.text
    late = post(served, admin, **seen, kommune=["3105", "3103"])  # the form still says 3105
    assert late.status_code == 400
    assert "ble endret av en annen" in late.text and "nå redaktør, Halden, Sarpsborg" in late.text
    assert names(served)["sarpsborg"] == ("editor", frozenset({"3101", "3105"}))
    mine = served.followup.access.accounts.get(ADMIN[0])
    demote = {"handling": "tilgang", "brukernavn": ADMIN[0], "rolle": "editor"}
    demote |= {"var_rolle": "admin", "var_kommuner": ""}
    refused = post(served, admin, **demote)
    assert refused.status_code == 400 and "ta fra deg selv rollen" in refused.text
    assert served.followup.access.accounts.get(ADMIN[0]) == mine


def test_a_new_password_ends_sessions_and_a_removed_user_cannot_log_in(served):  # noqa: F811
    admin, editor = served.login(ADMIN), served.login(EDITOR)
    who = f"{served.url}/_tiltakskart/hvem"
    assert editor.get(who).json()["innlogget"] is True
    changed = post(
        served, admin, handling="passord", brukernavn="sarpsborg", passord="nytt-passord-1"
    )
    assert changed.status_code == 200 and "innlogginger er avsluttet" in changed.text
    assert editor.get(who).json()["innlogget"] is False
    unconfirmed = post(served, admin, handling="fjern", brukernavn="sarpsborg")
    assert unconfirmed.status_code == 400 and "sarpsborg" in names(served)
    assert post(served, admin, handling="fjern", brukernavn="sarpsborg", bekreft="ja").ok
    assert "sarpsborg" not in names(served)
    refused = requests.post(
        f"{served.url}/logginn",
        data={"brukernavn": "sarpsborg", "passord": "nytt-passord-1"},
        headers={"Origin": served.url},
        allow_redirects=False,
    )
    assert refused.status_code == 401
    myself = post(served, admin, handling="fjern", brukernavn=ADMIN[0], bekreft="ja")
    assert myself.status_code == 400 and "Du kan ikke fjerne deg selv" in myself.text


def test_a_pair_opened_there_can_be_reported_until_it_is_closed(served):  # noqa: F811
    editor, admin = served.login(EDITOR), served.login(ADMIN)
    assert "ikke åpnet" in note_of(served.save(editor, AREA, "pagar", 0))
    pair = {"tiltak": AREA[0], "kommune": AREA[1]}
    opened = post(served, admin, handling="apne", **pair)
    assert opened.status_code == 200 and "Åpnet tiltak 3.12.2 for rapportering i Sarpsborg" in (
        opened.text
    )
    assert "Åpnet for rapportering" in opened.text  # the list of opened pairs
    assert note_of(served.save(editor, AREA, "pagar", 0)) == "Lagret: Pågår."
    assert post(served, admin, handling="lukk", **pair).status_code == 200
    assert "ikke åpnet" in note_of(served.save(editor, AREA, "utsatt", 1))
    # A pair where the municipality acts always reports; one the measure does not concern
    # cannot be opened.
    acting = post(served, admin, handling="apne", tiltak=ACT[0], kommune=ACT[1])
    assert acting.status_code == 400 and "rapporterer alltid" in acting.text
    outside = post(served, admin, handling="apne", tiltak="1.8.2", kommune="3105")
    assert outside.status_code == 400 and "gjelder ikke Sarpsborg" in outside.text
    every = post(served, admin, handling="apne", tiltak="3.12.2", kommune="alle")
    assert every.status_code == 200
    assert {p for p in served.store.openings() if p[0] == "3.12.2"} == {
        p for p in served.store.scope.counted - served.store.scope.act if p[0] == "3.12.2"
    }


def test_the_last_administrator_stays_and_other_programmes_municipalities_are_kept(
    served,  # noqa: F811
):
    from followup.auth import LastAdmin
    from followup.records import UserRole

    accounts = served.followup.access.accounts
    with pytest.raises(LastAdmin):
        accounts.remove(ADMIN[0])
    with pytest.raises(LastAdmin):
        accounts.assign(ADMIN[0], [], role=UserRole.EDITOR)
    accounts.add("fylket2", "passord-fylket-2", UserRole.ADMIN)
    admin = served.login(ADMIN)
    removed = post(served, admin, handling="fjern", brukernavn="fylket2", bekreft="ja")
    assert removed.status_code == 200 and "fylket2" not in names(served)
    # Sarpsborg's editor also edits in a Vestfold programme the server serves (3901): saving
    # their Østfold municipalities here keeps it.
    accounts.assign(EDITOR[0], ["3105", "3901"])
    form = {"handling": "tilgang", "brukernavn": EDITOR[0], "rolle": "editor"}
    form |= {"var_rolle": "editor", "var_kommuner": "3105,3901", "kommune": ["3105", "3101"]}
    assert post(served, admin, **form).status_code == 200
    assert names(served)[EDITOR[0]] == ("editor", frozenset({"3101", "3105", "3901"}))
