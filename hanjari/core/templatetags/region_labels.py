"""Template filters that show a 시도 or 시군구 in the active language.

The stored values (and the values in URLs and forms) stay the Korean names; only
what is printed changes (``{{ s|sido_label }}`` → "Jeonbuk State" in English).
"""

from __future__ import annotations

from django import template

from hanjari.core import regions

register = template.Library()


@register.filter
def sido_label(name: str | None) -> str:
    """A 시도 name as shown in the active language (:func:`regions.sido_label`)."""
    return regions.sido_label(name)


@register.filter
def sigungu_label(name: str | None) -> str:
    """A 시군구 name as shown in the active language (:func:`regions.sigungu_label`)."""
    return regions.sigungu_label(name)


@register.filter
def region_text_label(text: str | None) -> str:
    """A "시도 시군구" text (e.g. the `HANJARI_HOME_REGION` setting) as shown in the
    active language (:func:`regions.region_text_label`)."""
    return regions.region_text_label(text)
