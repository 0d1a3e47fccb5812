"""The date-text check the domain reads every stored date through agrees with its ISO pattern."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from alpha4.domain.base import _ISO_DATE, _is_iso_date_text

_NEAR_DATES = st.text(alphabet="0123456789-+ /T:Z\n٣²x", min_size=0, max_size=12)


@given(st.one_of(_NEAR_DATES, st.text(max_size=12), st.dates().map(str)))
def test_agrees_with_the_pattern(text: str) -> None:
    text = text.strip()  # the domain strips before it checks
    assert _is_iso_date_text(text) == bool(_ISO_DATE.match(text))


def test_examples() -> None:
    assert _is_iso_date_text("2024-02-29")
    for bad in ("2024-2-29", "20240229", "2024-02-29T00:00", "٢٠٢٤-02-29", "2024²02-29", "+024-02-29"):
        assert not _is_iso_date_text(bad)
