from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from apps.projects.selectors import projects_visible_to

from .models import RenditionState
from .registry import forms
from .services import form_get, form_request


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    ascii_name = filename.encode("ascii", "ignore").decode() or "form.pdf"
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def form_pdf(request, code: str, object_id: int):
    """A printable form of a record the user may see: the PDF now (small forms); for large forms
    the stored copy when it is current, otherwise a page that asks for it to be generated (POST:
    the generation is queued) or says that it is being generated. Reading writes nothing."""
    spec = forms.get(code)
    if spec is None:
        raise Http404
    record = spec.model._default_manager.filter(pk=object_id).first()
    if record is None:
        raise Http404
    project = spec.project(record)
    if project is None or not projects_visible_to(request.user).filter(pk=project.pk).exists():
        raise Http404
    hook = getattr(record, "can_view_form", None)
    if callable(hook) and not hook(request.user):
        raise Http404
    if request.method == "POST":
        if spec.is_large(record):
            form_request(spec=spec, record=record, user=request.user)
        return redirect(request.path)
    result = form_get(spec=spec, record=record, user=request.user)
    if result.pdf is not None:
        return pdf_response(result.pdf, spec.file_name(record))
    rendition = result.rendition
    if result.current:
        return redirect(reverse("attachments:download", args=[rendition.attachment_id]))
    pending = rendition is not None and rendition.state == RenditionState.PENDING
    return render(request, "reports/form_pending.html", {"spec": spec, "record": record, "project": project,
                                                         "rendition": rendition, "pending": pending},
                  status=202 if pending else 200)
