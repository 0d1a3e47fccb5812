"""Process-level tuning for a long-running server.

A full garbage collection walks every tracked object. After start-up that is mostly what the
imports made (the FHIR R4 models, the pydantic schemas, the knowledge base): hundreds of
thousands of objects that live as long as the process. A full collection over them took up to
60 ms, and it lands on whichever request happens to allocate at the time: the slow tail of the
CDS Hooks latency. Freezing the start-up heap takes those objects out of every later collection
(the technique CPython documents for servers, :func:`gc.freeze`); cycles made later are still
collected. The application's lifespan freezes at start-up and thaws at shutdown, so a process that
runs several applications in turn (the tests) still collects what the earlier ones left.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """Collect once, then move every surviving object to the permanent generation."""
    gc.collect()
    gc.freeze()


def thaw_heap() -> None:
    """Give the frozen objects back to the collector (at shutdown)."""
    gc.unfreeze()
