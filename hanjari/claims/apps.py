from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "hanjari.claims"
    label = "claims"
    verbose_name = _("조직 신청")

    def ready(self) -> None:
        from hanjari.accounts.personal_data import register_personal_data

        from .personal_data import claims_personal_data
        from .services import claims_erase_personal_data

        # At an account's deletion its claims go with their evidence files (they hold
        # the claimant's role and documents); organisations an approved claim made stay.
        register_personal_data(
            "claims",
            export=claims_personal_data,
            erase=lambda user: claims_erase_personal_data(user=user, by=None),
        )
