"""Forms only validate shapes; the services decide. State, position, project and who checked are
never form fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import MAX_INT, PasswordField, StyledForm, VersionField
from apps.core.text import LineField, TextField

from .enums import LineKind, Medium
from .models import LINE_MAX, TEXT_MAX


class NoteForm(StyledForm):
    note = TextField(label=_("remarks"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                     help_text=_("What goes with the list, how and where it is delivered."))
    version = VersionField()


class CreateForm(StyledForm):
    note = TextField(label=_("remarks"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LineForm(StyledForm):
    kind = forms.ChoiceField(label=_("kind"), choices=LineKind.choices)
    description = LineField(label=_("what is handed over"), max_length=LINE_MAX)
    quantity = forms.IntegerField(label=_("quantity"), min_value=1, max_value=MAX_INT)
    unit = LineField(label=_("unit"), max_length=20, help_text=_("e.g. 卷, 件, 册, 盒, GB"))
    medium = forms.ChoiceField(label=_("medium"), choices=Medium.choices)
    note = LineField(label=_("remarks"), max_length=LINE_MAX, required=False,
                     help_text=_("Name the medium when it is “other”."))
    version = VersionField()


class ReasonForm(StyledForm):
    reason = TextField(label=_("reason"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}),
                       error_messages={"required": _("Give a reason.")})
    version = VersionField()


class VersionForm(StyledForm):
    version = VersionField()


class SignForm(StyledForm):
    password = PasswordField(label=_("your password"), help_text=_("Signing re-checks your password."))
