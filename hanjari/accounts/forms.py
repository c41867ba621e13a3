"""Account forms: the login form with KRDS widget classes."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's login form (it checks the password and that the user is active) with
    KRDS input styling. The rate limit (django-axes) sits in front of it.

    A username longer than the user model allows (150 characters) is refused as a form
    error before anything authenticates: Django sets only the widget's ``maxlength``,
    and django-axes would record the whole name in a 255-character column (a 500 on
    PostgreSQL, found by the form fuzz test)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = cast(forms.CharField, self.fields["username"])
        if username.max_length:
            username.validators.append(MaxLengthValidator(username.max_length))
        for field in self.fields.values():
            field.widget.attrs["class"] = "krds-input"
