"""A person's claims as personal data (개인정보 열람, 개인정보 보호법 §35): what a data
download gives them. Deletion is `hanjari.claims.services.claims_erase_personal_data`."""

from __future__ import annotations

from typing import Any

from .models import Claim


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def claims_personal_data(user: Any) -> dict[str, Any]:
    """Everything the claims app keeps about `user` as JSON-ready data: ``{"claims":
    [...]}``, one item per claim or proposal they made (kind, status, organisation
    name, the 사업자등록번호 they typed, role, their message, council asked and its
    answer, the proposal's address and designations, staff's last message, dates), each
    with its evidence files (uploaded name, type, size in bytes, time — not the content;
    the claimant downloads each file from their claim's page) and its history (action,
    message, time, and whether they or someone else acted). Empty list for a user
    without claims or an anonymous user. Never raises beyond database errors."""
    if not getattr(user, "is_authenticated", False):
        return {"claims": []}
    items = []
    claims = (
        Claim.objects.filter(user=user)
        .select_related("council")
        .prefetch_related("evidence", "entries", "proposed_designations")
        .order_by("created_at", "id")
    )
    for claim in claims:
        items.append(
            {
                "id": claim.pk,
                "kind": claim.kind,
                "status": claim.status,
                "organization_name": claim.organization_name,
                "organization_id": claim.organization_id,
                "brn": claim.brn,
                "role": claim.role,
                "role_other": claim.role_other,
                "message": claim.message,
                "council": claim.council.name if claim.council else None,
                "endorsement": claim.endorsement,
                "legal_form": claim.legal_form,
                "address": claim.address,
                "sido": claim.sido,
                "sigungu": claim.sigungu,
                "designations": [
                    {
                        "kind": d.kind,
                        "number": d.number,
                        "issuer": d.issuer,
                        "start_date": _when(d.start_date),
                    }
                    for d in claim.proposed_designations.all()
                ],
                "staff_message": claim.staff_message,
                "created_at": _when(claim.created_at),
                "decided_at": _when(claim.decided_at),
                "evidence": [
                    {
                        "file_name": e.file_name,
                        "content_type": e.content_type,
                        "size": e.size,
                        "uploaded_at": _when(e.created_at),
                    }
                    for e in claim.evidence.all()
                ],
                "history": [
                    {
                        "action": entry.action,
                        "message": entry.message,
                        "at": _when(entry.created_at),
                        "by_you": entry.actor_id == user.pk,
                    }
                    for entry in claim.entries.all()
                ],
            }
        )
    return {"claims": items}
