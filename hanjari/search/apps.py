from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "hanjari.search"
    label = "search"
    verbose_name = _("검색")

    def ready(self) -> None:
        # Search imports the domain apps (never the other way round) and registers
        # their documents; later apps add their own kinds the same way.
        from hanjari.registry.signals import organizations_written

        from .documents import register_defaults
        from .tasks import index_written_organizations

        register_defaults()
        organizations_written.connect(
            index_written_organizations, dispatch_uid="search:organizations_written"
        )
