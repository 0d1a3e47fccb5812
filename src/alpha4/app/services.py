"""What the web app does, as plain functions over the registry and the rules.

Routes call these; these call :mod:`alpha4.store` (reading and writing the registry, every write
audited with the signed-in user) and :mod:`alpha4.rules` (assessing). Nothing here renders HTML.

* :class:`CohortCache` keeps every patient's assessment for today, keyed by the audit log's head:
  when the head moves, only the patients named by the new audit entries are re-read and
  re-assessed; a new day (or an unreadable change) re-assesses the whole cohort, read in chunks
  by the store's batch loader (two queries per 500 patients, never one per patient).
* The pre-infusion visit: the nurse's screening answers and a prescriber's clearances are
  recorded in the audit log (``entity='checklist'``, ``entity_id='<patient>/checklist/<day>'``),
  and the infusion is recorded only when the gate, recomputed inside the same write transaction,
  says go.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from alpha4.domain import Clearance, Infusion, Patient, PreInfusionChecklist
from alpha4.domain.validation import record_change_problems
from alpha4.knowledge import Profile
from alpha4.rules import Assessment, Decision, GateEffect, assess
from alpha4.rules.worklist import WorklistRow, build_worklist
from alpha4.store import (
    Database,
    InvalidChange,
    NotFound,
    StoredRecord,
    add_record,
    append_audit,
    audit_head,
    correct_demographics,
    correct_record,
    load_current_records,
    load_patient,
    record_history,
    retract_record,
)
from alpha4.store.audit import entries_for, patients_changed_since
from alpha4.store.chair import InfusionChart, add_chart, charts_of
from alpha4.store.cohort import iter_cohort_chunks
from alpha4.store.errors import InvalidRecord, UnreadablePatient, validation_reason
from alpha4.store.throttle import Limit, release, reserve
from alpha4.store.timeline import demographic_problems, record_kind
from alpha4.store.users import (
    Role,
    UserInfo,
    bump_session_epoch,
    check_credentials,
    create_user,
    deactivate_user,
    list_users,
    needs_rehash,
    reactivate_user,
    rehash_password,
    session_state,
    set_roles,
    user_roles,
)

Clock = Callable[[], dt.datetime]
log = logging.getLogger("alpha4.web")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class GateClosed(Exception):
    """The infusion cannot be recorded: the gate is not go. ``assessment`` says why."""

    def __init__(self, assessment: Assessment) -> None:
        self.assessment = assessment
        super().__init__(f"gate is {assessment.gate.decision.value}: {', '.join(assessment.gate.reasons)}")


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One problem with one submitted field (``field`` is the path inside the record)."""

    field: str
    message: str


class RecordRejected(Exception):
    """A submitted record is not valid; ``problems`` name each field. Nothing was written."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


@dataclass(frozen=True, slots=True)
class SignInLimits:
    """Failed sign-ins allowed per window: per user name, and (much higher: a clinic behind one
    proxy shares an address) per client address."""

    per_user: int
    per_client: int
    window_seconds: int


@dataclass(frozen=True, slots=True)
class SignedIn:
    username: str
    display_name: str
    roles: frozenset[Role]
    epoch: int


class SignInThrottled(Exception):
    """Too many failed sign-ins: wait ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed sign-ins; retry after {retry_after} s")


