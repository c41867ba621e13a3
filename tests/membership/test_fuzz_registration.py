"""The membership forms are among those tests/test_form_fuzz.py posts random values
to (through their rows in the permission table), as the roles that reach them."""

from __future__ import annotations

from tests.test_form_fuzz import FORM_PAGES


def test_membership_forms_are_fuzzed():
    fuzzed = {name: role for name, _kwargs, role in FORM_PAGES}
    assert {
        name: fuzzed.get(name)
        for name in (
            "membership:invite",
            "membership:member-role",
            "membership:member-remove",
            "membership:leave",
            "membership:invitation-resend",
            "membership:invitation-revoke",
            "membership:invitation-accept",
            "membership:invitation",
            "membership:join-request",
            "membership:join-request-decide",
            "membership:owners",
        )
    } == {
        "membership:invite": "staff",
        "membership:member-role": "staff",
        "membership:member-remove": "staff",
        "membership:leave": "member_a",
        "membership:invitation-resend": "staff",
        "membership:invitation-revoke": "staff",
        "membership:invitation-accept": "plain_user",
        "membership:invitation": "plain_user",
        "membership:join-request": "member_a",
        "membership:join-request-decide": "staff",
        "membership:owners": "staff",
    }
