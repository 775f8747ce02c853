"""The comparison in words: Finnish place names in the right case (through Voikko), number
format, and findings whose numbers and certainty follow the statistics."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from service.analysis import compare
from service.analysis.finnish import format_p, format_percent, in_region, locative
from service.analysis.sentences import CLEAR_Z, group_findings
from service.api.routes import compare as compare_routes
from service.config import Settings
from tests.factories import database, include_routers, sample_project

REGIONS = {
    "Uusimaa": "Uudellamaalla",
    "Varsinais-Suomi": "Varsinais-Suomessa",
    "Satakunta": "Satakunnassa",
    "Kanta-Häme": "Kanta-Hämeessä",
    "Pirkanmaa": "Pirkanmaalla",
    "Päijät-Häme": "Päijät-Hämeessä",
    "Kymenlaakso": "Kymenlaaksossa",
    "Etelä-Karjala": "Etelä-Karjalassa",
    "Etelä-Savo": "Etelä-Savossa",
    "Pohjois-Savo": "Pohjois-Savossa",
    "Pohjois-Karjala": "Pohjois-Karjalassa",
    "Keski-Suomi": "Keski-Suomessa",
    "Etelä-Pohjanmaa": "Etelä-Pohjanmaalla",
    "Pohjanmaa": "Pohjanmaalla",
    "Keski-Pohjanmaa": "Keski-Pohjanmaalla",
    "Pohjois-Pohjanmaa": "Pohjois-Pohjanmaalla",
    "Kainuu": "Kainuussa",
    "Lappi": "Lapissa",
    "Ahvenanmaa": "Ahvenanmaalla",
    "Kuopio": "Kuopiossa",
    "Helsinki": "Helsingissä",
    "Tampere": "Tampereella",
}
# Towns as Finnish says them: names on a river, rapids, lake, headland, water, hill or heath
# take the adessive ("Seinäjoella", not "Seinäjoessa"); a compound's last part sets the
# vowel harmony ("Rovaniemellä", not "Rovaniemessa"); a few more stems ("Varkaudessa").
TOWNS = {
    "Seinäjoki": "Seinäjoella",
    "Valkeakoski": "Valkeakoskella",
    "Siilinjärvi": "Siilinjärvellä",
    "Nurmijärvi": "Nurmijärvellä",
    "Rovaniemi": "Rovaniemellä",
    "Orivesi": "Orivedellä",
    "Riihimäki": "Riihimäellä",
    "Kirkkonummi": "Kirkkonummella",
    "Kankaanpää": "Kankaanpäässä",
    "Varkaus": "Varkaudessa",
    "Nurmes": "Nurmeksessa",
    "Kerava": "Keravalla",
    "Hyvinkää": "Hyvinkäällä",
    "Lohja": "Lohjalla",
    "Iisalmi": "Iisalmessa",
    "Lahti": "Lahdessa",
    "Pietarsaari": "Pietarsaaressa",
}


@pytest.mark.parametrize(("region", "form"), REGIONS.items())
def test_every_finnish_region_in_its_locative_case(region: str, form: str) -> None:
    assert locative(region) == form


@pytest.mark.parametrize(("town", "form"), TOWNS.items())
def test_towns_in_the_case_finnish_uses(town: str, form: str) -> None:
    assert locative(town) == form


@pytest.mark.parametrize("region", ["Valtakunnallinen", "Useita alueita", "Xyzzy-alue", ""])
def test_names_voikko_does_not_know_as_places_fall_back(region: str) -> None:
    assert locative(region) is None
    # Quoted, the name reads as a label: "Alueella ”Useita alueita” puhutaan ...", not
    # "Alueella Useita alueita puhutaan ...".
    assert in_region(region) == f"alueella ”{region}”"


def test_a_p_value_reads_with_its_own_sign() -> None:
    assert format_p(0.0123, "fi") == "p = 0,012"
    assert format_p(0.0123, "en") == "p = 0.012"
    assert format_p(1e-9, "fi") == "p < 0,001"  # not "p = < 0,001"
    assert format_p(0.001, "en") == "p = 0.001"


def test_percentages_in_finnish_and_english() -> None:
    assert format_percent(0.7931, "fi", 1) == "79,3\u00a0%"
    assert format_percent(0.7931, "en", 1) == "79.3\u00a0%"
    assert format_percent(0.18, "fi") == "18\u00a0%"
    assert format_percent(0.003, "fi") == "0,3\u00a0%"  # not "0 %": the theme exists
    assert format_percent(0.0, "fi") == "0\u00a0%"


THEMES: list[tuple[int | None, str]] = [(1, "Vetovoima"), (2, "Osaaminen"), (3, "Yhteistyö")]
THEMES_AND_UNASSIGNED = [*THEMES, (None, "unassigned")]


def test_a_clear_difference_has_the_numbers_of_the_table() -> None:
    counts = np.array([[10, 40, 30, 5], [40, 10, 20, 10], [35, 12, 25, 8]])
    groups = ["Pohjois-Savo", "Kainuu", "Lappi"]
    findings = group_findings(groups, THEMES_AND_UNASSIGNED, counts)
    savo = findings[0]
    top = savo["findings"][0]
    assert (top["theme_id"], top["direction"], top["clear"]) == (2, "more", True)
    # The shares are of all the group's notes (unassigned included), as in the heatmap.
    assert top["share"] == pytest.approx(40 / 85)
    assert top["rest_share"] == pytest.approx(22 / 160)
    _delta, z = compare.log_odds_dirichlet(counts[:, :3])
    assert top["z"] == pytest.approx(z[0, 1]) and top["z"] >= CLEAR_Z
    assert savo["sentences"]["fi"][0] == (
        "Pohjois-Savossa puhutaan muita alueita enemmän teemasta ”Osaaminen” "
        "(47\u00a0% vs 14\u00a0%; selvä ero)."
    )
    assert savo["sentences"]["en"][0] == (
        "In Pohjois-Savo, the theme “Osaaminen” comes up more than in the other regions "
        "(47\u00a0% vs 14\u00a0%; clear difference)."
    )
    less = [f for f in savo["findings"] if f["direction"] == "less"]
    assert less and less[0]["theme_id"] == 1
    assert "vähemmän teemasta ”Vetovoima”" in savo["sentences"]["fi"][len(savo["findings"]) - 1]


def test_a_small_region_is_called_uncertain_and_says_why() -> None:
    # Kainuu: 11 notes, 6 of them on one theme; the others rarely mention it.
    counts = np.array([[6, 2, 2, 1], [12, 90, 80, 18], [10, 85, 70, 15]])
    findings = group_findings(["Kainuu", "Pohjois-Savo", "Lappi"], THEMES_AND_UNASSIGNED, counts)
    kainuu = findings[0]["findings"][0]
    assert kainuu["direction"] == "more" and not kainuu["clear"]
    assert "small_group" in kainuu["reasons"]
    sentence = findings[0]["sentences"]["fi"][0]
    assert sentence.startswith("Kainuussa puhutaan muita alueita enemmän teemasta ”Vetovoima”")
    assert "ero epävarma: alle 30 muistiinpanoa" in sentence
    assert "fewer than 30 notes" in findings[0]["sentences"]["en"][0]


def test_quiet_groups_and_a_single_group() -> None:
    even = np.array([[10, 10, 10, 0], [11, 10, 9, 0]])
    findings = group_findings(["Kainuu", "Valtakunnallinen"], THEMES_AND_UNASSIGNED, even)
    assert findings[0]["findings"] == []
    assert findings[0]["sentences"]["fi"] == ["Kainuussa mikään teema ei erotu muista alueista."]
    assert findings[1]["sentences"]["fi"] == [
        "Alueella ”Valtakunnallinen” mikään teema ei erotu muista alueista."
    ]
    by_event = group_findings(["Kainuu", "Foorumi 2021"], THEMES_AND_UNASSIGNED, even, by="event")
    quiet = "Ryhmässä ”Foorumi 2021” mikään teema ei erotu muista."
    assert by_event[1]["sentences"]["fi"] == [quiet]
    alone = group_findings(["Kainuu"], THEMES_AND_UNASSIGNED, np.array([[3, 2, 1, 0]]))
    assert alone[0]["findings"] == [] and alone[0]["notes"] == 6


def test_kinds_and_speaker_roles_are_named_in_words() -> None:
    """Seen comparing by kind: "Ryhmässä ”transcript” puhutaan ..." and "In transcript, the
    theme ... comes up more than in elsewhere". Coded groups are said in words, and the
    English has no "in elsewhere"."""
    counts = np.array([[40, 5, 5, 0], [10, 40, 30, 0]])
    by_kind = group_findings(["transcript", "workshop"], THEMES_AND_UNASSIGNED, counts, by="kind")
    assert by_kind[0]["sentences"]["fi"][0].startswith(
        "Litteroinneissa puhutaan muita enemmän teemasta ”Vetovoima”"
    )
    assert by_kind[0]["sentences"]["en"][0].startswith(
        "In transcripts, the theme “Vetovoima” comes up more than elsewhere ("
    )
    assert by_kind[1]["sentences"]["fi"][0].startswith("Työpajoissa puhutaan muita")
    roles = group_findings(
        ["facilitator", "participant"], THEMES_AND_UNASSIGNED, counts, by="speaker_role"
    )
    assert roles[1]["sentences"]["fi"][0].startswith("Osallistujien puheenvuoroissa puhutaan")
    assert roles[1]["sentences"]["en"][0].startswith("In the participants' turns, the theme")
    even = np.array([[10, 10, 10, 0], [11, 10, 9, 0]])
    quiet = group_findings(["other", "workshop"], THEMES_AND_UNASSIGNED, even, by="kind")
    assert quiet[0]["sentences"] == {
        "fi": ["Muissa dokumenteissa mikään teema ei erotu muista."],
        "en": ["In other documents, no theme stands out from the rest."],
    }


def test_the_api_returns_the_sentences(client: TestClient, settings: Settings) -> None:
    api = include_routers(client, compare_routes.router)
    with database(settings.resolved_database_url) as db:
        sample_project(db, "sanat")
    body = api.get("/projects/sanat/compare").json()
    by_group = {f["group"]: f for f in body["findings"]}
    assert set(by_group) == {"Pohjois-Savo", "Etelä-Savo", "Kainuu"}
    for entry in body["findings"]:
        assert entry["sentences"]["fi"] and entry["sentences"]["en"]
        for finding in entry["findings"]:
            row = next(
                r
                for r in body["rows"]
                if r["group"] == entry["group"] and r["theme_id"] == finding["theme_id"]
            )
            assert finding["share"] == pytest.approx(row["share"])
            assert not finding["clear"]  # every region of the sample has under 30 notes
    assert by_group["Etelä-Savo"]["sentences"]["fi"][0].startswith("Etelä-Savossa")
