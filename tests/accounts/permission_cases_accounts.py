"""Permission rows for the account URLs — django-allauth's (sign-up, e-mail, password,
two-factor, sessions) and our own (내 계정, consents, data download, deletion) — in the
format of tests/test_permissions.py's TABLE: ``(method, url name, kwargs, statuses in
ROLES order)`` with ROLES = anonymous, plain_user, member_a, council_admin_a,
member_b, staff. Merged into the global table.

The roles' users are made by the shared fixtures: signed in with ``force_login``, no
e-mail address, no authenticator app, no consents (the behaviour with them is in
tests/accounts). So: two-factor set-up asks to confirm the password first (allauth's
reauthentication, the login was not through its form); the recovery codes and
deactivation pages are 404 until an authenticator app is on; withdrawing a consent that
is not in force is a 400 with a message; staff may not delete their own account (403).
`accounts_post_data(name, world)` gives the POST bodies. Locations: ``"login"``, a URL
name, or a literal path (``"/…"``).
"""

from __future__ import annotations

from typing import Any

LOGIN = (302, "login")
SIGNED_IN = (200, 200, 200, 200, 200)
HOME = (302, "home")

ACCOUNTS_TABLE: list[tuple[str, str, dict[str, str], tuple[Any, ...]]] = [
    # allauth's names for sign-in and sign-out: the same views as accounts:login / logout
    ("get", "account_login", {}, (200, HOME, HOME, HOME, HOME, HOME)),
    ("post", "account_logout", {}, (HOME,) * 6),
    ("get", "account_logout", {}, (405,) * 6),
    # sign-up: anyone not signed in; a valid sign-up goes to "check your mail"
    ("get", "account_signup", {}, (200, HOME, HOME, HOME, HOME, HOME)),
    (
        "post",
        "account_signup",
        {},
        ((302, "account_email_verification_sent"), HOME, HOME, HOME, HOME, HOME),
    ),
    ("get", "account_email_verification_sent", {}, (200,) * 6),
    # a verification link (an unknown key: the page says the link is not valid)
    ("get", "account_confirm_email", {"key": "nokey"}, (200,) * 6),
    ("get", "account_inactive", {}, (200,) * 6),
    # password reset: public (it asks for an address and mails a link)
    ("get", "account_reset_password", {}, (200,) * 6),
    ("post", "account_reset_password", {}, (200,) * 6),  # no address: the form again
    ("get", "account_reset_password_done", {}, (200,) * 6),
    (
        "get",
        "account_reset_password_from_key",
        {"uidb36": "1", "key": "set-password"},
        (200,) * 6,
    ),
    ("get", "account_reset_password_from_key_done", {}, (200,) * 6),
    # signed in: e-mail, password
    ("get", "account_email", {}, (LOGIN, *SIGNED_IN)),
    ("get", "account_change_password", {}, (LOGIN, *SIGNED_IN)),
    # every role's user has a password: setting one sends to changing it
    (
        "get",
        "account_set_password",
        {},
        (LOGIN, *((302, "account_change_password"),) * 5),
    ),
    # confirming the password before a sensitive change (two-factor set-up)
    ("get", "account_reauthenticate", {}, (LOGIN, *SIGNED_IN)),
    # A code by e-mail needs an address: plain_user has one (the claims world gives it,
    # tests/claims/permission_cases_claims.py); the others are sent to the password.
    (
        "get",
        "account_request_reauthentication_code",
        {},
        (LOGIN, 200, *((302, "account_reauthenticate"),) * 4),
    ),
    (
        "get",
        "account_confirm_reauthentication_code",
        {},
        (LOGIN, *((302, "account_request_reauthentication_code"),) * 5),
    ),
    # a sign-in code that was never asked for: back to the start
    ("get", "account_confirm_login_code", {}, ((302, "account_login"), *(HOME,) * 5)),
    # two-factor (allauth MFA): the overview, set-up after the password, codes
    ("get", "mfa_index", {}, (LOGIN, *SIGNED_IN)),
    (
        "get",
        "mfa_activate_totp",
        {},
        (
            (302, "/accounts/login/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"),
            *((302, "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"),) * 5,
        ),
    ),
    ("get", "mfa_deactivate_totp", {}, (LOGIN, *(404,) * 5)),
    ("get", "mfa_view_recovery_codes", {}, (LOGIN, *(404,) * 5)),
    ("get", "mfa_download_recovery_codes", {}, (LOGIN, *(404,) * 5)),
    (
        "get",
        "mfa_generate_recovery_codes",
        {},
        (
            (302, "/accounts/login/?next=%2Faccounts%2F2fa%2Frecovery-codes%2Fgenerate%2F"),
            *(
                (
                    302,
                    "/accounts/reauthenticate/?next="
                    "%2Faccounts%2F2fa%2Frecovery-codes%2Fgenerate%2F",
                ),
            )
            * 5,
        ),
    ),
    # the second step of a sign-in that was never started: back to the start (or home)
    ("get", "mfa_authenticate", {}, ((302, "account_login"), *(HOME,) * 5)),
    ("get", "mfa_reauthenticate", {}, (LOGIN, *((302, "account_reauthenticate"),) * 5)),
    # sessions: one's own list; POST signs out the other sessions
    ("get", "usersessions_list", {}, (LOGIN, *SIGNED_IN)),
    ("post", "usersessions_list", {}, (LOGIN, *((302, "usersessions_list"),) * 5)),
    # our own account pages: the signed-in user's own data only
    ("get", "accounts:home", {}, (LOGIN, *SIGNED_IN)),
    ("get", "accounts:consents", {}, (LOGIN, *SIGNED_IN)),
    # agreeing to the optional purpose: each user for themself
    (
        "post",
        "accounts:consent-agree",
        {"purpose": "newsletter"},
        (LOGIN, *((302, "accounts:consents"),) * 5),
    ),
    # nothing in force to withdraw: 400 with the page and a message
    ("post", "accounts:consent-withdraw", {"purpose": "newsletter"}, (LOGIN, *(400,) * 5)),
    ("get", "accounts:consent-withdraw", {"purpose": "newsletter"}, (LOGIN, *(405,) * 5)),
    # an unknown purpose
    ("post", "accounts:consent-agree", {"purpose": "nothing"}, (LOGIN, *(404,) * 5)),
    ("get", "accounts:data-export", {}, (LOGIN, *SIGNED_IN)),
    ("get", "accounts:delete", {}, (LOGIN, *SIGNED_IN)),
    # without the password: the form's 400; staff may not delete themselves, nor may
    # member_a, the last owner of an organisation that has other members (403)
    ("post", "accounts:delete", {}, (LOGIN, 400, 403, 400, 400, 403)),
]


def accounts_post_data(name: str, world: dict[str, Any]) -> dict[str, Any] | None:
    """The POST body for `name`'s rows, or None when the row is not an account URL."""
    if name == "account_signup":
        return {
            "email": "permission-table@example.org",
            "username": "permission-table",
            "password1": "Hanjari-permission-9",
            "password2": "Hanjari-permission-9",
            "consent_account": "on",
            "age_14": "on",
        }
    if name.startswith(("account_", "accounts:", "mfa_", "usersessions_")):
        return {}
    return None
