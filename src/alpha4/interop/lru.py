"""A small thread-safe least-recently-used map, for results that are pure functions of their key.

alpha4 keeps two such caches on the CDS Hooks path: validated FHIR models by the resource's exact
JSON (:data:`alpha4.interop.fhir_in.VALIDATED`) and hook-call evaluations by the digest of what
they depend on (:class:`alpha4.interop.cds.EvaluationCache`). The values are never changed after
they are stored, so one may serve several threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """At most ``size`` entries; a lookup refreshes an entry, the least recently used goes first.

    >>> cache: LruCache[str, int] = LruCache(2)
    >>> cache.put("a", 1); cache.put("b", 2); _ = cache.get("a"); cache.put("c", 3)
    >>> cache.get("b") is None, cache.get("a"), (cache.hits, cache.misses)
    (True, 1, (2, 1))
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[K, V] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: K) -> V | None:
        with self.lock:
            found = self.items.get(key)
            if found is None:
                self.misses += 1
            else:
                self.hits += 1
                self.items.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
