"""A minimal FastAPI application serving only the CDS Hooks routes.

The full web application (``alpha4.app.main``) mounts :func:`create_cds_router`
itself; this factory serves tests, the benchmark and a stand-alone CDS service.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .cds_routes import AuditSink, CdsSettings, JwksFetcher, create_cds_router
from .runtime import freeze_startup_heap, thaw_heap


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    freeze_startup_heap()
    yield
    thaw_heap()


def create_cds_app(
    settings: CdsSettings,
    *,
    audit: AuditSink | None = None,
    jwks: JwksFetcher | None = None,
    cors_origins: tuple[str, ...] = (),
) -> FastAPI:
    """FastAPI app with /cds-services (and CORS for the listed browser origins only)."""
    app = FastAPI(title="alpha4 CDS Hooks service", version="2.0", lifespan=_lifespan)
    app.include_router(create_cds_router(settings, audit=audit, jwks=jwks))
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    return app
