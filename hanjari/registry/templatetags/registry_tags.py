"""Template helpers for registry pages."""

from __future__ import annotations

from django import template

from ..models import SECTORS

register = template.Library()

_SECTOR_OF_KIND = {str(kind): key for key, (_label, kinds) in SECTORS.items() for kind in kinds}


@register.filter
def sector_of(kind: str) -> str:
    """The sector key (`village`, `self_sufficiency`, …) of a designation kind, for CSS."""
    return _SECTOR_OF_KIND.get(str(kind), "")
