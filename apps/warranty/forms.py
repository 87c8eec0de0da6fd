"""Forms only validate shapes; the services decide. The form of a warranty problem is problem
handling's (``apps.rectification.forms.WarrantyProblemForm``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import StyledForm
from apps.core.text import TextField

from .models import TEXT_MAX


class ConcludeForm(StyledForm):
    assessment = TextField(label=_("assessment of the warranty service"), max_length=TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("How the contractor met its warranty obligations: responses, fixes, "
                                       "remaining concerns."))