# --- the cohort's assessments --------------------------------------------------------------------------
class CohortCache:
    """Every patient's assessment on one day, refreshed from the audit log's head."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._day: dt.date | None = None
        self._seq = -1
        self._by_patient: dict[str, Assessment] = {}
        self.indications: dict[str, str] = {}
        self.unassessable: dict[str, str] = {}
        self.ages: dict[str, int] = {}
        """Each assessed patient's age today (for age bands in de-identified lists)."""
        """Patients whose record cannot be assessed today, with the reason (for a data manager)."""
        self._rows: list[WorklistRow] | None = None

    def assessments(self, db: Database, profile: Profile, day: dt.date) -> dict[str, Assessment]:
        with self._lock, db.reading() as session:
            head, _ = audit_head(session=session)
            if self._day != day:
                self._by_patient, self.indications, self.unassessable, self.ages = {}, {}, {}, {}
                for chunk in iter_cohort_chunks(session=session):
                    for item in chunk:
                        self._take(item, day, profile)
                self._rows = None
            elif head != self._seq:
                for pid in patients_changed_since(session=session, seq=self._seq):
                    self._by_patient.pop(pid, None)
                    self.unassessable.pop(pid, None)
                    try:
                        patient = load_patient(session=session, patient_id=pid)
                    except UnreadablePatient as unreadable:
                        self._take(unreadable, day, profile)
                        continue
                    if patient is not None:
                        self._take(patient, day, profile)
                self._rows = None
            self._day, self._seq = day, head
            return self._by_patient

    def _take(self, item: Patient | UnreadablePatient, day: dt.date, profile: Profile) -> None:
        """Assess one patient; one that cannot be assessed is set aside with its reason, never
        taking the rest of the cohort down with it."""
        if isinstance(item, UnreadablePatient):
            self.unassessable[item.patient_id] = item.reason
            return
        try:
            assessment = assess(item, day, profile)
        except Exception as error:  # any one patient's failure is isolated and shown
            log.warning("a patient cannot be assessed: %s", type(error).__name__)  # no patient data
            self.unassessable[item.id] = _failure_reason(error)
            return
        self._remember(item, assessment)
        self.ages[item.id] = item.age_on(day)

    def _remember(self, patient: Patient, assessment: Assessment) -> None:
        self._by_patient[patient.id] = assessment
        ind = patient.indication
        self.indications[patient.id] = (
            "Crohn's disease"
            if ind.disease.value == "crohns_disease"
            else (f"MS ({ind.ms_course.value.upper()})" if ind.ms_course else "MS")
        )

    def worklist(self, db: Database, profile: Profile, day: dt.date) -> list[WorklistRow]:
        by_patient = self.assessments(db, profile, day)
        with self._lock:
            if self._rows is None:
                self._rows = build_worklist(by_patient.values(), include_quiet=True)
            return self._rows


