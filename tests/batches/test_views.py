from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.batches.enums import BatchStatus
from apps.batches.models import Batch, MutualCheck, SelfCheck, SpecialInspection

from .builders import draft, not_accepted, special_pass, submitted

pytestmark = pytest.mark.django_db


def test_contractor_sees_drafts_client_does_not(ready, login):
    d = draft(ready)
    s = submitted(ready)
    page = login(ready.pm).get(reverse("batches:project", args=[ready.project.pk]))
    assert page.status_code == 200 and d.description in page.content.decode()
    assert d in page.context["page"].object_list and s in page.context["page"].object_list
    for who in ("inspector", "regulator"):
        page = login(getattr(ready, who)).get(reverse("batches:project", args=[ready.project.pk]))
        assert page.status_code == 200
        assert list(page.context["page"].object_list) == [s]
        assert login(getattr(ready, who)).get(reverse("batches:detail", args=[d.pk])).status_code == 404
        assert login(getattr(ready, who)).get(reverse("batches:detail", args=[s.pk])).status_code == 200


def test_filters_and_bad_filters(ready, login):
    draft(ready)
    s = submitted(ready)
    c = login(ready.pm)
    url = reverse("batches:project", args=[ready.project.pk])
    assert list(c.get(url, {"status": "submitted"}).context["page"].object_list) == [s]
    assert c.get(url, {"status": "bogus", "service_type": "x", "page": "zz"}).status_code == 200


@pytest.mark.parametrize("name", ["project", "create", "checks"])
def test_outsiders_get_404_on_project_pages(ready, login, name):
    for who in ("outsider", "other_regulator"):
        assert login(getattr(ready, who)).get(reverse(f"batches:{name}", args=[ready.project.pk])).status_code == 404


@pytest.mark.parametrize("name", ["detail", "edit", "import", "special_inspection"])
def test_outsiders_get_404_on_batch_pages(ready, login, name):
    b = submitted(ready)
    assert login(ready.outsider).get(reverse(f"batches:{name}", args=[b.pk])).status_code == 404
    assert login(ready.outsider).post(reverse("batches:submit", args=[b.pk])).status_code == 404


