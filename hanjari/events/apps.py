from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "hanjari.events"
    label = "events"
    verbose_name = _("행사")

    def ready(self) -> None:
        from hanjari.accounts.personal_data import register_personal_data

        from . import personal_data

        register_personal_data(
            "events.registrations",
            export=personal_data.registrations_export,
            erase=personal_data.registrations_erase,
        )
