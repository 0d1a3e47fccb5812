"""CDS Hooks contract: discovery, cards and requests against the 2.0 shapes and the spec's examples."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import orjson
import pytest

from alpha4.domain import load_patient
from alpha4.interop import cds
from alpha4.interop.fhir_out import patient_to_bundle
from alpha4.knowledge import EU, US
from alpha4.rules.codes import CODES

from .conftest import EXAMPLES, as_of_for, spec

READ_TYPES = {
    "Patient", "Condition", "Observation", "MedicationAdministration", "MedicationStatement", "MedicationRequest",
    "AllergyIntolerance", "AdverseEvent", "DiagnosticReport", "Procedure", "Task",
}  # fmt: skip


def prefetch_for(bundle: dict[str, Any]) -> dict[str, Any]:
    """The prefetch a client would send for our templates, built from a patient bundle."""
    key_for = {t.split("?")[0].split("/")[0]: k for k, t in cds.DATA_NEEDS.items()}
    out: dict[str, Any] = {
        k: {"resourceType": "Bundle", "type": "searchset", "entry": []} for k in cds.DATA_NEEDS
    }
    for e in bundle["entry"]:
        r = e["resource"]
        key = key_for.get(r["resourceType"])
        if r["resourceType"] == "Patient":
            out["patient"] = r
        elif key is not None:
            out[key]["entry"].append({"resource": r})
    return out


def test_spec_examples_fit_our_shapes() -> None:
    cds.Discovery.model_validate(spec("discovery-response.json"))
    cds.CdsResponse.model_validate(spec("card-response-2.json"))
    # The specification's `autolaunchable` example card omits the REQUIRED `indicator`: the contract notices.
    with pytest.raises(ValueError, match="indicator"):
        cds.CdsResponse.model_validate(spec("card-response.json"))
    cds.CdsResponse.model_validate(spec("empty-response.json"))
    cds.CdsRequest.model_validate(spec("patient-view-request.json"))
    for name in ("feedback-accepted.json", "feedback-overridden.json", "feedback-overridden-reason.json"):
        cds.Feedback.model_validate(spec(name))
    for name in ("order-select-context-r4.json", "order-sign-context-r4.json"):
        hook = name.split("-context")[0]
        cds.CONTEXTS[hook].model_validate(spec(name)["context"])


def test_discovery_is_derived_and_valid() -> None:
    doc = cds.discovery()
    cds.Discovery.model_validate(doc)
    hooks = {s["hook"] for s in doc["services"]}
    assert hooks == {"patient-view", "order-select", "order-sign"}
    for service in doc["services"]:
        assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"
        templates = set(service["prefetch"].values())
        assert {t.split("?")[0].split("/")[0] for t in templates} == READ_TYPES
    observations = cds.DATA_NEEDS["observations"]
    for code in ("731-0", "70173-0", "100977-8", "58012-6", "29463-7", "82810-3"):
        assert f"http://loinc.org|{code}" in observations


def test_card_codes_are_registered() -> None:
    assert set(cds.ORDER_FOR_CODE) <= set(CODES)
    assert set(CODES) >= cds.CARD_CODES


def request(hook: str, patient_id: str, prefetch: dict[str, Any], **context: Any) -> cds.CdsRequest:
    return cds.CdsRequest.model_validate(
        {
            "hook": hook,
            "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
            "context": {"userId": "Practitioner/example", "patientId": patient_id, **context},
            "prefetch": prefetch,
        }
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_cards_for_every_example(path: Any) -> None:
    patient = load_patient(path.read_text())
    bundle = patient_to_bundle(patient)
    call = request("patient-view", patient.id, prefetch_for(bundle))
    resources, notes = cds.prefetched_resources(call.prefetch or {})
    result = cds.answer(call, resources, notes, as_of=as_of_for(path.stem), profile=US)
    cds.CdsResponse.model_validate({"cards": [c.model_dump(exclude_none=True) for c in result.cards]})
    assert result.assessment is not None
    gate = result.cards[0]
    expected = {"stop": "critical", "hold": "warning"}.get(result.assessment.gate.decision.value)
    assert gate.indicator == (expected or ("warning" if result.assessment.pml_higher_risk else "info"))
    assert cds.card_codes(result.cards) <= set(CODES)
    for card in result.cards[1:]:
        f = next(f for f in result.assessment.findings if f.code == card.source.topic.code)  # type: ignore[union-attr]
        assert card.indicator == cds.indicator(f)
        assert len(card.summary) < 140
        if f.gate.value == "hold":
            assert card.overrideReasons
        for e in f.evidence:
            if e.source_ref:
                assert e.source_ref in (card.detail or "")


def natalizumab_order(order_id: str = "ntz-draft") -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": order_id,
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "354770"}],
            "text": "natalizumab 300 mg IV every 4 weeks",
        },
        "subject": {"reference": "Patient/ms-confirmed-pml"},
    }


def test_order_sign_spec_example_has_no_natalizumab_so_no_cards() -> None:
    context = spec("order-sign-context-r4.json")["context"]
    call = request(
        "order-sign", context["patientId"], {}, **{k: v for k, v in context.items() if k != "patientId"}
    )
    assert cds.answer(call, [], [], as_of=dt.date(2026, 11, 24), profile=US).cards == []


def test_order_sign_stop_suggests_removing_the_draft() -> None:
    path = next(p for p in EXAMPLES if p.stem == "ms_confirmed_pml")
    patient = load_patient(path.read_text())
    context = copy.deepcopy(spec("order-sign-context-r4.json")["context"])
    context["draftOrders"]["entry"].append({"resource": natalizumab_order()})
    del context["patientId"]
    call = request("order-sign", patient.id, prefetch_for(patient_to_bundle(patient)), **context)
    resources, notes = cds.prefetched_resources(call.prefetch or {})
    result = cds.answer(call, resources, notes, as_of=as_of_for(path.stem), profile=US)
    assert result.cards[0].indicator == "critical"
    assert result.cards[0].summary.startswith("Natalizumab order: STOP")
    assert result.cards[0].suggestions and result.cards[0].suggestions[0].actions[0].type == "delete"
    stop = next(c for c in result.cards[1:] if c.source.topic and c.source.topic.code == "PML_CONFIRMED")
    actions = [a for s in stop.suggestions or [] for a in s.actions]
    assert any(a.type == "delete" and a.resourceId == "MedicationRequest/ntz-draft" for a in actions)


def test_order_select_reads_only_the_selected_orders() -> None:
    context = copy.deepcopy(spec("order-select-context-r4.json")["context"])
    context["draftOrders"]["entry"].append({"resource": natalizumab_order()})
    parsed = cds.OrderSelectContext.model_validate(context)
    assert cds.natalizumab_drafts(parsed) == []
    parsed = cds.OrderSelectContext.model_validate({**context, "selections": ["MedicationRequest/ntz-draft"]})
    assert cds.natalizumab_drafts(parsed) == ["MedicationRequest/ntz-draft"]


def test_contract_rejects_bad_cards() -> None:
    base = {"summary": "x", "indicator": "info", "source": {"label": "alpha4"}}
    with pytest.raises(ValueError):
        cds.Card.model_validate({**base, "summary": "x" * 140})
    with pytest.raises(ValueError):
        cds.Card.model_validate({**base, "indicator": "urgent"})
    with pytest.raises(ValueError):
        cds.Card.model_validate({**base, "suggestions": [{"label": "s"}]})
    with pytest.raises(ValueError):
        cds.Card.model_validate({**base, "overrideReasons": [{"code": "x"}]})
    with pytest.raises(ValueError):
        cds.Action.model_validate({"type": "delete", "description": "d"})
    with pytest.raises(ValueError):
        cds.CdsRequest.model_validate({**spec("patient-view-request.json"), "fhirServer": None})


def test_evaluation_key_ignores_the_call_identity_and_key_order() -> None:
    path = next(p for p in EXAMPLES if p.stem == "ms_jcv_stale")
    patient = load_patient(path.read_text())
    prefetch = prefetch_for(patient_to_bundle(patient))
    as_of = as_of_for(path.stem)
    call = request("patient-view", patient.id, prefetch)
    other = call.model_copy(update={"hookInstance": "another-call"})
    reordered = dict(reversed(list(prefetch.items())))
    key = cds.evaluation_key(call, prefetch, as_of=as_of, profile=US)
    assert key == cds.evaluation_key(other, reordered, as_of=as_of, profile=US)


def test_evaluation_key_changes_with_anything_the_answer_depends_on() -> None:
    path = next(p for p in EXAMPLES if p.stem == "ms_jcv_stale")
    patient = load_patient(path.read_text())
    prefetch = prefetch_for(patient_to_bundle(patient))
    as_of = as_of_for(path.stem)
    call = request("patient-view", patient.id, prefetch)
    key = cds.evaluation_key(call, prefetch, as_of=as_of, profile=US)
    changed = copy.deepcopy(prefetch)
    changed["observations"]["entry"][0]["resource"]["status"] = "amended"
    order = copy.deepcopy(spec("order-sign-context-r4.json")["context"])
    order["draftOrders"]["entry"].append({"resource": natalizumab_order()})
    del order["patientId"]
    signing = request("order-sign", patient.id, prefetch, **order)
    others = {
        cds.evaluation_key(call, changed, as_of=as_of, profile=US),
        cds.evaluation_key(call, prefetch, as_of=as_of + dt.timedelta(days=1), profile=US),
        cds.evaluation_key(call, prefetch, as_of=as_of, profile=EU),
        cds.evaluation_key(
            request("patient-view", "someone-else", prefetch), prefetch, as_of=as_of, profile=US
        ),
        cds.evaluation_key(signing, prefetch, as_of=as_of, profile=US),
    }
    assert key not in others and len(others) == 5


def test_evaluation_cache_keeps_the_most_recent() -> None:
    cache = cds.EvaluationCache(size=2)
    evaluations = [cds.Evaluation("patient-view", f"p{n}", ()) for n in range(3)]
    for n, e in enumerate(evaluations):
        cache.put(f"k{n}", e)
    assert cache.get("k0") is None and cache.get("k2") is evaluations[2]
    assert (cache.hits, cache.misses) == (1, 1)


@pytest.mark.parametrize("path", EXAMPLES[::4], ids=lambda p: p.stem)
def test_the_service_fast_path_writes_the_validated_cards(path: Any) -> None:
    """The HTTP service stamps card templates without re-validating them: the same JSON as the
    validated models, and every uuid the one :func:`cds.card_id` gives for this call."""
    patient = load_patient(path.read_text())
    call = request("patient-view", patient.id, prefetch_for(patient_to_bundle(patient)))
    resources, notes = cds.prefetched_resources(call.prefetch or {})
    evaluation = cds.evaluate(call, resources, notes, as_of=as_of_for(path.stem), profile=US)
    fast = orjson.loads(cds.response_json(evaluation, call.hookInstance))
    models = cds.render(evaluation, call).cards
    assert fast == cds.CdsResponse(cards=models).model_dump(mode="json", exclude_none=True)
    gate = models[0]
    decision = gate.summary.split(": ")[1].split(" ")[0]
    assert gate.uuid == cds.card_id(call.hookInstance, "GATE", decision)
    other = orjson.loads(cds.response_json(evaluation, "another-call"))
    assert {c["uuid"] for c in fast["cards"]}.isdisjoint(c["uuid"] for c in other["cards"])
