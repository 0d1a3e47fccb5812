"""Verify the JWT a CDS client sends (CDS Hooks 2.0, "Trusting CDS Clients").

Checks, in order: the header (``typ`` JWT, ``kid``, an asymmetric ``alg``: never
``none`` or HMAC), the issuer against the allow-list, the ``jku`` against the
issuer's allowed JWKS URLs, the signature against the issuer's key ``kid``, then
``aud`` (the exact URL called), ``exp``, ``iat`` and ``jti`` (replays refused).
The key set is handed in by a callable, so this module does no I/O and the clock
is a parameter.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt
from jwt.exceptions import InvalidTokenError, PyJWKError, PyJWTError

ALLOWED_ALGORITHMS = frozenset(
    {"ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}
)
_KEY_TYPE = {"ES": "EC", "RS": "RSA", "PS": "RSA"}
MAX_LIFETIME_SECONDS = 300  # the specification: exp no more than 5 minutes after issue
LEEWAY_SECONDS = 60


class AuthError(Exception):
    """The token is missing or not acceptable; the message says why (sent back with 401)."""


@dataclass(frozen=True, slots=True)
class TrustedIssuer:
    """A CDS client alpha4 trusts: its ``iss``, and its key set inline or at allowed URLs."""

    iss: str
    jwks_url: str | None = None
    jwks: Mapping[str, Any] | None = None
    allowed_jku: tuple[str, ...] = ()


JwksLookup = Callable[[TrustedIssuer, str | None], Mapping[str, Any]]


def inline_jwks(issuer: TrustedIssuer, jku: str | None) -> Mapping[str, Any]:
    """Key set given in configuration (no fetching)."""
    if issuer.jwks is None:
        raise AuthError(f"no key set configured for issuer {issuer.iss!r}")
    return issuer.jwks


@dataclass
class ReplayCache:
    """``jti`` values seen, kept until their token expires (thread-safe)."""

    seen: dict[tuple[str, str], float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check_and_add(self, iss: str, jti: str, exp: float, now: float) -> None:
        with self.lock:
            for key in [k for k, until in self.seen.items() if until + LEEWAY_SECONDS < now]:
                del self.seen[key]
            if (iss, jti) in self.seen:
                raise AuthError("jti has been used before (replay)")
            self.seen[(iss, jti)] = exp


def verify(
    token: str,
    *,
    audience: str | tuple[str, ...],
    issuers: Mapping[str, TrustedIssuer],
    jwks: JwksLookup,
    replay: ReplayCache,
    now: float,
) -> dict[str, Any]:
    """The token's claims, or AuthError with the reason."""
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except InvalidTokenError as error:
        raise AuthError(f"not a JWT: {error}") from None
    alg = header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        raise AuthError(f"alg {alg!r} is not accepted (asymmetric algorithms only)")
    if header.get("typ") != "JWT":
        raise AuthError("header typ must be 'JWT'")
    kid = header.get("kid")
    if not kid:
        raise AuthError("header kid is required")
    iss = unverified.get("iss")
    issuer = issuers.get(iss) if isinstance(iss, str) else None
    if issuer is None:
        raise AuthError(f"issuer {iss!r} is not trusted")
    jku = header.get("jku")
    if jku is not None and jku not in issuer.allowed_jku and jku != issuer.jwks_url:
        raise AuthError(f"jku {jku!r} is not allowed for issuer {iss!r}")
    keys = jwks(issuer, jku)
    key_data = next((k for k in keys.get("keys", []) if isinstance(k, dict) and k.get("kid") == kid), None)
    if key_data is None:
        raise AuthError(f"no key {kid!r} in the issuer's key set")
    if key_data.get("kty") != _KEY_TYPE[str(alg)[:2]] or key_data.get("alg", alg) != alg:
        raise AuthError(
            f"alg {alg!r} does not match key {kid!r} ({key_data.get('kty')}, {key_data.get('alg')})"
        )
    try:
        key = jwt.PyJWK(dict(key_data), algorithm=alg).key
        audiences = (audience,) if isinstance(audience, str) else audience
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[alg],
            audience=list(audiences),
            issuer=iss,
            options={
                "require": ["iss", "aud", "exp", "iat", "jti"],
                "verify_exp": False,
                "verify_iat": False,
            },
        )
    except (PyJWTError, PyJWKError, ValueError, TypeError) as error:  # a key that cannot verify: refused too
        raise AuthError(f"token rejected: {error}") from None
    exp, iat = claims["exp"], claims["iat"]
    if not isinstance(exp, int | float) or not isinstance(iat, int | float):
        raise AuthError("exp and iat must be numbers")
    if exp + LEEWAY_SECONDS < now:
        raise AuthError("token has expired")
    if iat - LEEWAY_SECONDS > now:
        raise AuthError("token is issued in the future")
    if exp - now > MAX_LIFETIME_SECONDS + LEEWAY_SECONDS:
        raise AuthError("exp is more than 5 minutes ahead")
    replay.check_and_add(str(iss), str(claims["jti"]), float(exp), now)
    return claims
