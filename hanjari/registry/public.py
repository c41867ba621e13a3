"""What of an organisation may be shown publicly: office phone, website link, 사업자등록번호.

Used by the profile page (hanjari.site), the directory and its CSV export. The rules
follow 개인정보 보호법 (Personal Information Protection Act) §2, §15–17: a person's
mobile number and a sole trader's business number are personal information and stay
hidden (see "Personal information" in docs/development.md).
"""

from __future__ import annotations

import re

from hanjari.core import identifiers

from .models import Organization

_MOBILE_PREFIXES = ("010", "011", "016", "017", "018", "019", "8210", "8211", "8216")
_BARE_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?$", re.IGNORECASE)
# After http(s)://: a domain of two or more labels (Korean ones too) or an IPv4 address,
# then an optional port and path.
_URL_HOST = re.compile(
    r"^(?:[^\W_][\w-]*\.)+[^\W\d_][\w-]*(?::\d+)?(?:[/?#]\S*)?$|"
    r"^\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?(?:[/?#]\S*)?$"
)


def public_phone(phone: str) -> str:
    """The phone number as it may be shown publicly: an office number, not a mobile
    number (010, 011, 016–019), which is a person's and personal information under
    개인정보 보호법 §2 (see "Personal information" in docs/development.md). "" when
    hidden or empty."""
    digits = identifiers.normalize_digits(phone)
    if not digits or digits.startswith(_MOBILE_PREFIXES):
        return ""
    return phone.strip()


def public_website(website: str) -> str:
    """A safe link for a 누리집 as lists write it: ``http(s)://…`` as is, a bare domain
    (``www.hanjari.kr``) with ``https://``; "" for anything else (``javascript:``,
    free text), which is then shown as text only."""
    text = website.strip()
    if re.match(r"^https?://[^\s/]+\S*$", text, re.IGNORECASE):
        # The host must look like a domain too: older imports stored values such as
        # ``http://javascript:alert(1)`` or ``http://-``.
        host = re.sub(r"^https?://", "", text, flags=re.IGNORECASE)
        return text if _URL_HOST.match(host) else ""
    if _BARE_DOMAIN.match(text):
        return f"https://{text}"
    return ""


def public_brn(org: Organization) -> str:
    """The 사업자등록번호 as it may be shown publicly (``XXX-XX-XXXXX``), else "".

    Hidden: a sole trader's number (middle digits 01–79, 90–99; it identifies a
    person, 개인정보 보호법 §2, see "Personal information" in docs/development.md)
    and a number without 10 digits (an unverified number kept from a list, whose kind
    cannot be told). Never raises.
    """
    if len(org.brn) != identifiers.BRN_LENGTH or not org.brn.isdigit():
        return ""
    if identifiers.brn_is_sole_trader(org.brn):
        return ""
    return identifiers.brn_format(org.brn)
