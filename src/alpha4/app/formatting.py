"""How pages write dates, times, ages and finding codes: one format throughout, the clinic's zone.

Registered as Jinja filters by :func:`install`: ``date`` (the site's date format), ``datetime``
(an instant in the clinic's time zone, never UTC), ``age`` and ``code_title`` (the finding's
title, so buttons say "Clear: Anti-JCV antibody status unknown", with the code in small type
beside it for those who look codes up).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.templating import Jinja2Templates

from alpha4.rules.codes import CODES

from .config import WebSettings

PATTERNS = {"iso": "%Y-%m-%d", "dmy": "%d.%m.%Y", "mdy": "%m/%d/%Y"}


def format_date(value: Any, style: str = "iso") -> str:
    """A date in the site's format; text that is not a date passes through (``—`` for none).

    >>> format_date(dt.date(2026, 12, 2), "dmy"), format_date("2026-12-02", "mdy"), format_date(None)
    ('02.12.2026', '12/02/2026', '—')
    """
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime(PATTERNS.get(style, PATTERNS["iso"]))
    return str(value)


def format_datetime(value: dt.datetime | None, web: WebSettings) -> str:
    """An instant in the clinic's time zone, with the zone's abbreviation."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone(web.zone())
    return f"{format_date(local.date(), web.date_format)} {local:%H:%M} {local.tzname() or ''}".strip()


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years on ``day``.

    >>> age_on(dt.date(1990, 12, 3), dt.date(2026, 12, 2))
    35
    """
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def code_title(code: str) -> str:
    """The finding's title (the code itself when alpha4 does not know it)."""
    spec = CODES.get(code)
    return spec.title if spec is not None else code.replace("_", " ").capitalize()


def install(templates: Jinja2Templates, web: WebSettings) -> None:
    env = templates.env
    env.filters["date"] = lambda v: format_date(v, web.date_format)
    env.filters["datetime"] = lambda v: format_datetime(v, web)
    env.filters["code_title"] = code_title
    env.globals["age_on"] = age_on
    env.globals["date_style"] = web.date_format
    env.globals["timedelta"] = dt.timedelta
