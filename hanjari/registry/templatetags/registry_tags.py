"""Template helpers for registry pages."""

from __future__ import annotations

from typing import Any

from django import template

from ..models import SECTORS

register = template.Library()

_SECTOR_OF_KIND = {str(kind): key for key, (_label, kinds) in SECTORS.items() for kind in kinds}


@register.filter
def sector_of(kind: str) -> str:
    """The sector key (`village`, `self_sufficiency`, …) of a designation kind, for CSS."""
    return _SECTOR_OF_KIND.get(str(kind), "")


@register.simple_tag
def may_review_merges(user: Any) -> bool:
    """Whether `user` may review and propose merges (`permissions.can_review_merges`)."""
    from ..permissions import can_review_merges

    return can_review_merges(user)


@register.simple_tag
def other_addresses(org: Any) -> list[Any]:
    """The merges into `org` that stand and kept an address other than its own (the
    absorbed records' addresses), oldest first."""
    from ..models import OrganizationMerge

    if org is None or not getattr(org, "pk", None):
        return []
    merges = OrganizationMerge.objects.filter(
        kept=org, status=OrganizationMerge.Status.MERGED
    ).exclude(dropped_address="")
    return [m for m in merges.order_by("merged_at", "pk") if m.dropped_address != org.address]
