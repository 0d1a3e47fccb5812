"""The web application's own settings (``ALPHA4_WEB_*``), validated once when the app is built.

The registry's settings (database URL) stay in :mod:`alpha4.settings`; this object adds what only
the web edge needs: the key that signs session cookies, cookie flags, sign-in throttling and the
profile (US label or EU SmPC) the rules run under.
"""

from __future__ import annotations

import secrets
import zoneinfo
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ALPHA4_WEB_", extra="ignore", frozen=True)

    secret_key: str = Field(
        default="",
        description="Signs session cookies and CSRF tokens; at least 32 characters. Empty: a random "
        "key for this process only (every restart signs everyone out).",
    )
    cookie_secure: bool = Field(default=True, description="Send cookies over HTTPS only (localhost excepted)")
    session_minutes: int = Field(default=8 * 60, ge=5, le=24 * 60)
    token_minutes: int = Field(default=60, ge=5, le=24 * 60)
    profile: Literal["us", "eu"] = "us"
    login_max_failures: int = Field(
        default=5, ge=1, le=100, description="Failed sign-ins per user name and window"
    )
    login_client_max_failures: int = Field(
        default=50,
        ge=1,
        le=10_000,
        description="Failed sign-ins per client address and window (a clinic "
        "behind one proxy shares an address: much higher than per user name)",
    )
    login_window_seconds: int = Field(default=15 * 60, ge=10)
    warm_cache: bool = Field(
        default=True,
        description="Bring the summaries up to today in the background at start-up (reads nothing "
        "when they are current)",
    )
    time_zone: str = Field(
        default="UTC",
        description="The clinic's time zone (IANA name, e.g. 'Europe/Berlin'): times are shown in it "
        "and 'today' is its day",
    )
    date_format: Literal["iso", "dmy", "mdy"] = Field(
        default="iso", description="Dates as 2026-12-02 (iso), 02.12.2026 (dmy) or 12/02/2026 (mdy)"
    )
    page_size: int = Field(default=50, ge=10, le=500, description="Patients per worklist page")
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="Largest request body (a form, one record): larger is 413"
    )
    max_bundle_body_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Largest CDS Hooks request (prefetched FHIR bundles)"
    )

    @model_validator(mode="after")
    def _known_time_zone(self) -> WebSettings:
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"ALPHA4_WEB_TIME_ZONE {self.time_zone!r} is not a known time zone") from None
        return self

    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @model_validator(mode="after")
    def _key_long_enough(self) -> WebSettings:
        if self.secret_key and len(self.secret_key) < 32:
            raise ValueError("ALPHA4_WEB_SECRET_KEY needs at least 32 characters")
        return self

    def signing_key(self) -> bytes:
        return self.secret_key.encode("utf-8") if self.secret_key else _PROCESS_KEY


_PROCESS_KEY = secrets.token_bytes(32)
