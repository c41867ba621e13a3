from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "hanjari.claims"
    label = "claims"
    verbose_name = _("조직 신청")