def test_create_edit_import_special_submit_through_pages(ready, login):
    c = login(ready.pm)
    response = c.post(reverse("batches:create", args=[ready.project.pk]),
                      {"service_type": "digitization", "unit": "item", "quantity": "0", "description": "第1批"})
    batch = Batch.objects.get()
    assert response.status_code == 302 and response.url == batch.get_absolute_url()
    response = c.post(reverse("batches:edit", args=[batch.pk]),
                      {"service_type": "digitization", "unit": "volume", "quantity": "5", "description": "改",
                       "version": str(batch.version)})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.unit, batch.quantity) == ("volume", 5)
    upload = SimpleUploadedFile("list.csv", "档号,题名,页数\nA-1,甲,2\nA-2,乙,3\n".encode("gb18030"))
    response = c.post(reverse("batches:import", args=[batch.pk]), {"file": upload})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.quantity == 2
    # The import is a write path like the others (security row 15): one history row per imported
    # item, naming the person who imported and a reason.
    from apps.batches.models import BatchItem

    imported = BatchItem.history.filter(batch_id=batch.pk, history_type="+")
    assert imported.count() == 2
    assert {(r.history_user, bool(r.history_change_reason)) for r in imported} == {(ready.pm, True)}
    response = c.post(reverse("batches:special_inspection", args=[batch.pk]),
                      {"date": timezone.localdate().isoformat(), "checked_count": "2", "nonconforming_count": "0",
                       "conclusion": "passed", "nonconforming_positions": "", "inspector": ready.special.pk})
    assert response.status_code == 302, response.context["form"].errors
    assert SpecialInspection.objects.count() == 1
    detail = c.get(batch.get_absolute_url())
    assert detail.status_code == 200 and detail.context["can_submit"] and not detail.context["refusals"]
    response = c.post(reverse("batches:submit", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUBMITTED


def test_bad_input_on_pages_changes_nothing(ready, login):
    c = login(ready.pm)
    r = c.post(reverse("batches:create", args=[ready.project.pk]), {"service_type": "storage", "unit": "kg"})
    assert r.status_code == 200 and not Batch.objects.exists()
    batch = draft(ready)
    r = c.post(reverse("batches:import", args=[batch.pk]),
               {"file": SimpleUploadedFile("x.csv", "档号,页数\n,1\nB,x\n".encode())})
    assert r.status_code == 200 and "Row 2" in r.content.decode() and "Row 3" in r.content.decode()
    assert batch.items.count() == 10
    r = c.post(reverse("batches:import", args=[batch.pk]), {"file": SimpleUploadedFile("x.doc", b"abc")})
    assert r.status_code == 200 and ".xlsx or .csv" in r.content.decode()
    r = c.post(reverse("batches:special_inspection", args=[batch.pk]),
               {"date": "notadate", "checked_count": "-1", "conclusion": "x", "nonconforming_positions": "a,b"})
    assert r.status_code == 200 and not SpecialInspection.objects.exists()
    r = c.post(reverse("batches:special_inspection", args=[batch.pk]),
               {"date": timezone.localdate().isoformat(), "checked_count": "10", "nonconforming_count": "1",
                "conclusion": "passed", "nonconforming_positions": "999", "inspector": ready.special.pk})
    assert r.status_code == 200 and "not in the batch" in r.content.decode()
    r = c.post(reverse("batches:edit", args=[batch.pk]),
               {"service_type": "digitization", "unit": "item", "description": "x", "version": "abc"})
    assert r.status_code == 200 and "Someone else changed this record" in r.content.decode()
    r = c.post(reverse("batches:submit", args=[batch.pk]), follow=True)
    assert r.status_code == 200 and "cannot be submitted" in r.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT


@pytest.mark.parametrize("who", ["lead", "inspector", "operator", "security"])
def test_wrong_roles_get_403(ready, login, who):
    batch = draft(ready)
    c = login(getattr(ready, who))
    assert c.get(reverse("batches:create", args=[ready.project.pk])).status_code == 403
    if who in ("lead", "inspector"):
        return  # the client does not see drafts at all (404, tested above)
    assert c.get(reverse("batches:edit", args=[batch.pk])).status_code == 403
    assert c.get(reverse("batches:import", args=[batch.pk])).status_code == 403
    assert c.get(reverse("batches:special_inspection", args=[batch.pk])).status_code == 403
    assert c.post(reverse("batches:submit", args=[batch.pk])).status_code == 403


def test_regulator_is_read_only(ready, login):
    batch = submitted(ready)
    c = login(ready.regulator)
    assert c.get(batch.get_absolute_url()).status_code == 200
    assert c.get(reverse("batches:checks", args=[ready.project.pk])).status_code == 200
    for url in (reverse("batches:create", args=[ready.project.pk]), reverse("batches:submit", args=[batch.pk]),
                reverse("batches:resubmit", args=[batch.pk]),
                reverse("batches:add_self_check", args=[ready.project.pk])):
        assert c.post(url, {"service_type": "digitization"}).status_code == 403
    assert Batch.objects.count() == 1


def test_special_page_refused_once_submitted_and_resubmit_button(ready, login):
    batch = not_accepted(ready)
    c = login(ready.pm)
    page = c.get(batch.get_absolute_url())
    assert page.context["can_resubmit"]
    r = c.post(reverse("batches:resubmit", args=[batch.pk]))
    new = Batch.objects.get(resubmission_of=batch)
    assert r.status_code == 302 and r.url == new.get_absolute_url()
    r = c.post(reverse("batches:resubmit", args=[batch.pk]), follow=True)
    assert "not accepted can be resubmitted" in r.content.decode()
    r = c.get(reverse("batches:edit", args=[batch.pk]))
    assert r.status_code == 302


def _self_data(w, **overrides):
    data = {"self-operator": w.operator.pk, "self-date": timezone.localdate().isoformat(), "self-process_step": "扫描",
            "self-output_count": "300", "self-self_checked_count": "280", "self-nonconforming_count": "1",
            "self-findings": "", "self-batch": ""}
    data.update(overrides)
    return data


def test_fast_entry_with_htmx(ready, login):
    c = login(ready.operator)
    url = reverse("batches:add_self_check", args=[ready.project.pk])
    r = c.post(url, _self_data(ready), HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and SelfCheck.objects.count() == 1
    body = r.content.decode()
    assert 'id="self-block"' in body and "<html" not in body and "autofocus" in body
    assert "table-danger" in body  # 280 of 300: flagged in red
    r = c.post(url, _self_data(ready, **{"self-self_checked_count": "301"}), HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "cannot exceed" in r.content.decode() and SelfCheck.objects.count() == 1
    page = c.get(reverse("batches:checks", args=[ready.project.pk]))
    assert page.status_code == 200 and len(page.context["incomplete"]) == 1


def test_entry_without_htmx_and_bad_input(ready, login):
    c = login(ready.special)
    url = reverse("batches:add_mutual_check", args=[ready.project.pk])
    data = {"mutual-producer": ready.operator.pk, "mutual-checker": ready.special.pk,
            "mutual-date": timezone.localdate().isoformat(), "mutual-process_step": "图像处理",
            "mutual-checked_count": "50", "mutual-nonconforming_count": "0"}
    assert c.post(url, data).status_code == 302 and MutualCheck.objects.count() == 1
    r = c.post(url, {**data, "mutual-checker": ready.operator.pk})
    assert r.status_code == 400 and "must not be the producer" in r.content.decode()
    r = c.post(url, {**data, "mutual-producer": "abc", "mutual-checked_count": "x"})
    assert r.status_code == 400
    r = c.post(url, {**data, "mutual-producer": ready.security.pk})  # not filed
    assert r.status_code == 400
    assert MutualCheck.objects.count() == 1


def test_checks_wrong_roles(ready, login):
    for who in ("lead", "inspector", "security"):
        r = login(getattr(ready, who)).post(reverse("batches:add_self_check", args=[ready.project.pk]),
                                            _self_data(ready))
        assert r.status_code == 403
    assert login(ready.outsider).post(reverse("batches:add_self_check", args=[ready.project.pk]),
                                      _self_data(ready)).status_code == 404
    assert not SelfCheck.objects.exists()


def test_items_are_paginated(ready, login):
    from apps.batches import services

    batch = draft(ready, items=False)
    services.batch_items_replace(batch=batch, user=ready.pm,
                                 rows=[{"archive_code": f"A-{i}", "title": "", "pages": None, "file_name": ""}
                                       for i in range(250)])
    special_pass(batch, ready, nonconforming_count=1, nonconforming_positions=[3])
    page = login(ready.pm).get(batch.get_absolute_url(), {"page": "3"})
    assert page.status_code == 200 and len(page.context["items"].object_list) == 50
    assert login(ready.pm).get(batch.get_absolute_url(), {"page": "x"}).status_code == 200


def test_project_page_links_to_batches(ready, login):
    page = login(ready.pm).get(reverse("projects:detail", args=[ready.project.pk]))
    assert reverse("batches:project", args=[ready.project.pk]) in page.content.decode()
