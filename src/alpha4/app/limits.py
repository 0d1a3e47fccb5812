"""Request body limits: a body larger than its route's limit is answered 413, never read whole.

A CDS Hooks call may carry prefetched FHIR bundles (10 MB by default); every other body is a form
or one record (1 MB). ``Content-Length`` is checked before the app runs; a chunked body without
one is counted as it arrives and cut off at the limit, so a client cannot make the server buffer
an unbounded body.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LARGE_BODY_PREFIXES = ("/cds-services",)


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int, max_large_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_large_bytes = max_large_bytes

    def limit_for(self, path: str) -> int:
        return self.max_large_bytes if path.startswith(LARGE_BODY_PREFIXES) else self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        length = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = -1
            if declared < 0 or declared > limit:
                await _too_large(scope, send, limit)
                return
        seen = 0
        started = refused = False

        async def counting_receive() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    refused = True
                    if not started:
                        await _too_large(scope, send, limit)
                    return {"type": "http.disconnect"}  # the app stops reading; its answer is dropped
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counting_receive, tracking_send)


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    detail = f"the request body is larger than {limit:,} bytes"
    if scope["path"].startswith(("/api/", *LARGE_BODY_PREFIXES)):
        body, kind = json.dumps({"detail": detail}).encode(), b"application/json"
    else:
        body = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Too large</title></head>'
            f'<body><h1>Too large</h1><p>Not saved: {detail}.</p><p><a href="/">Back</a></p></body></html>'
        ).encode()
        kind = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
