from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "hanjari.news"
    label = "news"
    verbose_name = _("소식")

    def ready(self) -> None:
        from hanjari.accounts.personal_data import register_personal_data

        from . import personal_data

        register_personal_data("news", export=personal_data.news_export)
