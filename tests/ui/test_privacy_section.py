"""The projects page's personal data section: a project admin sees the policy, the doubtful
findings in context and confirms one; a member without the admin role sees the summary only."""

from __future__ import annotations

import httpx
import pytest

from tests.ui.conftest import open_app
from tests.ui.page_content import texts

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

TEXT = (
    "Ryhmä 1\nMiten kylälle pääsee?\n"
    "- Vaihde (09) 123 4567 palvelee kyläläisiä arkisin.\n"
    "- Pekka Kärkkäinen Varkaudesta toivoo iltavuoroja.\n"
)


def test_an_admin_reviews_a_doubtful_finding_and_a_member_sees_the_summary(
    api_url: str, api: httpx.Client
) -> None:
    assert api.post("/projects", json={"name": "yksityisyys"}).status_code == 201
    answer = api.post(
        "/projects/yksityisyys/documents?wait=true",
        data={"region": "Pohjois-Savo"},
        files=[("files", ("kyla.txt", TEXT.encode()))],
    )
    assert answer.status_code == 201, answer.text

    at = open_app(api_url, api.headers["Authorization"].split()[1], "yksityisyys",
                  "views/projects.py")  # fmt: skip
    assert "Henkilötiedot" in texts(at.subheader)
    assert any("Löydöksiä 2, joista 1 odottaa tarkistusta" in c for c in texts(at.caption))
    table = at.dataframe[-1].value
    assert list(table["Tyyppi"]) == ["[PUHELIN]"]
    assert "Vaihde [PUHELIN] palvelee" in table["Kohta tekstissä"].iloc[0]
    at.button(key="privacy_confirm").click().run()
    assert not at.exception
    assert any("confirmed" in s for s in texts(at.success))
    assert api.get("/projects/yksityisyys/privacy").json()["by_review"]["confirmed"] == 1

    token = api.post("/users", json={"name": "analyytikko-y"}).json()["token"]
    role = {"role": "analyst"}
    assert api.put("/projects/yksityisyys/members/analyytikko-y", json=role).is_success
    member = open_app(api_url, token, "yksityisyys", "views/projects.py")
    assert "Henkilötiedot" in texts(member.subheader)
    assert not [b for b in member.button if b.key == "privacy_confirm"]
    assert not [r for r in member.radio if r.label == "Käytäntö uusille latauksille"]
