"""Issue 12: every label stop and hold, pinned as full answers (gate, reasons, every finding code).

Each test starts from a timeline that is a clean GO in both profiles with a complete checklist
(``BASE`` + ``CHECKLIST``: only the PML estimate and the MS response summary are found), adds one
clinical fact, and asserts the whole answer, so a spurious finding fails as surely as a missing one.
Boundaries are tested one unit either side.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from alpha4.domain import PreInfusionChecklist
from alpha4.knowledge import EU, US, Profile
from alpha4.rules import Assessment
from tests.helpers import d, infusions, jcv, lab, patient, run
from tests.timelines import ALL_CLEAR, BASE, ae
from tests.timelines import AS_OF as TIMELINE_AS_OF

AS_OF = d(TIMELINE_AS_OF)
QUIET = {"MS_RESPONSE_SUMMARY", "PML_RISK_ESTIMATE"}
ANSWERS = ALL_CLEAR
CHECKLIST = PreInfusionChecklist(**ANSWERS)


def assess_with(
    profile: Profile = US,
    checklist: PreInfusionChecklist | None = CHECKLIST,
    as_of: dt.date = AS_OF,
    **changes: Any,
) -> Assessment:
    fields = {**BASE, **changes}
    return run(patient(**fields), as_of, profile, checklist=checklist)


def answer(a: Assessment) -> tuple[str, tuple[str, ...], set[str]]:
    """Gate, reasons and the finding codes beyond the clean baseline's."""
    return a.gate.decision.value, a.gate.reasons, {f.code for f in a.findings} - QUIET


def test_baseline_is_a_clean_go_in_both_profiles() -> None:
    for profile in (US, EU):
        a = assess_with(profile)
        assert answer(a) == ("go", (), set())
        assert a.gate.headline == "GO" and a.gate.checklist.value == "complete"


# --- 1. liver -----------------------------------------------------------------------------------------
def _liver(alt: float = 25, bili: float | None = None, alp: float | None = None) -> list[dict[str, Any]]:
    labs = [lab("2026-05-04", "1742-6", alt, "U/L", high=40, id="alt"), BASE["labs"][1]]
    if bili is not None:
        labs.append(lab("2026-05-04", "1975-2", bili, "mg/dL", high=1.2, id="bili"))
    if alp is not None:
        labs.append(lab("2026-05-04", "6768-6", alp, "U/L", high=120, id="alp"))
    return labs


@pytest.mark.parametrize("profile", [US, EU])
@pytest.mark.parametrize(
    ("labs", "expected"),
    [
        # transaminases: 3x ULN is not above 3x; one unit more is
        (_liver(alt=120), ("go", (), set())),
        (_liver(alt=121), ("hold", ("LAB_TRANSAMINASES_RAISED",), {"LAB_TRANSAMINASES_RAISED"})),
        # bilirubin alone: 2x ULN (2.4) is not above; 2.5 is
        (_liver(bili=2.4), ("go", (), set())),
        (_liver(bili=2.5), ("hold", ("LAB_BILIRUBIN_RAISED",), {"LAB_BILIRUBIN_RAISED"})),
        # ALP: at 2x ULN (240) already counts; 239 does not
        (_liver(alp=239), ("go", (), set())),
        (_liver(alp=240), ("hold", ("LAB_ALP_RAISED",), {"LAB_ALP_RAISED"})),
        # Hy's law: both together stop
        (_liver(alt=121, bili=2.5), ("stop", ("LAB_LIVER_INJURY_STOP",), {"LAB_LIVER_INJURY_STOP"})),
        (_liver(alt=120, bili=2.5), ("hold", ("LAB_BILIRUBIN_RAISED",), {"LAB_BILIRUBIN_RAISED"})),
    ],
)
def test_liver_laboratory_evidence(profile: Profile, labs: list[dict[str, Any]], expected: Any) -> None:
    assert answer(assess_with(profile, labs=labs)) == expected


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        # jaundice stops whatever the seriousness flag
        (
            ae("Jaundice", "other", serious=False),
            ("stop", ("LAB_LIVER_INJURY_STOP",), {"LAB_LIVER_INJURY_STOP"}),
        ),
        (
            ae("drug-induced hepatitis", "liver_injury", serious=True),
            ("stop", ("LAB_LIVER_INJURY_STOP",), {"LAB_LIVER_INJURY_STOP"}),
        ),
        (
            ae("hepatitis", "liver_injury", serious=False),
            ("hold", ("LIVER_INJURY_REPORTED",), {"LIVER_INJURY_REPORTED"}),
        ),
        # resolved after starting natalizumab: the history decides (stop stays)
        (
            ae("jaundice", "liver_injury", serious=False, resolved_on="2026-05-20"),
            ("stop", ("LAB_LIVER_INJURY_STOP",), {"LAB_LIVER_INJURY_STOP"}),
        ),
        # a non-serious episode that resolved no longer holds
        (ae("hepatitis", "liver_injury", resolved_on="2026-05-20"), ("go", (), set())),
        # a serious hepatitis long before natalizumab, resolved, is history only
        (
            ae("hepatitis A", "liver_injury", day="2010-01-01", serious=True, resolved_on="2010-03-01"),
            ("go", (), set()),
        ),
    ],
)
def test_liver_adverse_events(event: dict[str, Any], expected: Any) -> None:
    assert answer(assess_with(US, adverse_events=[event])) == expected
    assert answer(assess_with(EU, adverse_events=[event])) == expected


