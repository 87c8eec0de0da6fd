from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FirstArticleConfig(AppConfig):
    name = "apps.first_article"
    label = "first_article"
    verbose_name = _("First article verification")

    def ready(self) -> None:
        from apps.projects.gates import registry

        from .selectors import first_article_evidence, first_article_passed

        # §5.1.4: batch production starts only after the first batch passed and both parties signed.
        registry.implement("first_article_passed", first_article_passed, evidence=first_article_evidence)

        from apps.projects.hooks import register_history_source

        from .models import FirstArticleVerification, RectificationSheet, WorkContactSheet

        register_history_source(lambda project: FirstArticleVerification.history.filter(project_id=project.pk))
        register_history_source(lambda project: WorkContactSheet.history.filter(project_id=project.pk))
        register_history_source(lambda project: RectificationSheet.history.filter(project_id=project.pk))
