from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "apps.teams"
    label = "teams"
    verbose_name = _("Teams")

    def ready(self) -> None:
        # §8.1.1: contractor people whose filing is not approved cannot sign (and a pledge is
        # signed by its own member). See docs/teams.md.
        from apps.signatures.services import signer_checks

        from . import rules  # noqa: F401 — registers the rules
        from .services import signer_check

        if signer_check not in signer_checks:
            signer_checks.append(signer_check)