def test_liver_stop_names_the_evidence_that_decided() -> None:
    a = assess_with(US, labs=_liver(alt=121, bili=2.5), adverse_events=[ae("Jaundice", "other")])
    stop = next(f for f in a.findings if f.code == "LAB_LIVER_INJURY_STOP")
    assert "Hy" not in stop.detail  # wording is the label's, not jargon
    assert (
        "transaminases above 3x ULN with bilirubin above 2x ULN" in stop.detail
        and "jaundice reported" in stop.detail
    )
    assert {e.record_id for e in stop.evidence} == {"alt", "bili", "ae-Jaundice"}


# --- 2. thrombocytopenia ------------------------------------------------------------------------------
def _platelets(value: float, low: float | None = 150) -> list[dict[str, Any]]:
    return [BASE["labs"][0], lab("2026-05-04", "777-3", value, "10*3/uL", low=low, high=400, id="plt")]


@pytest.mark.parametrize("profile", [US, EU])
@pytest.mark.parametrize(
    ("labs", "events", "expected"),
    [
        (_platelets(150), [], ("go", (), set())),
        (_platelets(149), [], ("hold", ("LAB_THROMBOCYTOPENIA",), {"LAB_THROMBOCYTOPENIA"})),
        # no laboratory range: the default limit (75) decides
        (_platelets(75, low=None), [], ("go", (), set())),
        (_platelets(74, low=None), [], ("hold", ("LAB_THROMBOCYTOPENIA",), {"LAB_THROMBOCYTOPENIA"})),
        (
            _platelets(38),
            [ae("petechiae on legs", "other")],
            ("hold", ("LAB_THROMBOCYTOPENIA",), {"LAB_THROMBOCYTOPENIA"}),
        ),
        (
            [BASE["labs"][0]],
            [ae("thrombocytopenia", "thrombocytopenia")],
            (
                "hold",
                ("THROMBOCYTOPENIA_SUSPECTED",),
                {"THROMBOCYTOPENIA_SUSPECTED", "SCHEDULE_LABS_OVERDUE"} - {"SCHEDULE_LABS_OVERDUE"},
            ),
        ),
        (
            _platelets(38),
            [ae("immune thrombocytopenic purpura", "thrombocytopenia")],
            ("stop", ("THROMBOCYTOPENIA_ITP",), {"THROMBOCYTOPENIA_ITP"}),
        ),
        # ITP suspected, not yet confirmed: hold
        (
            _platelets(160),
            [ae("ITP", "thrombocytopenia", confirmed=False)],
            ("hold", ("THROMBOCYTOPENIA_SUSPECTED",), {"THROMBOCYTOPENIA_SUSPECTED"}),
        ),
    ],
)
def test_thrombocytopenia(profile: Profile, labs: Any, events: Any, expected: Any) -> None:
    decision, reasons, found = answer(assess_with(profile, labs=labs, adverse_events=events))
    found.discard("SCHEDULE_LABS_OVERDUE")  # a CBC without platelets is also reported as due
    assert (decision, reasons, found) == expected


