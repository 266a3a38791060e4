from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LevelupConfig(AppConfig):
    name = "levelup"
    verbose_name = _("LevelUp core")

    def ready(self) -> None:
        from . import signals  # noqa: F401 -- hooks third-party apps (axes) into the audit log
