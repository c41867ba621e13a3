from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "hanjari.membership"
    label = "membership"
    verbose_name = _("회원·협의회 가입")

    def ready(self) -> None:
        from hanjari.accounts.personal_data import register_personal_data

        from .personal_data import membership_erase
        from .selectors import membership_personal_data

        register_personal_data(
            "membership", export=membership_personal_data, erase=membership_erase
        )