def test_bleeding_signs_are_named_with_low_platelets() -> None:
    a = assess_with(US, labs=_platelets(38), adverse_events=[ae("petechiae on legs", "other")])
    f = next(f for f in a.findings if f.code == "LAB_THROMBOCYTOPENIA")
    assert "petechiae on legs" in f.detail and f.severity.value == "critical"


# --- 3. hypersensitivity ------------------------------------------------------------------------------
def _reaction(kind: str, grade: int, *manifestations: str) -> list[dict[str, Any]]:
    inf = infusions("2025-12-08", 6)
    inf[4] = {**inf[4], "reaction": {"kind": kind, "grade": grade, "manifestations": list(manifestations)}}
    return inf


@pytest.mark.parametrize("profile", [US, EU])
@pytest.mark.parametrize(
    ("infs", "expected"),
    [
        (
            _reaction("hypersensitivity", 1, "urticaria"),
            ("stop", ("CONTRA_HYPERSENSITIVITY",), {"CONTRA_HYPERSENSITIVITY"}),
        ),
        # recorded as an infusion reaction, but wheeze is an allergic manifestation
        (
            _reaction("infusion_reaction", 1, "headache", "wheeze"),
            ("stop", ("CONTRA_HYPERSENSITIVITY",), {"CONTRA_HYPERSENSITIVITY"}),
        ),
        (
            _reaction("hypersensitivity", 3, "angioedema"),
            ("stop", ("CONTRA_SERIOUS_HYPERSENSITIVITY",), {"CONTRA_SERIOUS_HYPERSENSITIVITY"}),
        ),
        (
            _reaction("anaphylaxis", 4),
            ("stop", ("CONTRA_SERIOUS_HYPERSENSITIVITY",), {"CONTRA_SERIOUS_HYPERSENSITIVITY"}),
        ),
        (
            _reaction("infusion_reaction", 2, "headache", "dizziness", "flushing", "nausea"),
            ("go", (), {"INFUSION_REACTION_HISTORY"}),
        ),
        # nothing recorded that tells them apart: hold for the prescriber
        (
            _reaction("infusion_reaction", 1),
            ("hold", ("INFUSION_REACTION_UNCLASSIFIED",), {"INFUSION_REACTION_UNCLASSIFIED"}),
        ),
        (
            _reaction("infusion_reaction", 1, "headache", "odd feeling"),
            ("hold", ("INFUSION_REACTION_UNCLASSIFIED",), {"INFUSION_REACTION_UNCLASSIFIED"}),
        ),
    ],
)
def test_hypersensitivity_is_a_permanent_stop_at_any_grade(
    profile: Profile, infs: Any, expected: Any
) -> None:
    assert answer(assess_with(profile, infusions=infs)) == expected


def test_allergy_list_hypersensitivity_of_any_severity_stops() -> None:
    mild = [{"id": "h", "date": "2026-01-05", "agent": "Tysabri", "severity": "mild"}]
    assert answer(assess_with(US, hypersensitivities=mild)) == (
        "stop",
        ("CONTRA_HYPERSENSITIVITY",),
        {"CONTRA_HYPERSENSITIVITY"},
    )


def test_hypersensitivity_says_which_words_decided() -> None:
    a = assess_with(US, infusions=_reaction("infusion_reaction", 1, "headache", "wheeze"))
    f = next(f for f in a.findings if f.code == "CONTRA_HYPERSENSITIVITY")
    assert "decided by: wheeze" in f.detail


