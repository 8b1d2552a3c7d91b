"""QR codes for the live poll on the seminar screen, and the poll's address.

``qr_svg`` is pure Python (the ``qrcode`` package's SVG path image); ``qr_png`` uses Pillow.
Only ``http``/``https`` addresses are encoded: a QR code on a projector must never lead elsewhere.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode, urlsplit, urlunsplit

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
