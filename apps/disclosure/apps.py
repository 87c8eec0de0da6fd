from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def disclosure_signed(project) -> bool:
    """§5.1.3, §6.1.2: the latest technical disclosure carries both parties' valid signatures."""
    from .selectors import is_signed_by_both, latest_disclosure

    return is_signed_by_both(latest_disclosure(project))


def disclosure_evidence(project):
    from django.utils.translation import gettext

    from .selectors import latest_disclosure

    latest = latest_disclosure(project)
    if latest is None:
        return None
    label = gettext("%(d)s of %(date)s") % {"d": latest, "date": latest.meeting_date.isoformat()}
    return label, latest.get_absolute_url()


class DisclosureConfig(AppConfig):
    name = "apps.disclosure"
    label = "disclosure"
    verbose_name = _("Disclosure")

    def ready(self) -> None:
        from apps.projects.gates import registry

        from . import rules  # noqa: F401 — registers the rules

        registry.implement("disclosure_signed", disclosure_signed, evidence=disclosure_evidence)