# --- 4. herpes ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("profile", [US, EU])
@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (ae("HSV encephalitis", "herpes_infection"), ("stop", ("INFECTION_HERPES",), {"INFECTION_HERPES"})),
        (
            ae("VZV meningitis", "herpes_infection", resolved_on="2026-05-30"),
            ("stop", ("INFECTION_HERPES",), {"INFECTION_HERPES"}),
        ),
        (
            ae("acute retinal necrosis", "herpes_infection"),
            ("stop", ("INFECTION_HERPES",), {"INFECTION_HERPES"}),
        ),
        (
            ae("herpes zoster T10 dermatome", "herpes_infection"),
            ("hold", ("INFECTION_HERPES_ACTIVE",), {"INFECTION_HERPES_ACTIVE"}),
        ),
        (ae("herpes zoster T10 dermatome", "herpes_infection", resolved_on="2026-06-01"), ("go", (), set())),
        (
            ae("herpes zoster T10 dermatome", "herpes_infection", resolved_on="2026-06-02"),
            ("hold", ("INFECTION_HERPES_ACTIVE",), {"INFECTION_HERPES_ACTIVE"}),
        ),
    ],
)
def test_herpes(profile: Profile, event: Any, expected: Any) -> None:
    assert answer(assess_with(profile, adverse_events=[event])) == expected


# --- 5. EU contraindications and US monotherapy ----------------------------------------------------
IFN = [
    {"id": "ifn", "name": "interferon beta-1a", "medicine_class": "interferon_beta", "start": "2025-01-01"}
]
GLATIRAMER = [
    {"id": "ga", "name": "glatiramer acetate", "medicine_class": "immunomodulator", "start": "2025-01-01"}
]


@pytest.mark.parametrize(
    ("changes", "us", "eu"),
    [
        ({"medications": IFN}, "hold", "stop"),
        ({"medications": GLATIRAMER}, "hold", "stop"),
        ({"adverse_events": [ae("breast cancer", "malignancy")]}, "hold", "stop"),
        ({"adverse_events": [ae("basal cell carcinoma of the nose", "malignancy")]}, "go", "go"),
        ({"adverse_events": [ae("HIV infection", "immunocompromise")]}, "hold", "stop"),
    ],
)
def test_eu_contraindications_stop_us_holds(changes: dict[str, Any], us: str, eu: str) -> None:
    assert assess_with(US, **changes).gate.decision.value == us
    assert assess_with(EU, **changes).gate.decision.value == eu


def test_interferon_us_shows_the_sentinel_evidence() -> None:
    f = next(f for f in assess_with(US, medications=IFN).findings if f.code == "COMBINATION_INTERFERON_BETA")
    assert "SENTINEL" in f.detail and any("Rudick" in s for s in f.sources)
    assert answer(assess_with(US, medications=IFN)) == (
        "hold",
        ("COMBINATION_INTERFERON_BETA",),
        {"COMBINATION_INTERFERON_BETA"},
    )


MITOXANTRONE = [
    {
        "id": "mx",
        "name": "mitoxantrone",
        "medicine_class": "antineoplastic",
        "start": "2024-01-01",
        "end": "2025-06-01",
    }
]
NEW_START: dict[str, Any] = {
    "infusions": [],
    "mri_scans": [{"id": "m", "date": "2026-04-01"}],
    "authorizations": [{"id": "enr", "date": "2026-05-20", "kind": "enrollment"}],
    "prior_immunosuppressant_reported": True,
    "medications": MITOXANTRONE,
}


def test_eu_new_start_after_mitoxantrone_needs_a_lymphocyte_count() -> None:
    a = assess_with(EU, **NEW_START)
    assert a.gate.decision.value == "hold" and "ELIG_LYMPHOCYTES_BEFORE_START" in a.gate.reasons
    assert "ELIG_LYMPHOCYTES_BEFORE_START" not in {f.code for f in assess_with(US, **NEW_START).findings}
    low = [lab("2026-05-04", "26474-7", 0.5, "10*3/uL", low=1.0, high=4.0, id="ly")]
    eu_low = assess_with(EU, **{**NEW_START, "labs": low})
    assert eu_low.gate.decision.value == "stop" and eu_low.gate.reasons == ("CONTRA_COMPROMISED_IMMUNITY",)
    ok = [lab("2026-05-04", "26474-7", 1.0, "10*3/uL", low=1.0, high=4.0, id="ly")]
    assert "ELIG_LYMPHOCYTES_BEFORE_START" not in assess_with(EU, **{**NEW_START, "labs": ok}).gate.reasons
    assert "CONTRA_COMPROMISED_IMMUNITY" not in assess_with(EU, **{**NEW_START, "labs": ok}).gate.reasons


