from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "apps.signatures"
    label = "signatures"
    verbose_name = _("Signatures")

    def ready(self) -> None:
        # Models that inherit SignableMixin become signable without further code; apps
        # that register an adapter do so from their own ready().
        from .registry import register_mixin_models

        register_mixin_models()
