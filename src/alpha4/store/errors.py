"""What can go wrong with the registry, each as one clear message (never a traceback for the user)."""

from __future__ import annotations

from collections.abc import Sequence

from alpha4.domain.validation import Problem


class StoreError(Exception):
    """Base of every registry error; ``str(error)`` is the message shown to the user."""


class DatabaseUnavailable(StoreError):
    """The database cannot be reached or opened; the message names the URL without its password."""


class SchemaOutOfDate(StoreError):
    """The database's schema is not the one this alpha4 expects (run ``alpha4 db upgrade``)."""


class ConflictError(StoreError):
    """Someone else changed the record since it was read (optimistic locking); re-read and retry."""


class NotFound(StoreError):
    """No such patient or record."""


class InvalidChange(StoreError):
    """A change would leave the patient's timeline invalid; nothing was written."""


class InvalidRecord(InvalidChange):
    """A record to add or correct is refused, each problem naming its field inside the record."""

    def __init__(self, entity: str, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{entity}: " + "; ".join(str(p) for p in self.problems))


class UnreadablePatient(StoreError):
    """A stored timeline no longer passes the domain's checks (e.g. written before a bound was added).

    The patient is listed as "cannot be assessed" with this reason for a data manager to correct;
    the rest of the registry answers as usual.
    """

    def __init__(self, patient_id: str, reason: str) -> None:
        self.patient_id = patient_id
        self.reason = reason
        super().__init__(f"patient {patient_id} cannot be assessed: {reason}")


def validation_reason(error: Exception, limit: int = 3) -> str:
    """A short reason from a validation error: the first problems, each with its field."""
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return type(error).__name__
    items = [f"{'.'.join(str(p) for p in e['loc']) or '(record)'}: {e['msg']}" for e in errors()]
    more = f" (and {len(items) - limit} more)" if len(items) > limit else ""
    return "; ".join(items[:limit]) + more
