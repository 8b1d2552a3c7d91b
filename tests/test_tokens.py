"""Signed device tokens: only what the server issued verifies."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from indicator import tokens

KEY, OTHER = b"k" * 32, b"o" * 32


def test_issued_token_verifies_to_its_id_and_only_with_its_key():
    token = tokens.issue(KEY)
    value = tokens.verify(KEY, token)
    assert value == token.split(".")[0] and len(value) == 22
    assert tokens.verify(OTHER, token) is None
    assert tokens.issue(KEY) != token


def test_a_changed_id_or_signature_does_not_verify():
    value, signature = tokens.issue(KEY).split(".")
    flipped = ("A" if value[0] != "A" else "B") + value[1:]
    assert tokens.verify(KEY, f"{flipped}.{signature}") is None
    assert tokens.verify(KEY, f"{value}.{tokens.sign(OTHER, value)}") is None


@given(st.one_of(st.none(), st.integers(), st.text(max_size=80)))
def test_anything_else_is_refused(token):
    assert tokens.verify(KEY, token) is None
