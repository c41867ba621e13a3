"""Claims in the Django admin: listed and shown, never changed there (decisions go
through the staff review page and its services)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hanjari.claims.models import Claim
from tests.claims.support import make_claim

pytestmark = pytest.mark.django_db


def test_claims_are_view_only_in_the_admin(admin_client, org_a, plain_user):
    claim = make_claim(user=plain_user, organization=org_a, message="대표입니다")
    listing = admin_client.get(reverse("admin:claims_claim_changelist"))
    assert listing.status_code == 200
    assert org_a.name in listing.content.decode()
    page = admin_client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "대표입니다" in html
    assert 'name="_save"' not in html
    assert "1248100998" not in html  # the typed number stays on the review page
    response = admin_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]), {"status": "approved"}
    )
    assert response.status_code == 403
    assert Claim.objects.get().status == "submitted"
    assert admin_client.get(reverse("admin:claims_claim_add")).status_code == 403
