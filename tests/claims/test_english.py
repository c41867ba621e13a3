"""Claim words that events use in another sense read right in English (the newcomer
saw "Approve" as a claim's state and "Registered by" for its applicant)."""

from __future__ import annotations

from django.utils import translation

from hanjari.claims.models import Claim, ClaimEntry


def test_claim_states_and_columns_in_english():
    with translation.override("en"):
        assert str(Claim.Status.APPROVED.label) == "Approved"
        assert str(Claim.Status.REJECTED.label) == "Rejected"
        assert str(ClaimEntry.Action.SUBMITTED.label) == "Submitted"
        assert str(Claim._meta.get_field("user").verbose_name) == "Applicant"
    with translation.override("ko"):
        assert str(Claim.Status.APPROVED.label) == "승인"
