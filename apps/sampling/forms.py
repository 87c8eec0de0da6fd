"""Forms only validate shapes; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import VersionField
from apps.core.text import TextField
from apps.projects.enums import ServiceType

from .enums import AqlValue, InspectionLevel
from .models import SamplingSettings

ANY_FATAL_REJECTS = [("", _("none: any fatal defect rejects the lot (Ac 0, Re 1)"))]


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")


def _rate_field(name: str) -> forms.DecimalField:
    return forms.DecimalField(label=SamplingSettings._meta.get_field(name).verbose_name, min_value=Decimal("0.01"),
                              max_value=Decimal("100"), max_digits=5, decimal_places=2)


class SettingsForm(_Styled):
    level = forms.ChoiceField(label=_("inspection level"), choices=InspectionLevel.choices,
                              help_text=_("GB/T 2828.1 Table 1; general level II unless the contract says otherwise."))
    aql_fatal = forms.ChoiceField(label=_("AQL for fatal defects"), choices=ANY_FATAL_REJECTS + AqlValue.choices,
                                  required=False)
    aql_serious = forms.ChoiceField(label=_("AQL for serious defects"), choices=AqlValue.choices)
    aql_general = forms.ChoiceField(label=_("AQL for general defects"), choices=AqlValue.choices)
    fatal_rejects = forms.BooleanField(label=_("any fatal defect rejects the lot"), required=False,
                                       help_text=_("Unless the contract says otherwise."))
    floor_rate_ordinary = _rate_field("floor_rate_ordinary")
    floor_rate_classified = _rate_field("floor_rate_classified")
    high_risk_floor_rate_ordinary = _rate_field("high_risk_floor_rate_ordinary")
    high_risk_floor_rate_classified = _rate_field("high_risk_floor_rate_classified")
    reduced_allowed = forms.BooleanField(label=_("reduced inspection allowed"), required=False)
    version = VersionField(required=True)

    @classmethod
    def initial_from(cls, settings: SamplingSettings) -> dict:
        data = {name: getattr(settings, name) for name in cls.base_fields if name != "version"}
        data["aql_fatal"] = settings.aql_fatal or ""
        data["version"] = settings.version
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version")
        data["aql_fatal"] = data["aql_fatal"] or None
        return data


class ApproveReducedForm(_Styled):
    production_steady = forms.BooleanField(label=_("Production is at a steady rate"), required=True)
    reason = TextField(label=_("note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField(required=True)


class ReasonForm(_Styled):
    reason = TextField(label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField(required=True)


class PlanPreviewForm(_Styled):
    service_type = forms.ChoiceField(label=_("service type"), choices=ServiceType.choices)
    lot_size = forms.IntegerField(label=_("lot size"), min_value=1, max_value=10_000_000)

    def __init__(self, *args, service_types: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if service_types:
            self.fields["service_type"].choices = [(v, ServiceType(v).label) for v in service_types]
