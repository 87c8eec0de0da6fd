"""Thin views: scoped lookup, form, one service call, message, redirect."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.errors import DomainError
from apps.core.history import client_ip
from apps.core.permissions import require
from apps.core.refusals import show_refusal

from . import selectors, services
from .enums import SignatureMeaning
from .forms import SignForm
from .hashing import canonical_json
from .registry import signables


def _back_url(request, record, project) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only relative URLs: an open redirect would let a phishing link end on a signing page.
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None, require_https=False):
        return target
    if hasattr(record, "get_absolute_url"):
        return record.get_absolute_url()
    return project.get_absolute_url()


@login_required
@require_http_methods(["GET", "POST"])
def sign(request, content_type_id: int, object_id: int):
    record, project = selectors.signable_record_for_user(request.user, content_type_id=content_type_id,
                                                         object_id=object_id)
    require("signatures.may_sign", request.user)
    signable = signables.get(record)
    parties = signable.parties_for(record)
    meanings = [m for m in SignatureMeaning.values if any(m in signable.meanings_for(p) for p in parties)]
    own_parties = services.signing_parties(user=request.user, record=record)
    form = SignForm(request.POST if request.method == "POST" else None, parties=parties, meanings=meanings,
                    initial={"party": own_parties[0]} if own_parties else None)
    back = _back_url(request, record, project)
    if request.method == "POST" and form.is_valid():
        try:
            services.signature_sign(record=record, user=request.user, password=form.cleaned_data["password"],
                                    party=form.cleaned_data["party"], meaning=form.cleaned_data["meaning"],
                                    request_ip=client_ip(request))
        except DomainError as exc:
            show_refusal(_on_the_form(exc), form=form)
        else:
            messages.success(request, _("Signed."))
            return redirect(back)
    return render(request, "signatures/sign_form.html", {
        "form": form, "record": record, "project": project, "next": back, "can_sign": bool(own_parties),
        "content": _content_rows(record, signable.signed_content(record)),
    })


def _on_the_form(exc: DomainError) -> DomainError:
    """On the signing form every refusal is about what the person chose there (the party, the
    meaning, the password), so it is shown next to that field, a permission refusal included
    (who may sign for which party is only known once the party is chosen)."""
    return DomainError(exc.message, code=exc.code, field=exc.field, details=exc.details)


def _content_rows(record, content: dict) -> list[tuple[str, object]]:
    """What is signed, as (label, value) rows: a key named after a model field shows its label."""
    labels = {f.name: f.verbose_name for f in record._meta.get_fields() if hasattr(f, "verbose_name")}
    return [(str(labels.get(key, key)), value)
            for key, value in sorted(json.loads(canonical_json(content)).items())]


@login_required
@require_GET
def project_verify(request, project_id: int):
    project = selectors.project_for_user(request.user, project_id)
    checks = selectors.project_signatures_verify(project=project)
    return render(request, "signatures/verify.html", {
        "project": project, "checks": checks, "broken": sum(1 for c in checks if not c.valid),
    })
