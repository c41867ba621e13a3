"""QR codes (segno) for registrations: what they encode and how they are drawn.

A registration's QR code encodes the absolute address of the staff check-in page with
the registration's check-in code (`Registration.checkin_code`), e.g.
``https://hanjari.example.kr/events/7/checkin/?code=…``. It never holds the private
`Registration.token` (the registrant's page and cancel capability): a printed or
photographed QR code only lets staff check the person in. Staff scanning it inside the
check-in page submit the code; a phone's own camera app opens the same page with the
code filled in (a GET never checks anyone in).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlencode, urlsplit

import segno
from django.conf import settings
from django.urls import Resolver404, resolve, reverse

from hanjari.core.identifiers import is_object_id

from .models import Registration

# Module size of the drawings: SVG in user units (the page scales it), PNG in pixels.
SVG_SCALE = 8
PNG_SCALE = 8
BORDER = 4  # the quiet zone the QR standard asks for, in modules
ERROR_LEVEL = "m"  # about 15 % of the code may be damaged and still read
# A registration number as the staff list shows it (``12``), with or without a prefix
# (``#12``, ``No. 12``, ``번호 12``, ``신청 번호: 12``); spaces are removed first.
# The registrant's pages whose address names a registration by its token.
REGISTRATION_PAGES = ("events:registration", "events:registration-qr")
NUMBER_RE = re.compile(r"^(?:신청번호|번호|no\.?|#)?[:.]?(\d+)$", re.IGNORECASE)


def checkin_path(registration: Registration) -> str:
    """The check-in page path with the check-in code, e.g. ``/events/7/checkin/?code=…``."""
    url = reverse("events:checkin", kwargs={"pk": registration.event_id})
    return f"{url}?{urlencode({'code': registration.checkin_code})}"


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
    """The check-in code in what was scanned or typed: a check-in URL (its ``code``
    query parameter, or ``token`` in older links) or the bare code. Returns "" for
    empty input; never raises."""
    text = (text or "").strip()
    if not text:
        return ""
    for key in ("code", "token"):
        if f"{key}=" in text:
            query = parse_qs(urlsplit(text).query)
            values = query.get(key) or parse_qs(text.split("?", 1)[-1]).get(key)
            if values:
                return values[0].strip()
    return text


@dataclass(frozen=True)
class CheckinKey:
    """What a check-in input names: a check-in code (``code``, from the QR code), a
    registration number (``number``, the id the staff list shows) or a registration's
    page token (``token``, from the address of its page 신청 내역)."""

    kind: Literal["code", "number", "token"]
    value: str


def read_checkin_input(text: str) -> CheckinKey | None:
    """Read what staff typed, pasted or scanned into the check-in box ("QR 코드 또는
    신청 번호"): the QR code's check-in address or bare code, the registration number
    as the staff list shows it (spaces and a ``#``/``No.``/``번호`` prefix allowed),
    or the address of the registration's page (absolute or a path). Returns None for
    empty input or a number too long to be an id; never raises. Whether the key names
    a registration is for the caller to find out."""
    text = (text or "").strip()
    if not text:
        return None
    compact = re.sub(r"\s+", "", text)
    number = NUMBER_RE.match(compact)
    if number:
        digits = number.group(1)
        return CheckinKey("number", digits) if is_object_id(digits) else None
    if "/" in compact:
        try:
            match = resolve(urlsplit(compact).path)
        except Resolver404:
            match = None
        if match is not None and match.view_name in REGISTRATION_PAGES:
            return CheckinKey("token", str(match.kwargs["token"]))
    return CheckinKey("code", token_from_scan(compact))