# --- the clinic ------------------------------------------------------------------------------------
class Clinic:
    """The registry, the profile and the clock the app works with."""

    def __init__(
        self,
        db: Database,
        profile: Profile,
        *,
        clock: Clock = utc_now,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.db = db
        self.profile = profile
        self.clock = clock
        self.today = today
        self.cache = CohortCache()
        self.summaries_checked: tuple[dt.date, int, dict[str, str]] | None = None
        """(day, audit head, patients that cannot be assessed) of the last check that every summary is
        for the clinic's day (:func:`alpha4.app.clinic_day.bring_to_day`)."""

    # -- users
    def sign_in(self, username: str, password: str, *, client: str, limits: SignInLimits) -> SignedIn | None:
        """The user when the password is right (the sign-in is audited), None when it is not.

        The attempt first reserves its slot in the throttle (its own short write transaction:
        parallel attempts cannot pass the limit); the argon2 check then runs in a read session,
        holding no write lock; a success releases the reservation. :class:`SignInThrottled` when
        the user name (or, after many more failures, the client address) must wait.
        """
        username = username.strip()
        user_key, client_key = f"user:{username.lower()}", f"client:{client}"
        window = dt.timedelta(seconds=limits.window_seconds)
        with self.db.writing() as session:
            wait = reserve(
                session=session,
                limits=[
                    Limit(user_key, limits.per_user, window),
                    Limit(client_key, limits.per_client, window),
                ],
                now=self.clock(),
            )
        if wait:
            raise SignInThrottled(wait)
        with self.db.reading() as session:
            user = check_credentials(session=session, username=username, password=password)
            if user is None:
                return None  # the reserved slot stays: it is this failure
            roles, epoch = session_state(session=session, username=username)
            found = SignedIn(username, user.display_name, frozenset(roles), epoch)
            rehash = needs_rehash(user)
        with self.db.writing() as session:
            release(session=session, key=user_key, clear=True)
            release(session=session, key=client_key)
            if rehash:
                rehash_password(session=session, username=username, password=password)
            append_audit(
                session=session,
                at=self.clock(),
                actor=username,
                action="session.sign_in",
                entity="user",
                entity_id=username,
            )
        return found

    def sign_out(self, username: str) -> None:
        """End every session and token of the user (the session epoch moves on); audited."""
        with self.db.writing() as session:
            bump_session_epoch(session=session, username=username)
            append_audit(
                session=session,
                at=self.clock(),
                actor=username,
                action="session.sign_out",
                entity="user",
                entity_id=username,
            )

    def session_of(self, username: str) -> tuple[frozenset[Role], int]:
        """The user's roles (none: deactivated or unknown) and session epoch, for every request."""
        with self.db.reading() as session:
            roles, epoch = session_state(session=session, username=username)
        return frozenset(roles), epoch

    def create_user(
        self, username: str, password: str, roles: Iterable[Role], display_name: str | None, *, actor: str
    ) -> None:
        with self.db.writing() as session:
            create_user(
                session=session,
                username=username,
                password=password,
                roles=roles,
                actor=actor,
                at=self.clock(),
                display_name=display_name,
            )

    def users(self) -> list[UserInfo]:
        with self.db.reading() as session:
            return list_users(session=session)

    def deactivate_user(self, username: str, *, actor: str) -> bool:
        """Deactivate ``username`` (False: was already inactive); nobody deactivates themselves."""
        if username == actor:
            raise InvalidChange("you cannot deactivate yourself; ask another admin")
        with self.db.writing() as session:
            return deactivate_user(session=session, username=username, actor=actor, at=self.clock())

    def reactivate_user(self, username: str, *, actor: str) -> bool:
        """Let ``username`` sign in again with the roles they had (False: was already active)."""
        with self.db.writing() as session:
            return reactivate_user(session=session, username=username, actor=actor, at=self.clock())

    def set_roles(self, username: str, roles: Iterable[Role], *, actor: str) -> bool:
        """Give ``username`` exactly ``roles``; nobody changes their own roles (ask another admin)."""
        if username == actor:
            raise InvalidChange("you cannot change your own roles; ask another admin")
        with self.db.writing() as session:
            return set_roles(session=session, username=username, roles=roles, actor=actor, at=self.clock())

    def roles_of(self, username: str) -> frozenset[Role]:
        with self.db.reading() as session:
            return frozenset(user_roles(session=session, username=username))

    # -- reading
    def worklist(self) -> tuple[list[WorklistRow], dict[str, Assessment]]:
        day = self.today()
        rows = self.cache.worklist(self.db, self.profile, day)
        return rows, self.cache.assessments(self.db, self.profile, day)

    def cohort(self) -> list[Patient]:
        """Every patient whose stored record can be read (the unreadable are listed elsewhere)."""
        with self.db.reading() as session:
            return [
                p for chunk in iter_cohort_chunks(session=session) for p in chunk if isinstance(p, Patient)
            ]

    def patient(self, patient_id: str) -> Patient:
        with self.db.reading() as session:
            patient = load_patient(session=session, patient_id=patient_id)
        if patient is None:
            raise NotFound(f"no patient {patient_id!r} in the registry")
        return patient

    def assessment(self, patient: Patient, checklist: PreInfusionChecklist | None = None) -> Assessment:
        return assess(patient, self.today(), self.profile, checklist)

    def records(self, patient_id: str) -> list[StoredRecord]:
        with self.db.reading() as session:
            return load_current_records(session=session, patient_id=patient_id)

    def history(self, patient_id: str, kind: str, record_id: str) -> list[StoredRecord]:
        with self.db.reading() as session:
            versions = record_history(session=session, patient_id=patient_id, kind=kind, record_id=record_id)
        if not versions:
            raise NotFound(f"patient {patient_id} has no {kind} record {record_id!r}")
        return versions

    def change_reasons(self, patient_id: str, kind: str, record_id: str) -> dict[int, str]:
        """The reason given for each corrected or retracted version (from the audit log)."""
        entity_id = f"{patient_id}/{kind}/{record_id}"
        out: dict[int, str] = {}
        with self.db.reading() as session:
            for e in entries_for(session=session, entity_id_prefix=entity_id):
                if e.entity_id != entity_id or not isinstance(e.after, dict):
                    continue
                reason = e.after.get("reason") or e.after.get("retracted")
                version = e.after.get("version")
                if isinstance(reason, str) and isinstance(version, int):
                    out[version] = reason
        return out

    # -- writing timeline records
    def check_new_record(self, patient: Patient, record: BaseModel) -> None:
        """Refuse a record that would make the timeline unfit to assess today (future date, bad unit).

        The registry refuses it too when it is written (``add_record``); checking first lets a form
        show every problem before anything else is asked of the database.
        """
        problems = record_change_problems(
            patient, record_kind(record), record, self.today(), prescriber=False
        )
        if problems:
            raise RecordRejected([FieldProblem(p.field, p.message) for p in problems])

    def add(self, patient_id: str, record: BaseModel, *, actor: str) -> None:
        with self.db.writing() as session:
            patient = load_patient(session=session, patient_id=patient_id)
            if patient is None:
                raise NotFound(f"no patient {patient_id!r} in the registry")
            with _rejected():
                add_record(
                    session=session,
                    patient_id=patient_id,
                    record=record,
                    actor=actor,
                    at=self.clock(),
                    today=self.today(),
                )

    def correct(
        self,
        patient_id: str,
        record: BaseModel,
        *,
        version: int,
        reason: str,
        actor: str,
        prescriber: bool = False,
    ) -> int:
        """A new version of a record. An infusion keeps its date unless a prescriber moves it (with
        the reason), and never to today or later: a new infusion comes only through the gate."""
        with self.db.writing() as session:
            patient = load_patient(session=session, patient_id=patient_id)
            if patient is None:
                raise NotFound(f"no patient {patient_id!r} in the registry")
            with _rejected():
                return correct_record(
                    session=session,
                    patient_id=patient_id,
                    record=record,
                    expected_version=version,
                    actor=actor,
                    at=self.clock(),
                    today=self.today(),
                    prescriber=prescriber,
                    reason=reason,
                )

    def correct_demographics(
        self, patient_id: str, changes: dict[str, Any], *, version: int, reason: str, actor: str
    ) -> int:
        """A new version of the patient's demographics; refused if it makes the timeline unfit
        to assess today (a birth date in the future)."""
        with self.db.writing() as session:
            new = correct_demographics(
                session=session,
                patient_id=patient_id,
                changes=changes,
                expected_version=version,
                actor=actor,
                at=self.clock(),
                reason=reason,
            )
            patient = load_patient(session=session, patient_id=patient_id)
            problems = [
                FieldProblem(p.field, p.message)
                for p in (demographic_problems(patient, self.today()) if patient else [])
            ]
            if problems:
                raise RecordRejected(problems)
            return new

    def retract(
        self, patient_id: str, kind: str, record_id: str, *, version: int, reason: str, actor: str
    ) -> int:
        with self.db.writing() as session:
            return retract_record(
                session=session,
                patient_id=patient_id,
                kind=kind,
                record_id=record_id,
                reason=reason,
                expected_version=version,
                actor=actor,
                at=self.clock(),
            )

    # -- the pre-infusion visit
    def _visit_key(self, patient_id: str, day: dt.date) -> str:
        return f"{patient_id}/checklist/{day.isoformat()}"

    def _visit(self, session: Session, patient_id: str, day: dt.date) -> PreInfusionChecklist | None:
        answers: dict[str, Any] | None = None
        clearances: dict[str, Clearance] = {}
        for entry in entries_for(session=session, entity_id_prefix=self._visit_key(patient_id, day)):
            if entry.action == "checklist.record" and isinstance(entry.after, dict):
                answers = dict(entry.after)
            elif entry.action == "checklist.clear" and isinstance(entry.after, dict):
                c = Clearance.model_validate(entry.after)
                clearances[c.code] = c
            elif entry.action == "checklist.close":
                answers, clearances = None, {}
        if answers is None:
            return None
        return PreInfusionChecklist.model_validate({**answers, "clearances": tuple(clearances.values())})

    def visit(self, patient_id: str) -> PreInfusionChecklist | None:
        """Today's screening answers with the prescriber's clearances (None: not asked yet)."""
        with self.db.reading() as session:
            return self._visit(session, patient_id, self.today())

    def record_checklist(self, patient_id: str, checklist: PreInfusionChecklist, *, actor: str) -> None:
        day = self.today()
        answers = checklist.model_dump(mode="json", exclude={"clearances"})
        answers["date"] = day.isoformat()
        with self.db.writing() as session:
            if load_patient(session=session, patient_id=patient_id) is None:
                raise NotFound(f"no patient {patient_id!r} in the registry")
            append_audit(
                session=session,
                at=self.clock(),
                actor=actor,
                action="checklist.record",
                entity="checklist",
                entity_id=self._visit_key(patient_id, day),
                after=answers,
            )

    def clear(self, patient_id: str, code: str, reason: str, *, prescriber: str) -> None:
        """Record a prescriber's clearance of one reason of today's hold (or an overridable stop)."""
        day = self.today()
        with self.db.writing() as session:
            patient = load_patient(session=session, patient_id=patient_id)
            if patient is None:
                raise NotFound(f"no patient {patient_id!r} in the registry")
            visit = self._visit(session, patient_id, day)
            if visit is None:
                raise InvalidChange("answer the screening questions before a clearance")
            a = assess(patient, day, self.profile, visit)
            f = next((f for f in a.findings if f.code == code and f.gate is not GateEffect.NONE), None)
            if f is None or code not in a.gate.reasons:
                raise InvalidChange(f"{code} is not a reason of today's gate")
            if f.gate is GateEffect.STOP and not f.overridable:
                raise InvalidChange(f"{code} stops treatment; the label allows no override")
            clearance = Clearance(code=code, reason=reason, prescriber=prescriber)
            append_audit(
                session=session,
                at=self.clock(),
                actor=prescriber,
                action="checklist.clear",
                entity="checklist",
                entity_id=self._visit_key(patient_id, day),
                after=clearance.model_dump(mode="json"),
            )

    def signature_matches(self, username: str, password: str) -> bool:
        """Whether ``password`` is the signed-in user's own (a signature by re-entering it).

        The argon2 check runs in a read session (no write lock held); it is slow on purpose, so a
        signature box is no faster way to guess a password than the sign-in page.
        """
        with self.db.reading() as session:
            return check_credentials(session=session, username=username, password=password) is not None

    def charts(self, patient_id: str) -> dict[str, InfusionChart]:
        with self.db.reading() as session:
            return charts_of(session=session, patient_id=patient_id)

    def record_infusion(
        self, patient_id: str, infusion: Infusion, *, actor: str, chart: dict[str, Any] | None = None
    ) -> Assessment:
        """Record today's infusion if, and only if, the gate says go (checked in the same transaction),
        with the nurse's signed chair-side chart (``chart``) in that transaction too."""
        day = self.today()
        if infusion.date != day:
            raise RecordRejected(
                [FieldProblem("date", f"an infusion is recorded on the day it is given ({day})")]
            )
        with self.db.writing() as session:
            patient = load_patient(session=session, patient_id=patient_id)
            if patient is None:
                raise NotFound(f"no patient {patient_id!r} in the registry")
            visit = self._visit(session, patient_id, day)
            before = assess(patient, day, self.profile, visit)
            if visit is None or before.gate.decision is not Decision.GO:
                raise GateClosed(before)
            with _rejected():
                add_record(
                    session=session,
                    patient_id=patient_id,
                    record=infusion,
                    actor=actor,
                    at=self.clock(),
                    today=day,
                )
            if chart is not None:
                gate = before.gate
                add_chart(
                    session=session,
                    patient_id=patient_id,
                    infusion_id=infusion.id,
                    chart={
                        **chart,
                        "gate": {
                            "decision": gate.decision.value,
                            "headline": gate.headline,
                            "reasons": list(gate.reasons),
                            "cleared": [c.model_dump(mode="json") for c in gate.cleared],
                        },
                    },
                    signed_by=actor,
                    at=self.clock(),
                )
            append_audit(
                session=session,
                at=self.clock(),
                actor=actor,
                action="checklist.close",
                entity="checklist",
                entity_id=self._visit_key(patient_id, day),
                after={"infusion": infusion.id},
            )
            return before


@contextlib.contextmanager
def _rejected() -> Iterator[None]:
    """The registry's refusal of a record, as the field problems a form shows next to its fields."""
    try:
        yield
    except InvalidRecord as error:
        raise RecordRejected([FieldProblem(p.field, p.message) for p in error.problems]) from None


def _failure_reason(error: Exception) -> str:
    """Why the rules could not assess a record, for a data manager (shown, never logged)."""
    if isinstance(error, ValidationError):
        return validation_reason(error)
    return f"{type(error).__name__}: {error}"[:500]


def validation_problems(error: ValidationError) -> list[FieldProblem]:
    return [
        FieldProblem(
            ".".join(str(p) for p in e["loc"]) or "(record)", str(e["msg"]).removeprefix("Value error, ")
        )
        for e in error.errors()
    ]


def unique_ids(existing: Iterable[str], prefix: str, day: dt.date) -> str:
    """A record id not used yet: ``<prefix>-<yyyymmdd>-<n>``.

    >>> unique_ids(["inf-20261125-1"], "inf", dt.date(2026, 11, 25))
    'inf-20261125-2'
    """
    used = set(existing)
    n = 1
    while f"{prefix}-{day:%Y%m%d}-{n}" in used:
        n += 1
    return f"{prefix}-{day:%Y%m%d}-{n}"
