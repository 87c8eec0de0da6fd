"""Forms only validate shapes; the services decide. Status, number, project, version and the
like are never form fields (mass assignment)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError
from apps.core.forms import DateField, DateInput, StyledForm
from apps.core.text import LineField, TextField
from apps.projects.enums import ServiceType

from .enums import BatchStatus, InspectionConclusion, Unit
from .imports import MAX_FILE_BYTES
from .models import MAX_COUNT, STEP_MAX, TEXT_MAX
from .validators import checker_is_not_producer

# Process steps offered as suggestions (free text is allowed: the plan names the project's steps).
PROCESS_STEPS = ["档案整理", "拆卷", "扫描", "图像处理", "著录", "数据挂接", "装订", "质检", "数据处理", "搬迁"]


def _service_type_choices(project):
    allowed = set(project.service_types or ServiceType.values)
    return [(v, label) for v, label in ServiceType.choices if v in allowed]


class BatchForm(StyledForm):
    service_type = forms.ChoiceField(label=_("service type"))
    unit = forms.ChoiceField(label=_("unit"), choices=Unit.choices, initial=Unit.ITEM)
    quantity = forms.IntegerField(label=_("quantity"), min_value=0, max_value=MAX_COUNT, initial=0, required=False,
                                  help_text=_("Leave 0 and import the item list: the quantity is then the number "
                                              "of items."))
    description = LineField(label=_("description"), max_length=500, required=False,
                                  help_text=_("What the batch consists of, e.g. fonds, years, boxes."))

    def __init__(self, *args, project, has_items: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = _service_type_choices(project)
        if has_items:
            self.fields["quantity"].disabled = True

    def clean_quantity(self):
        return self.cleaned_data.get("quantity") or 0


class ImportForm(StyledForm):
    file = forms.FileField(label=_("item list (.xlsx or .csv)"),
                           help_text=_("Header row: 档号 (required), 题名, 页数, 文件名 — or archive_code, title, pages, "
                                       "file_name. At most %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)})


class SpecialInspectionForm(StyledForm):
    date = DateField(label=_("date"), widget=DateInput())
    checked_count = forms.IntegerField(label=_("checked"), min_value=1, max_value=MAX_COUNT)
    nonconforming_count = forms.IntegerField(label=_("nonconforming"), min_value=0, max_value=MAX_COUNT, initial=0)
    conclusion = forms.ChoiceField(label=_("conclusion"), choices=InspectionConclusion.choices,
                                   widget=forms.RadioSelect)
    findings = TextField(label=_("findings"), max_length=TEXT_MAX, required=False,
                         widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Required when the inspection failed."))
    nonconforming_positions = forms.CharField(
        label=_("positions of nonconforming items"), max_length=5000, required=False,
        help_text=_("Item positions in the list, separated by commas or spaces, e.g. 3, 17, 42."))
    inspector = forms.ModelChoiceField(label=_("special inspector"), queryset=None, required=False,
                                       help_text=_("You, if left empty."))

    def __init__(self, *args, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = inspectors
        self.fields["date"].initial = timezone.localdate()

    def clean_nonconforming_positions(self):
        text = self.cleaned_data.get("nonconforming_positions") or ""
        parts = [p for p in text.replace("，", ",").replace("、", ",").replace(",", " ").split() if p]
        if any(not p.isdigit() or not p.isascii() or len(p) > 9 for p in parts):
            raise forms.ValidationError(_("Give positions as whole numbers separated by commas."))
        return [int(p) for p in parts]


class SelfCheckForm(StyledForm):
    operator = forms.ModelChoiceField(label=_("operator"), queryset=None)
    date = DateField(label=_("date"), widget=DateInput())
    process_step = LineField(label=_("process step"), max_length=STEP_MAX,
                             widget=forms.TextInput(attrs={"list": "process-steps"}))
    output_count = forms.IntegerField(label=_("output"), min_value=0, max_value=MAX_COUNT)
    self_checked_count = forms.IntegerField(label=_("self-checked"), min_value=0, max_value=MAX_COUNT)
    nonconforming_count = forms.IntegerField(label=_("defects"), min_value=0, max_value=MAX_COUNT, initial=0,
                                             required=False)
    findings = LineField(label=_("findings"), max_length=TEXT_MAX, required=False)
    batch = forms.ModelChoiceField(label=_("batch"), queryset=None, required=False)

    def __init__(self, *args, staff, batches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = staff
        self.fields["batch"].queryset = batches

    def clean_nonconforming_count(self):
        return self.cleaned_data.get("nonconforming_count") or 0


class MutualCheckForm(StyledForm):
    producer = forms.ModelChoiceField(label=_("producer"), queryset=None)
    checker = forms.ModelChoiceField(label=_("checker"), queryset=None)
    date = DateField(label=_("date"), widget=DateInput())
    process_step = LineField(label=_("process step checked"), max_length=STEP_MAX,
                             widget=forms.TextInput(attrs={"list": "process-steps"}))
    checked_count = forms.IntegerField(label=_("checked"), min_value=1, max_value=MAX_COUNT)
    nonconforming_count = forms.IntegerField(label=_("nonconforming"), min_value=0, max_value=MAX_COUNT, initial=0,
                                             required=False)
    findings = LineField(label=_("findings"), max_length=TEXT_MAX, required=False)
    batch = forms.ModelChoiceField(label=_("batch"), queryset=None, required=False)

    def __init__(self, *args, staff, batches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = staff
        self.fields["checker"].queryset = staff
        self.fields["batch"].queryset = batches

    def clean_nonconforming_count(self):
        return self.cleaned_data.get("nonconforming_count") or 0

    def clean(self):
        data = super().clean()
        try:
            checker_is_not_producer(data.get("producer"), data.get("checker"))
        except DomainError as exc:
            self.add_error("checker", exc.message)
        return data


class BatchFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("all statuses"))] + list(BatchStatus.choices))
    service_type = forms.ChoiceField(label=_("service type"), required=False,
                                     choices=[("", _("all service types"))] + list(ServiceType.choices))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
