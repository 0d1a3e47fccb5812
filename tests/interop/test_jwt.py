"""JWT verification with the specification's own example token and key, and with fresh keys."""

from __future__ import annotations

import time
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from alpha4.interop.jwt import AuthError, ReplayCache, TrustedIssuer, inline_jwks, verify

from .conftest import DATA, spec

SPEC_AUD = "https://cds.example.org/cds-services/some-service"
SPEC_ISS = "https://fhir-ehr.example.com/"
SPEC_TOKEN = (DATA / "cds-hooks" / "jwt-example.txt").read_text().strip()


def spec_issuer(**extra: Any) -> dict[str, TrustedIssuer]:
    return {
        SPEC_ISS: TrustedIssuer(
            SPEC_ISS,
            jwks=spec("jwks-public.json"),
            allowed_jku=("https://fhir-ehr.example.com/jwk_uri",),
            **extra,
        )
    }


def check(
    token: str,
    *,
    issuers: dict[str, TrustedIssuer],
    now: float,
    aud: str = SPEC_AUD,
    replay: ReplayCache | None = None,
) -> dict[str, Any]:
    return verify(
        token, audience=aud, issuers=issuers, jwks=inline_jwks, replay=replay or ReplayCache(), now=now
    )


def test_spec_example_token_verifies_at_its_own_time() -> None:
    payload = spec("jwt-payload.json")
    claims = check(SPEC_TOKEN, issuers=spec_issuer(), now=payload["exp"] - 120)
    assert claims["jti"] == payload["jti"]


def test_spec_example_token_is_expired_today() -> None:
    with pytest.raises(AuthError, match="expired"):
        check(SPEC_TOKEN, issuers=spec_issuer(), now=time.time())


def test_replay_is_refused() -> None:
    replay = ReplayCache()
    now = spec("jwt-payload.json")["exp"] - 120
    check(SPEC_TOKEN, issuers=spec_issuer(), now=now, replay=replay)
    with pytest.raises(AuthError, match="replay"):
        check(SPEC_TOKEN, issuers=spec_issuer(), now=now, replay=replay)


def test_wrong_audience_untrusted_issuer_and_jku() -> None:
    now = spec("jwt-payload.json")["exp"] - 120
    with pytest.raises(AuthError, match=r"(?i)audience"):
        check(SPEC_TOKEN, issuers=spec_issuer(), now=now, aud="https://cds.example.org/cds-services/other")
    with pytest.raises(AuthError, match="not trusted"):
        check(SPEC_TOKEN, issuers={}, now=now)
    strict = {SPEC_ISS: TrustedIssuer(SPEC_ISS, jwks=spec("jwks-public.json"))}
    with pytest.raises(AuthError, match="jku"):
        check(SPEC_TOKEN, issuers=strict, now=now)


def fresh(**claims: Any) -> tuple[str, dict[str, TrustedIssuer]]:
    key = ec.generate_private_key(ec.SECP384R1())
    public = pyjwt.algorithms.ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
    public.update(kid="k1", alg="ES384", use="sig")
    now = int(time.time())
    body = {"iss": "https://ehr.test", "aud": SPEC_AUD, "iat": now, "exp": now + 240, "jti": "j1", **claims}
    token = pyjwt.encode(body, key, algorithm="ES384", headers={"kid": "k1", "typ": "JWT"})
    return token, {"https://ehr.test": TrustedIssuer("https://ehr.test", jwks={"keys": [public]})}


def test_fresh_token_and_lifetime_limit() -> None:
    token, issuers = fresh()
    assert check(token, issuers=issuers, now=time.time())["iss"] == "https://ehr.test"
    token, issuers = fresh(exp=int(time.time()) + 3600)
    with pytest.raises(AuthError, match="5 minutes"):
        check(token, issuers=issuers, now=time.time())


def test_none_and_hmac_are_refused() -> None:
    _, issuers = fresh()
    body = {"iss": "https://ehr.test", "aud": SPEC_AUD, "iat": 1, "exp": 2, "jti": "x"}
    unsigned = pyjwt.encode(body, None, algorithm="none", headers={"kid": "k1", "typ": "JWT"})
    with pytest.raises(AuthError, match="alg"):
        check(unsigned, issuers=issuers, now=time.time())
    hmac = pyjwt.encode(
        body, "a-shared-secret-of-at-least-32-bytes!", algorithm="HS256", headers={"kid": "k1", "typ": "JWT"}
    )
    with pytest.raises(AuthError, match="alg"):
        check(hmac, issuers=issuers, now=time.time())
    with pytest.raises(AuthError, match="not a JWT"):
        check("not.a.jwt", issuers=issuers, now=time.time())
