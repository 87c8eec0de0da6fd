from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DateField, DateInput
from apps.core.text import LineField, TextField


class DisclosureForm(forms.Form):
    meeting_date = DateField(label=_("meeting date"), widget=DateInput(attrs={"class": "form-control"}))
    place = LineField(label=_("place"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    note = TextField(label=_("note"), max_length=5000, required=False,
                     widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))


class ItemForm(forms.Form):
    text = TextField(label=_("content"), max_length=20000, required=False,
                     widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}))


class AttendanceForm(forms.Form):
    attendees = forms.ModelMultipleChoiceField(queryset=get_user_model().objects.none(), label=_("attendees"),
                                               required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.teams.selectors import approved_staff

        members = project.members.filter(is_active=True).values("user_id")
        User = get_user_model()
        self.fields["attendees"].queryset = (
            User.objects.filter(pk__in=members) | User.objects.filter(pk__in=approved_staff(project).values("pk"))
        ).distinct().order_by("organization__kind", "name")
