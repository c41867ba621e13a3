"""Template filters of the claims pages."""

from __future__ import annotations

from django import template

from hanjari.core import identifiers

register = template.Library()


@register.filter
def brn(digits: object) -> str:
    """A 사업자등록번호 kept as digits, shown ``XXX-XX-XXXXX`` (as given when it is not
    10 digits). Only on pages for staff and the claimant: a sole trader's number is
    personal data and is never shown publicly."""
    text = str(digits or "")
    if len(text) == identifiers.BRN_LENGTH and text.isdigit():
        return identifiers.brn_format(text)
    return text
