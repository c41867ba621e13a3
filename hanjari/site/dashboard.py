"""The "내 조직" dashboard's parts: what waits for a person in each organisation.

Each app that has something waiting (invitations and council requests from
`hanjari.membership`; later claims, reports due, inquiries, matches) adds one
*provider* to `WAITING_PROVIDERS`: a function ``(user, memberships) -> items`` that
returns `WaitingItem`s. The dashboard groups the items under the organisations the
person belongs to; an item about another organisation (a claim still being reviewed)
is listed on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hanjari.accounts.models import Membership
from hanjari.claims import selectors as claims_selectors
from hanjari.claims.models import Claim
from hanjari.membership import selectors as membership_selectors
from hanjari.registry.models import Organization


@dataclass(frozen=True)
class WaitingItem:
    """One thing that waits (기다리는 일) about `organization` (None: about no
    organisation in particular): a sentence to show (`text`), where to act (`url`)
    and a stable `kind` (``invitations``, ``join_request``, ``claim`` …) for tests and
    styling."""

    organization: Organization | None
    text: str
    url: str
    kind: str


WaitingProvider = Callable[[Any, Sequence[Membership]], Iterable[WaitingItem]]


def membership_waiting(user: Any, memberships: Sequence[Membership]) -> list[WaitingItem]:
    """Open invitations an owner sent (how many wait to be accepted; owners only) and
    council join requests waiting for the council's decision, per organisation."""
    orgs = {m.organization_id: m for m in memberships}
    found = membership_selectors.waiting_by_organization(list(orgs))
    items = []
    for org_id, waiting in found.items():
        membership = orgs[org_id]
        org = membership.organization
        members_url = reverse("membership:members", kwargs={"pk": org_id})
        count = waiting["invitations"]
        if count and membership.role == Membership.Role.OWNER:
            text = ngettext(
                "수락을 기다리는 초대 %(count)d건",
                "수락을 기다리는 초대 %(count)d건",
                count,
            ) % {"count": count}
            items.append(WaitingItem(org, text, members_url, "invitations"))
        for req in waiting["join_requests"]:
            text = _("%(council)s 가입 신청: 협의회의 결정을 기다리는 중") % {
                "council": req.council.name
            }
            items.append(WaitingItem(org, text, members_url, "join_request"))
    return items


def claims_waiting(user: Any, memberships: Sequence[Membership]) -> list[WaitingItem]:
    """The person's claims (우리 조직입니다) and proposals (새 조직 등록) still being
    decided: what state each is in; a request for more information says so."""
    items = []
    for claim in claims_selectors.open_claims_for(user):
        more = claim.status == Claim.Status.MORE_INFO_REQUESTED
        if claim.organization is not None:  # shown under the organisation's name
            text = (
                _("소유 확인 신청: 센터가 보완을 요청했습니다")
                if more
                else _("소유 확인 신청: 센터가 검토하는 중")
            )
        elif more:
            text = _("새 조직 등록 신청 ‘%(name)s’: 센터가 보완을 요청했습니다") % {
                "name": claim.organization_name
            }
        else:
            text = _("새 조직 등록 신청 ‘%(name)s’: 센터가 검토하는 중") % {
                "name": claim.organization_name
            }
        items.append(WaitingItem(claim.organization, text, claim.get_absolute_url(), "claim"))
    return items


WAITING_PROVIDERS: list[WaitingProvider] = [membership_waiting, claims_waiting]
"""The providers the dashboard asks, in order."""


def waiting_items(
    user: Any,
    memberships: Sequence[Membership],
    providers: Sequence[WaitingProvider] | None = None,
) -> list[WaitingItem]:
    """Every provider's items for `user` (default providers: `WAITING_PROVIDERS`)."""
    found: list[WaitingItem] = []
    for provider in WAITING_PROVIDERS if providers is None else providers:
        found.extend(provider(user, memberships))
    return found
