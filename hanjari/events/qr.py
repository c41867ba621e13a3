"""QR codes (segno) for registrations: what they encode and how they are drawn.

A registration's QR code encodes the absolute address of the staff check-in page with
the registration's token, e.g. ``https://hanjari.example.kr/events/7/checkin/?token=…``.
Staff scanning it inside the check-in page submit the token; a phone's own camera
app opens the same page with the token filled in (a GET never checks anyone in).
"""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlencode, urlsplit

import segno
from django.conf import settings
from django.urls import reverse

from .models import Registration

# Module size of the drawings: SVG in user units (the page scales it), PNG in pixels.
SVG_SCALE = 8
PNG_SCALE = 8
BORDER = 4  # the quiet zone the QR standard asks for, in modules
ERROR_LEVEL = "m"  # about 15 % of the code may be damaged and still read


def checkin_path(registration: Registration) -> str:
    """The check-in page path with the token query, e.g. ``/events/7/checkin/?token=…``."""
    url = reverse("events:checkin", kwargs={"pk": registration.event_id})
    return f"{url}?{urlencode({'token': registration.token})}"


def checkin_url(registration: Registration, *, base_url: str | None = None) -> str:
    """The absolute check-in URL the QR code encodes. `base_url` is the site's address
    (scheme and host, e.g. from ``request.build_absolute_uri("/")``); default
    `settings.HANJARI_SITE_URL`."""
    base = (base_url if base_url is not None else settings.HANJARI_SITE_URL).rstrip("/")
    return base + checkin_path(registration)


def make(data: str) -> segno.QRCode:
    """The QR code for `data` (never a Micro QR, error level M)."""
    return segno.make(data, error=ERROR_LEVEL, micro=False)


def svg(data: str, *, title: str = "") -> bytes:
    """An SVG document (UTF-8 bytes) of the QR code for `data`, with `title`."""
    buf = io.BytesIO()
    make(data).save(
        buf,
        kind="svg",
        scale=SVG_SCALE,
        border=BORDER,
        title=title or None,
        xmldecl=True,
        svgclass=None,
        lineclass=None,
        dark="#000",
        light="#fff",
    )
    return buf.getvalue()


def png(data: str) -> bytes:
    """A PNG image of the QR code for `data` (for e-mails: most mail programs do not
    show SVG)."""
    buf = io.BytesIO()
    make(data).save(buf, kind="png", scale=PNG_SCALE, border=BORDER)
    return buf.getvalue()


def token_from_scan(text: str) -> str:
    """The token in what was scanned or typed: a check-in URL (its ``token`` query
    parameter) or the bare token. Returns "" for empty input; never raises."""
    text = (text or "").strip()
    if not text:
        return ""
    if "token=" in text:
        values = parse_qs(urlsplit(text).query).get("token") or parse_qs(
            text.split("?", 1)[-1]
        ).get("token")
        return (values[0] if values else "").strip()
    return text
