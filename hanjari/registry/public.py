"""What of an organisation may be shown publicly: its contact details (phone, e-mail,
website, social links), 사업자등록번호.

Used by the profile page and its JSON-LD (hanjari.site), the directory and its CSV
export. The rules follow 개인정보 보호법 (Personal Information Protection Act) §2,
§15–17: an organisation's phone number or e-mail address may be a person's, so each
contact item is shown only when its 공개 switch is on (`public_contacts`: the
organisation's own choice, or for values taken from the official lists an office phone
and a website, which those lists publish); a sole trader's business number is never
shown (see "Personal information" in docs/development.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hanjari.core import identifiers

from . import contacts
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
    """The phone number as an official list's value may be published without asking: an
    office number, not a mobile number (010, 011, 016–019), which is a person's and
    personal information under 개인정보 보호법 §2 (see "Personal information" in
    docs/development.md). "" when it may not be, or is empty. The importer switches a
    listed phone public by this (`listed_phone_public`); what a page shows is decided by
    the switch (`public_contacts`)."""
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


def listed_phone_public(phone: str) -> bool:
    """Whether a phone number taken from an official list starts public: an office
    number does, a mobile number does not (`public_phone`)."""
    return bool(public_phone(phone))


def listed_website_public(website: str) -> bool:
    """Whether a website taken from an official list starts public: when it is a web
    address a page can link (`public_website`)."""
    return bool(public_website(website))


@dataclass(frozen=True)
class PublicLink:
    """A public social link: `key` (``instagram``: `contacts.SOCIAL_LINKS`), its
    `label` in the active language and its `url`."""

    key: str
    label: str
    url: str


@dataclass(frozen=True)
class PublicContacts:
    """An organisation's contact details as they may be shown (공개 연락처): each is
    "" (or empty) unless its switch is on. `phone` as stored (hyphenated when typed on
    the profile form), `phone_link` a ``tel:`` address, `email` and `email_link`
    (``mailto:``), `website` a link-safe address (`public_website`), `socials` the
    public social links in `contacts.SOCIAL_LINKS` order."""

    phone: str = ""
    phone_link: str = ""
    email: str = ""
    email_link: str = ""
    website: str = ""
    socials: list[PublicLink] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.phone or self.email or self.website or self.socials)

    @property
    def same_as(self) -> list[str]:
        """The website and social links: schema.org ``sameAs``."""
        return [u for u in [self.website, *(s.url for s in self.socials)] if u]


def public_contacts(org: Organization) -> PublicContacts:
    """What of `org`'s contact details may be shown publicly: each item whose 공개
    switch (`phone_public`, `email_public`, `website_public`, ``<social>_public``) is on
    and whose value is not empty; a website or social link only when it is a safe web
    address (`public_website`: no ``javascript:``). The only place that decides it:
    the profile, its JSON-LD and the directory CSV all read this. Never raises."""
    phone = org.phone.strip() if org.phone_public else ""
    digits = re.sub(r"[^0-9+]", "", phone)
    email = org.contact_email.strip() if org.email_public else ""
    socials = []
    for link in contacts.SOCIAL_LINKS:
        url = public_website(getattr(org, link.field)) if getattr(org, link.public_field) else ""
        if url:
            socials.append(PublicLink(link.key, str(link.label), url))
    return PublicContacts(
        phone=phone,
        phone_link=f"tel:{digits}" if digits else "",
        email=email,
        email_link=f"mailto:{email}" if email else "",
        website=public_website(org.website) if org.website_public else "",
        socials=socials,
    )
