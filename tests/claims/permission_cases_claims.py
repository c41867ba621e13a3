"""Permission rows for the claims URLs (hanjari.claims), in the format of
tests/test_permissions.py's TABLE — ``(method, url name, kwargs, statuses in ROLES
order)`` with ROLES = anonymous, plain_user, member_a, council_admin_a, member_b,
staff — merged into the global table.

`claims_world(plain_user, council_admin_a_council)` adds the objects the rows name:
``claim`` (plain_user's claim of org_a, asking org_a's council — the one
council_admin_a administers — to endorse it), ``evidence`` (its PDF), ``claim_page``
(its page's path). `claims_post_data(name, world)` gives valid POST bodies (a fresh
PDF each time), so the status shows the permission. Locations: ``"login"``, a URL
name, a world key holding a path, or a path prefix ending in ``*``.

The claimant is plain_user; member_a (an editor of org_a), council_admin_a (the
admin of the council asked to endorse) and member_b get 404 for the claim, its files
and its actions, as if there were none.
"""

from __future__ import annotations

from typing import Any

LOGIN = (302, "login")
STAFF_ONLY_GET = (LOGIN, 403, 403, 403, 403, 200)
TO_NEW_CLAIM = (303, "/claims/*")
CLAIMANT_ONLY_GET = (LOGIN, 200, 404, 404, 404, 200)

CLAIMS_TABLE: list[tuple[str, str, dict[str, str], tuple[Any, ...]]] = [
    # "우리 조직입니다": any signed-in person; plain_user's claim of org_a is under
    # review (the page says so, a new POST is a 409)
    ("get", "claims:claim-new", {"pk": "org_a"}, (LOGIN, 200, 200, 200, 200, 200)),
    (
        "post",
        "claims:claim-new",
        {"pk": "org_a"},
        (LOGIN, 409, TO_NEW_CLAIM, TO_NEW_CLAIM, TO_NEW_CLAIM, TO_NEW_CLAIM),
    ),
    # a new organisation that is on no list: any signed-in person
    ("get", "claims:propose", {}, (LOGIN, 200, 200, 200, 200, 200)),
    ("post", "claims:propose", {}, (LOGIN, *(TO_NEW_CLAIM,) * 5)),
    # 내 신청: one's own list
    ("get", "claims:mine", {}, (LOGIN, 200, 200, 200, 200, 200)),
    # the claim's page, its files and the claimant's actions: claimant (and staff)
    ("get", "claims:detail", {"pk": "claim"}, CLAIMANT_ONLY_GET),
    ("get", "claims:evidence", {"pk": "evidence"}, CLAIMANT_ONLY_GET),
    (
        "post",
        "claims:reply",
        {"pk": "claim"},
        (LOGIN, (303, "claim_page"), 404, 404, 404, 404),
    ),
    ("get", "claims:reply", {"pk": "claim"}, (LOGIN, 405, 405, 405, 405, 405)),
    (
        "post",
        "claims:withdraw",
        {"pk": "claim"},
        (LOGIN, (303, "claim_page"), 404, 404, 404, 404),
    ),
    ("get", "claims:withdraw", {"pk": "claim"}, (LOGIN, 405, 405, 405, 405, 405)),
    # council endorsement: the admins of the council asked (staff do not answer for it)
    ("get", "claims:endorsements", {}, (LOGIN, 403, 403, 200, 403, 403)),
    (
        "post",
        "claims:endorse",
        {"pk": "claim"},
        (LOGIN, 403, 403, (303, "claims:endorsements"), 403, 403),
    ),
    # staff review
    ("get", "claims:staff-queue", {}, STAFF_ONLY_GET),
    ("get", "claims:staff-detail", {"pk": "claim"}, STAFF_ONLY_GET),
    (
        "post",
        "claims:staff-decide",
        {"pk": "claim"},
        (LOGIN, 403, 403, 403, 403, (303, "claims:staff-queue")),
    ),
    ("get", "claims:staff-decide", {"pk": "claim"}, (LOGIN, 403, 403, 403, 403, 405)),
]


def claims_world(plain_user: Any, org_a: Any) -> dict[str, Any]:
    """plain_user's claim of org_a (with an e-mail address on the account), asking the
    council org_a belongs to — council_admin_a's — to endorse it."""
    from tests.claims.support import make_claim

    plain_user.email = "plain@example.com"
    plain_user.save(update_fields=["email"])
    council = org_a.councils.order_by("pk").first()
    claim = make_claim(user=plain_user, organization=org_a, council=council)
    return {
        "claim": claim,
        "evidence": claim.evidence.get(),
        "claim_page": claim.get_absolute_url(),
    }


def claims_post_data(name: str, world: dict[str, Any]) -> dict[str, Any] | None:
    """A valid POST body for `name`, or None when it is not a claims URL."""
    from tests.claims.support import BRN_A, BRN_C, pdf_upload

    if name == "claims:claim-new":
        return {"brn": BRN_A, "role": "employee", "evidence": pdf_upload()}
    if name == "claims:propose":
        return {
            "name": "권한표사회적협동조합",
            "sido": "전북특별자치도",
            "sigungu": "전주시",
            "address": "전북특별자치도 전주시 완산구 권한로 1",
            "brn": BRN_C,
            "role": "representative",
            "evidence": pdf_upload(),
            "designations-TOTAL_FORMS": "3",
            "designations-INITIAL_FORMS": "0",
            "designations-MIN_NUM_FORMS": "0",
            "designations-MAX_NUM_FORMS": "3",
            "designations-0-kind": "social_cooperative",
            "designations-0-number": "제2020-1호",
        }
    if name == "claims:reply":
        return {
            "message": "사업자등록증 사본을 더 올립니다.",
            "evidence": pdf_upload("사업자등록증.pdf"),
        }
    if name == "claims:withdraw":
        return {}
    if name == "claims:endorse":
        return {"decision": "endorse"}
    if name == "claims:staff-decide":
        return {"action": "request_info", "message": "지정서 사본을 한 장 더 올려 주세요."}
    return None
