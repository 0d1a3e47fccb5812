"""The registry: the patient timeline, users and the audit log in SQLite or PostgreSQL.

Imports only :mod:`alpha4.domain` (and settings); rules and the CLI sit above it.
"""

from . import appointments, chair, identity, throttle  # noqa: F401  (every table is on Base.metadata, whoever imports the store)
from .audit import AuditBreak, append_audit, audit_head, patients_changed_since, verify_audit_chain
from .cohort import count_patients, iter_cohort_chunks, iter_patient_chunks, iter_patients
from .engine import Database, redact, sqlalchemy_url
from .errors import (
    ConflictError,
    DatabaseUnavailable,
    InvalidChange,
    NotFound,
    SchemaOutOfDate,
    StoreError,
    UnreadablePatient,
)
from .migrate import current_revision, head_revision, require_current, upgrade
from .timeline import (
    KINDS,
    PutOutcome,
    PutResult,
    StoredRecord,
    add_record,
    correct_demographics,
    correct_record,
    load_current_records,
    load_patient,
    put_patients,
    record_history,
    retract_record,
)
from .users import (
    Role,
    UserInfo,
    create_user,
    deactivate_user,
    list_users,
    reactivate_user,
    set_password,
    set_roles,
    user_roles,
    verify_password,
)

__all__ = [
    "KINDS",
    "AuditBreak",
    "ConflictError",
    "Database",
    "DatabaseUnavailable",
    "InvalidChange",
    "NotFound",
    "PutOutcome",
    "PutResult",
    "Role",
    "SchemaOutOfDate",
    "StoreError",
    "StoredRecord",
    "UnreadablePatient",
    "UserInfo",
    "add_record",
    "append_audit",
    "audit_head",
    "correct_demographics",
    "correct_record",
    "count_patients",
    "create_user",
    "current_revision",
    "deactivate_user",
    "head_revision",
    "iter_cohort_chunks",
    "iter_patient_chunks",
    "iter_patients",
    "list_users",
    "load_current_records",
    "load_patient",
    "patients_changed_since",
    "put_patients",
    "reactivate_user",
    "record_history",
    "redact",
    "require_current",
    "retract_record",
    "set_password",
    "set_roles",
    "sqlalchemy_url",
    "upgrade",
    "user_roles",
    "verify_audit_chain",
    "verify_password",
]