# --- 6. the checklist at the chair -----------------------------------------------------------------
def test_no_checklist_is_go_after_the_checklist_never_a_bare_go() -> None:
    a = assess_with(US, checklist=None)
    assert answer(a) == ("go", (), {"CHECKLIST_PENDING"})
    assert a.gate.headline == "GO after the checklist" and a.gate.checklist.value == "pending"


@pytest.mark.parametrize(
    ("authorized", "expected"),
    [
        (None, ("hold", ("CHECKLIST_AUTHORIZATION_UNANSWERED",), {"CHECKLIST_AUTHORIZATION_UNANSWERED"})),
        (
            False,
            ("hold", ("CHECKLIST_AUTHORIZATION_NOT_VERIFIED",), {"CHECKLIST_AUTHORIZATION_NOT_VERIFIED"}),
        ),
    ],
)
def test_authorization_unanswered_or_no_holds(authorized: bool | None, expected: Any) -> None:
    answers = PreInfusionChecklist(**{**ANSWERS, "authorization_verified": authorized})
    assert answer(assess_with(US, checklist=answers)) == expected


US_NEW_START: dict[str, Any] = {
    "infusions": [],
    "mri_scans": [{"id": "m", "date": "2026-04-01"}],
    "authorizations": [],
}


def test_us_new_start_without_enrolment_holds_until_the_nurse_verifies() -> None:
    unverified = PreInfusionChecklist(**{**ANSWERS, "authorization_verified": None})
    held = answer(assess_with(US, checklist=unverified, **US_NEW_START))
    assert held[0] == "hold" and "REMS_ENROLLMENT_MISSING" in held[1]
    # the nurse answers yes at the chair: no prescriber clearance is needed
    verified = assess_with(US, **US_NEW_START)
    assert answer(verified) == ("go", (), {"REMS_AUTHORIZATION_VERIFIED_AT_CHAIR"})
    assert verified.gate.cleared == ()
    # the EU profile has no TOUCH programme
    assert "REMS_ENROLLMENT_MISSING" not in {
        f.code for f in assess_with(EU, checklist=unverified, **US_NEW_START).findings
    }


def test_lapsed_authorization_holds_and_a_yes_at_the_chair_releases_it() -> None:
    old = {
        "authorizations": [
            {"id": "auth", "date": "2025-11-01", "kind": "authorization"},
            {"id": "re", "date": "2026-05-20", "kind": "reassessment"},
        ]
    }
    no_answer = PreInfusionChecklist(**{**ANSWERS, "authorization_verified": False})
    assert "REMS_AUTHORIZATION_LAPSED" in assess_with(US, checklist=no_answer, **old).gate.reasons
    assert answer(assess_with(US, **old)) == ("go", (), {"REMS_AUTHORIZATION_VERIFIED_AT_CHAIR"})


# --- 7. observation after the infusion -------------------------------------------------------------
@pytest.mark.parametrize(("count", "us_observes"), [(11, True), (12, False)])
def test_observation_rule_by_profile(count: int, us_observes: bool) -> None:
    first = d("2026-05-04") - dt.timedelta(days=28 * (count - 1))
    infs = infusions(first.isoformat(), count)
    reassessed = [
        *BASE["authorizations"],
        *(
            {"id": f"re{n}", "date": day, "kind": "reassessment"}
            for n, day in enumerate(["2025-11-01", "2026-02-01"])
        ),
    ]
    us = assess_with(US, infusions=infs, authorizations=reassessed)
    eu = assess_with(EU, infusions=infs, authorizations=reassessed)
    assert us.gate.decision.value == eu.gate.decision.value == "go"
    assert ("for 60 minutes after it" in us.gate.observation) is us_observes
    assert "for 60 minutes after it (every infusion" in eu.gate.observation


# --- 8. JCV reading --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("index", "reported", "used"),
    [
        (0.19, "positive", "negative"),
        (0.41, "negative", "positive"),
        (0.40, "negative", "negative"),
        (0.20, "positive", "positive"),
    ],
)
def test_the_index_decides_outside_the_indeterminate_band(index: float, reported: str, used: str) -> None:
    a = assess_with(US, jcv_results=[jcv("2026-03-01", reported, index)])
    assert a.pml is not None and a.pml.group.startswith(f"jcv_{used}")
    contradicted = "PML_JCV_SEROSTATUS_CONTRADICTED" in {f.code for f in a.findings}
    assert contradicted is (reported != used)


