from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "hanjari.recognition"
    label = "recognition"
    verbose_name = _("포상·감사·기부")
