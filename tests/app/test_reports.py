"""The Reports section: pages with tables and SVG plots, the PDF, the REST endpoints, and the
analyst's access (aggregates only, no patient identifier anywhere)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from fastapi.testclient import TestClient

from alpha4.app.main import create_app
from alpha4.settings import Settings
from alpha4.store.reports import REPORTS
from alpha4.store.users import Role
from tests.report_cohort import AS_OF, AT, cohort

from .conftest import PASSWORD, USERS, bearer, report_registry, sign_in, web_settings

PATIENT_IDS = [p.id for p in cohort()]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """The hand-computed cohort, seen on its own day (2025-01-01), one user per role."""
    url = report_registry(tmp_path / "reports.sqlite3")
    app = create_app(
        Settings(database_url=url),
        web=web_settings(),
        today=lambda: AS_OF,
        clock=lambda: AT,
    )
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        yield c


def no_patient_data(text: str) -> None:
    for pid in PATIENT_IDS:
        assert not re.search(rf"\b{pid}\b", text), pid
    assert "1985-03-14" not in text  # birth dates
    assert "/patients/" not in text


def test_an_analyst_sees_every_report_page_with_a_table_and_a_plot(client: TestClient) -> None:
    sign_in(client, Role.ANALYST)
    index = client.get("/reports")
    assert index.status_code == 200 and 'href="/reports/safety.pdf"' in index.text
    assert "<svg" in index.text
    for name in REPORTS:
        page = client.get(f"/reports/{name}")
        assert page.status_code == 200, name
        assert f'data-report="{name}"' in page.text and "<svg" in page.text and "<script" not in page.text
        no_patient_data(page.text)
    safety = client.get("/reports/safety").text
    assert '<td>Multiple sclerosis</td><td>Infusion reaction</td><td class="num">14</td>' in safety
    assert 'class="num suppressed">&lt;5</td>' in safety  # 3 patients with a reaction: below 5
    assert "label ~24% (placebo 18%); seed ~22%" in safety


def test_filters_narrow_the_page(client: TestClient) -> None:
    sign_in(client, Role.ANALYST)
    page = client.get("/reports/safety", params={"indication": "crohns_disease", "site": "South"}).text
    assert "Multiple sclerosis" not in page.split("<table")[1]
    bad = client.get("/reports/safety", params={"from": "2025-02-01", "to": "2025-01-01"})
    assert bad.status_code == 422 and "ends" in bad.text
    assert client.get("/reports/pml", params={"profile": "mars"}).status_code == 422
    assert client.get("/reports/pml", params={"from": "2024-13-01"}).status_code == 422
    empty = client.get("/reports/pml", params={"from": "", "to": "", "site": "", "indication": ""})
    assert empty.status_code == 200  # the filter form sends empty fields


def test_the_rest_endpoints_answer_aggregates(client: TestClient) -> None:
    headers = bearer(client, Role.ANALYST)
    listed = client.get("/api/v1/reports", headers=headers).json()
    assert [r["name"] for r in listed] == list(REPORTS)
    pml = client.get("/api/v1/reports/pml", headers=headers).json()
    assert pml["as_of"] == "2025-01-01" and pml["filters"]["min_cell"] == "5"
    negative = pml["rows"][0]
    assert (negative["patients"], negative["events"], negative["published"]) == (12, 0, "~0.02")
    positive = pml["rows"][1]
    assert positive["patients"] is None and "patients" in positive["suppressed"]  # 4 patients
    for name in REPORTS:
        r = client.get(f"/api/v1/reports/{name}", headers=headers, params={"from": "2024-01-01"})
        assert r.status_code == 200, name
        no_patient_data(r.text)
    assert client.get("/api/v1/reports/safety", headers=headers, params={"to": "nonsense"}).status_code == 422
    assert client.get("/api/v1/reports/safety").status_code == 401
    operations = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/reports/safety"]["get"]
    assert operations["operationId"] == "getSafetyReport"
    assert {"200", "401", "403", "422"} <= set(operations["responses"])


def test_the_pdf_download(client: TestClient) -> None:
    sign_in(client, Role.ANALYST)
    r = client.get("/reports/safety.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(r.content))
    assert len(reader.pages) == 3
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Safety: infusion reactions" in text and "As of 2025-01-01" in text
    no_patient_data(text)


def test_who_may_see_reports(client: TestClient) -> None:
    for role, allowed in (
        (Role.ANALYST, True),
        (Role.PRESCRIBER, True),
        (Role.COORDINATOR, True),
        (Role.NURSE, False),
        (Role.ADMIN, False),
    ):
        client.cookies.clear()
        sign_in(client, role)
        assert (client.get("/reports/rems").status_code == 200) is allowed, role
        assert ('href="/reports"' in client.get("/").text) is allowed, role


def test_a_day_later_the_reports_refresh_the_summaries_first(tmp_path: Path) -> None:
    url = report_registry(tmp_path / "later.sqlite3", (Role.ANALYST,))
    later = AS_OF + dt.timedelta(days=1)
    app = create_app(Settings(database_url=url), web=web_settings(), today=lambda: later)
    with TestClient(app, base_url="https://testserver") as c:
        token = c.post("/api/v1/token", data={"username": USERS[Role.ANALYST], "password": PASSWORD}).json()[
            "access_token"
        ]
        report = c.get("/api/v1/reports/rems", headers={"Authorization": f"Bearer {token}"}).json()
    assert report["as_of"] == later.isoformat()