def test_after_ivig_the_jcv_retest_falls_due_six_months_later_without_a_hold() -> None:
    ivig = [
        {"id": "iv", "name": "IVIG", "medicine_class": "ivig", "start": "2026-04-01", "end": "2026-04-05"}
    ]
    a = assess_with(US, medications=ivig, jcv_results=[jcv("2026-04-20", "positive", 1.0)])
    jcv_item = next(s for s in a.schedule if s.item == "jcv_antibody_test")
    assert jcv_item.due == d("2026-10-05") and jcv_item.status.value == "ok"
    assert a.gate.decision.value == "go"
    assert {"PML_JCV_MISSING", "PML_JCV_UNRELIABLE"} <= {f.code for f in a.findings}


# --- 9. dose, route, product -----------------------------------------------------------------------
def test_dose_route_and_product_are_checked_against_the_profile() -> None:
    infs = infusions("2025-12-08", 6)
    infs[5] = {**infs[5], "route": "subcutaneous", "product": "tyruko"}
    infs[4] = {**infs[4], "dose_mg": 150}
    us = answer(assess_with(US, infusions=infs))
    eu = answer(assess_with(EU, infusions=infs))
    assert us == ("go", (), {"INFUSION_DOSE_UNEXPECTED", "INFUSION_ROUTE_NOT_ALLOWED", "PRODUCT_SWITCHED"})
    assert eu == ("go", (), {"INFUSION_DOSE_UNEXPECTED", "PRODUCT_SWITCHED"})


# --- 10. baseline MRI recency -------------------------------------------------------------------------
@pytest.mark.parametrize("profile", [US, EU])
@pytest.mark.parametrize(("scan", "outdated"), [("2026-03-01", False), ("2026-02-28", True)])
def test_baseline_mri_must_be_recent(profile: Profile, scan: str, outdated: bool) -> None:
    a = assess_with(
        profile,
        **{
            **US_NEW_START,
            "authorizations": BASE["authorizations"][:1],
            "mri_scans": [{"id": "m", "date": scan}],
        },
    )
    assert ("MRI_BASELINE_OUTDATED" in a.gate.reasons) is outdated


# --- 11. PML excluded / confirmed ------------------------------------------------------------------
def test_suspected_pml_excluded_releases_the_hold() -> None:
    suspected = ae("possible PML", "pml", day="2026-04-01", confirmed=False)
    assert answer(assess_with(US, adverse_events=[suspected])) == (
        "hold",
        ("PML_SUSPECTED",),
        {"PML_SUSPECTED"},
    )
    excluded = {**suspected, "resolved_on": "2026-05-01"}
    assert answer(assess_with(US, adverse_events=[excluded])) == ("go", (), {"PML_EXCLUDED"})


def test_confirmed_pml_stops_with_no_risk_estimate_and_leads_the_worklist() -> None:
    from alpha4.rules.worklist import build_worklist

    pml = ae("PML", "pml", day="2026-05-01", confirmed=True)
    a = assess_with(US, adverse_events=[pml])
    assert a.gate.decision.value == "stop" and a.gate.reasons[0] == "PML_CONFIRMED"
    assert a.pml is None and "PML_RISK_ESTIMATE" not in {f.code for f in a.findings}
    other = assess_with(US, infusions=_reaction("anaphylaxis", 4))
    other = other.model_copy(update={"patient_id": "a-first-by-id"})
    rows = build_worklist([other, a])
    assert [r.patient_id for r in rows][:2] == ["t-1", "a-first-by-id"]


# --- 13. antibody testing is a configurable policy -------------------------------------------------
def test_antibody_interval_is_cited_as_the_seed_and_a_policy() -> None:
    from alpha4.knowledge import label
    from alpha4.knowledge.base import Evidence

    kinds = {s.evidence for s in label.ANTIBODY_TEST_INTERVAL_DAYS.sources}
    assert kinds == {Evidence.SEED, Evidence.POLICY}
