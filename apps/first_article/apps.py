from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FirstArticleConfig(AppConfig):
    name = "apps.first_article"
    label = "first_article"
    verbose_name = _("FirstArticle")
