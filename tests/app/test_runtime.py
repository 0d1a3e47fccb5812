"""The server's heap freeze: the start-up objects leave the collections while the app runs, and
come back to the collector when it stops."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from alpha4.app.cds_app import create_cds_app
from alpha4.app.cds_routes import CdsSettings


def test_the_lifespan_freezes_the_start_up_heap_and_thaws_it_at_shutdown() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    with TestClient(create_cds_app(CdsSettings(demo=True))) as client:
        assert gc.get_freeze_count() > 10_000  # the imported models, schemas and knowledge base
        assert client.get("/cds-services").status_code == 200
    assert gc.get_freeze_count() == 0
