from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "hanjari.search"
    label = "search"
    verbose_name = _("검색")

    def ready(self) -> None:
        # Search imports the domain apps (never the other way round) and registers
        # their documents; later apps add their own kinds the same way.
        from .documents import register_defaults

        register_defaults()
