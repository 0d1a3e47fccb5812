"""REST bodies are read as every alpha4 path reads JSON: a key given twice, or NaN, is refused (422).

FastAPI's parser keeps the last of two equal keys; the import, the command line and the FHIR reader
refuse them (:mod:`alpha4.domain.json_text`). So that a REST client cannot send a record that another
reader would see differently, the API's JSON bodies are checked before the route reads them. The body
is already bounded by :class:`~alpha4.app.limits.BodyLimit` (1 MB), so buffering it here is cheap.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alpha4.domain.json_text import JsonRefused, strict_loads

CHECKED_PREFIXES = ("/api/",)
_WRITES = frozenset({"POST", "PUT", "PATCH"})


class StrictJson:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in _WRITES
            or not scope["path"].startswith(CHECKED_PREFIXES)
            or not _is_json(scope)
        ):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away (or the body limit cut it off)
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            strict_loads(body)
        except JsonRefused as error:
            await _refused(send, str(error))
            return
        except (ValueError, RecursionError):
            pass  # not JSON at all: the route's own parser answers 422 with its usual message
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _is_json(scope: Scope) -> bool:
    kind = next((v for k, v in scope.get("headers", []) if k == b"content-type"), b"")
    return kind.split(b";")[0].strip().lower().endswith(b"json")


async def _refused(send: Send, message: str) -> None:
    body = json.dumps({"detail": [{"loc": ["body"], "msg": message, "type": "json_invalid"}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
