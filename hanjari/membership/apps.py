from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "hanjari.membership"
    label = "membership"
    verbose_name = _("회원·협의회 가입")
