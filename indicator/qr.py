"""QR codes for the live poll on the seminar screen, and the poll's address.

``qr_svg`` is pure Python (the ``qrcode`` package's SVG path image); ``qr_png`` uses Pillow.
Only ``http``/``https`` addresses are encoded, and the seminar's poll code only to this app's own poll page
(``own_poll_url``): a QR code on a projector must never lead elsewhere.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from urllib.parse import SplitResult, urlencode, urljoin, urlsplit, urlunsplit

import qrcode
import qrcode.image.svg

from indicator.errors import IndicatorError, clip


def check_url(url: str) -> str:
    """The URL stripped, when it is an absolute http(s) address with a host; otherwise IndicatorError."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in url for c in "\r\n\t "):
        raise IndicatorError(f"the poll address must be an http(s) address, got {url[:80]!r}", code="poll.bad_address",
                             params={"address": clip(url)})
    return url


def poll_url(page_url: str, path: str = "poll", params: dict[str, str] | None = None) -> str:
    """The poll page's address on the same server as ``page_url`` (scheme, host and base path kept).

    >>> poll_url("http://10.0.0.5:8501/seminar?embed=true", params={"round": "2026"})
    'http://10.0.0.5:8501/poll?round=2026'
    >>> poll_url("https://example.org/alykyla/seminar")
    'https://example.org/alykyla/poll'
    """
    parts = urlsplit(check_url(page_url))
    base = parts.path.rsplit("/", 1)[0] if "/" in parts.path else ""
    query = urlencode({k: v for k, v in (params or {}).items() if v})
    return urlunsplit((parts.scheme, parts.netloc, f"{base}/{path.strip('/')}", query, ""))


POLL_PAGES: tuple[str, ...] = ("kysely", "poll")  # the poll page's address and its former one


def _origin(parts: SplitResult) -> tuple[str, str, int | None]:
    """Scheme, host and port (the scheme's default when none is written) of a split address."""
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").casefold(), port


def own_poll_url(candidate: str, bases: Sequence[str]) -> str:
    """``candidate`` when it leads to this app's own poll page, else IndicatorError (``poll.foreign_address``).

    ``bases`` are this app's own addresses (the configured public address, the address the seminar page
    was opened at). A relative address (``kysely?items=E2``, ``/alykyla/kysely``) is resolved against the
    first base; an absolute one must have a base's scheme, host and port, no user name, and a path that
    is a base's folder followed by the poll page (``kysely`` or ``poll``). A QR code on a projector must
    never lead anywhere else.

    >>> own_poll_url("kysely?items=E2", ["https://x.fi/app/seminaari"])
    'https://x.fi/app/kysely?items=E2'
    """
    own = [urlsplit(check_url(base)) for base in bases if base]
    text = (candidate or "").strip()
    if own and not any(c in text for c in "\r\n\t \\") and not text.startswith("//"):
        resolved = urlsplit(urljoin(urlunsplit(own[0]), text))
        folders = {(_origin(b), b.path.rsplit("/", 1)[0]) for b in own}
        folder, _, page = resolved.path.rpartition("/")
        if (resolved.scheme in ("http", "https") and "@" not in resolved.netloc and page in POLL_PAGES
                and (_origin(resolved), folder) in folders):
            return urlunsplit((resolved.scheme, resolved.netloc, resolved.path, resolved.query, ""))
    raise IndicatorError(f"the poll address must be this app's own poll page, got {clip(text)!r}",
                         code="poll.foreign_address", params={"address": clip(text)})


def _make(url: str, border: int) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    code.add_data(check_url(url))
    code.make(fit=True)
    return code


def qr_svg(url: str, *, border: int = 4) -> str:
    """The QR code of ``url`` as a standalone SVG document (black on white, scalable)."""
    image = _make(url, border).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    return image.to_string(encoding="unicode")


def qr_png(url: str, *, box_size: int = 12, border: int = 4) -> bytes:
    """The QR code of ``url`` as PNG bytes (``box_size`` pixels per module)."""
    code = _make(url, border)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def qr_matrix(url: str, *, border: int = 0) -> list[list[bool]]:
    """The QR code's modules (True = dark), e.g. to check what a code holds."""
    return _make(url, border).get_matrix()
