from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "apps.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from . import gates  # noqa: F401  (declares the lifecycle gates)
