import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import OrgKind
from apps.accounts.models import Organization
from apps.core.rest.filters import ApiFilterSet

from .enums import Phase, RiskLevel, ServiceType
from .models import Project


class ProjectFilter(ApiFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search",
                                  widget=forms.TextInput(attrs={"class": "form-control",
                                                                "placeholder": _("Name or contract no.")}))
    phase = django_filters.ChoiceFilter(label=_("phase"), choices=Phase.choices,
                                        widget=forms.Select(attrs={"class": "form-select"}))
    service_type = django_filters.ChoiceFilter(label=_("service type"), choices=ServiceType.choices,
                                               method="filter_service_type",
                                               widget=forms.Select(attrs={"class": "form-select"}))
    risk_level = django_filters.ChoiceFilter(label=_("risk level"), choices=RiskLevel.choices,
                                             widget=forms.Select(attrs={"class": "form-select"}))
    contractor = django_filters.ModelChoiceFilter(label=_("contractor"), queryset=Organization.objects.none(),
                                                  widget=forms.Select(attrs={"class": "form-select"}))

    class Meta:
        model = Project
        fields = ["q", "phase", "service_type", "risk_level", "contractor"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only contractors of projects the user may see (no leak of other organisations).
        self.filters["contractor"].queryset = Organization.objects.filter(
            kind=OrgKind.CONTRACTOR, pk__in=self.queryset.values("contractor_id"))

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(contract_no__icontains=value))

    def filter_service_type(self, queryset, name, value):
        return queryset.filter(service_types__contains=[value])
