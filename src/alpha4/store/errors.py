"""What can go wrong with the registry, each as one clear message (never a traceback for the user)."""

from __future__ import annotations


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
