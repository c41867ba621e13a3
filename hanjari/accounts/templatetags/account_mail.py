"""Template tags for the account pages."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()

CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


@register.simple_tag
def mail_printed_by_server() -> bool:
    """Whether e-mails are printed in the server's output instead of sent (Django's
    console backend, the development default): the pages then say where to look."""
    return bool(settings.EMAIL_BACKEND == CONSOLE_BACKEND)
