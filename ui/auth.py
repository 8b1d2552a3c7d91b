"""Coordinator sign-in with a hashed passphrase, and optional per-village upload codes.

The passphrase is never stored in clear text. Its hash (``pbkdf2_sha256$<iterations>$<salt>$<hash>``,
salt and hash in base64) comes from ``st.secrets["coordinator_passphrase_hash"]`` or the environment
variable ``ALYKYLA_COORDINATOR_HASH``. Make one with::

    python -m ui.auth hash            # asks for the passphrase twice, prints the hash

Development only: when neither is set and ``ALYKYLA_DEV_PASSPHRASE`` is given, that passphrase works.
With none of the three, nobody can sign in.

Per-village upload codes (optional): ``[upload_codes]`` in secrets, village name -> hash (same format),
or ``ALYKYLA_UPLOAD_CODES`` as JSON ``{"Village": "<hash>"}``. A village without a code needs none.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from indicator.registry import find

if TYPE_CHECKING:
    from indicator.storage.limits import Limits

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000


def hash_passphrase(passphrase: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """A PBKDF2-SHA256 hash of ``passphrase`` as one text: algorithm, iterations, salt and hash."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", passphrase.encode("utf-8"), salt, iterations)
    b64 = base64.b64encode
    return f"{ALGORITHM}${iterations}${b64(salt).decode()}${b64(digest).decode()}"


def verify(passphrase: str, encoded: str) -> bool:
    """True when ``passphrase`` matches ``encoded`` (constant-time compare); a malformed hash is False."""
    try:
        algorithm, iterations, salt, expected = encoded.strip().split("$")
        if algorithm != ALGORITHM:
            return False
        digest = hashlib.pbkdf2_hmac(
            "sha256", passphrase.encode("utf-8"), base64.b64decode(salt), int(iterations)
        )
        return hmac.compare_digest(digest, base64.b64decode(expected))
    except (ValueError, TypeError):
        return False


def _secret(name: str) -> object | None:
    """A value from ``st.secrets``, or None when there is no secrets file or no such key."""
    try:
        return st.secrets.get(name)
    except (FileNotFoundError, KeyError, AttributeError, st.errors.StreamlitSecretNotFoundError):
        return None


def coordinator_hash() -> str | None:
    """The configured coordinator hash (secrets first, then the environment)."""
    value = _secret("coordinator_passphrase_hash") or os.environ.get("ALYKYLA_COORDINATOR_HASH")
    return str(value) if value else None


def check_coordinator(passphrase: str) -> bool:
    """True when ``passphrase`` is the coordinator passphrase."""
    if not passphrase:
        return False
    encoded = coordinator_hash()
    if encoded:
        return verify(passphrase, encoded)
    dev = os.environ.get("ALYKYLA_DEV_PASSPHRASE")
    return bool(dev) and hmac.compare_digest(passphrase.encode(), dev.encode())


def sign_in(passphrase: str) -> bool:
    """Set the session's role to coordinator when the passphrase is right; return whether it was."""
    ok = check_coordinator(passphrase)
    if ok:
        st.session_state["role"] = "coordinator"
    return ok


# Wrong passphrases allowed before tries are refused: per network address (a hall may share one, and its
# coordinator must still get in) and per browser session. Counted in the database (``Store.limits``), so
# every app process sees one count.
SIGNIN_SCOPE = "signin"
ADDRESS_LIMIT: tuple[int, float] = (20, 900.0)
SESSION_LIMIT: tuple[int, float] = (5, 300.0)


@dataclass(frozen=True)
class Attempt:
    """A sign-in try: whether it signed in, and when refused before checking, the seconds to wait."""

    ok: bool
    wait: float = 0.0


def _throttle_keys(address: str, session: str) -> tuple[tuple[str, tuple[int, float]], ...]:
    return ((f"address:{address}", ADDRESS_LIMIT), (f"session:{session}", SESSION_LIMIT))


def attempt_sign_in(passphrase: str, limits: Limits, address: str, session: str) -> Attempt:
    """``sign_in`` slowed down: after too many wrong passphrases from this address or session, refuse at
    once, before the passphrase is hashed (each check costs a fraction of a second of CPU), and say how
    long to wait. A wrong passphrase is counted; a right one clears the session's count."""
    keys = _throttle_keys(address, session)
    wait = max(limits.wait(SIGNIN_SCOPE, key, limit=most, seconds=window) for key, (most, window) in keys)
    if wait > 0:
        return Attempt(False, wait)
    if sign_in(passphrase):
        limits.clear(SIGNIN_SCOPE, keys[1][0])
        return Attempt(True)
    for key, _ in keys:
        limits.record(SIGNIN_SCOPE, key)
    return Attempt(False)


def sign_out() -> None:
    st.session_state["role"] = "public"


def upload_codes() -> Mapping[str, str]:
    """Village -> code hash, from ``[upload_codes]`` in secrets or ``ALYKYLA_UPLOAD_CODES`` (JSON)."""
    value = _secret("upload_codes")
    if value:
        return {str(k): str(v) for k, v in dict(value).items()}
    raw = os.environ.get("ALYKYLA_UPLOAD_CODES")
    if not raw:
        return {}
    try:
        return {str(k): str(v) for k, v in json.loads(raw).items()}
    except (ValueError, AttributeError):
        return {}


def _code_hash(village: str | None) -> str | None:
    """The code hash of ``village``, names matched as the registry matches them (``indicator.registry.find``:
    case, spaces and look-alike letters do not count, nor a '(kirkon)kylä' ending): "SIPPOLA", "Sippolа"
    (a Cyrillic а) and "Sippolan kirkonkylä" need the code of Sippola."""
    codes = upload_codes()
    if not village or not codes:
        return None
    coded = find(str(village), pd.DataFrame({"village": list(codes)}))
    return None if coded is None else codes[coded]


def coded_villages(villages: Iterable[str | None]) -> list[str]:
    """The names among ``villages`` that need an upload code (as ``needs_upload_code``)."""
    return [v for v in villages if v and _code_hash(v) is not None]


def needs_upload_code(village: str | None) -> bool:
    """True when ``village`` (compared by its normalised name) has an upload code."""
    return _code_hash(village) is not None


def check_upload_code(village: str | None, code: str) -> bool:
    """True when ``village`` needs no code, or ``code`` matches its hash."""
    encoded = _code_hash(village)
    return True if encoded is None else verify(code or "", encoded)


def main(argv: list[str] | None = None) -> int:
    """``python -m ui.auth hash``: ask for a passphrase twice and print its hash."""
    import getpass

    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["hash"]:
        print("usage: python -m ui.auth hash", file=sys.stderr)
        return 2
    first = getpass.getpass("Passphrase: ")
    if len(first) < 8:
        print("the passphrase must be at least 8 characters", file=sys.stderr)
        return 2
    if getpass.getpass("Again: ") != first:
        print("the passphrases differ", file=sys.stderr)
        return 2
    print(hash_passphrase(first))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
