"""Projects created before the catalogue was copied at project creation get their copy now, so
that no page has to create it while being read. The history rows name the system account."""

from django.db import migrations

from apps.core.history import write_history_rows

REASON = "依据标准表格创建检查项目与缺陷目录（数据迁移）"
ITEM_FIELDS = ("service_type", "code", "name", "requirement", "method", "remark", "metric", "min_value",
               "max_value", "unit", "absolute", "order")
DEFECT_FIELDS = ("service_type", "code", "name", "grade", "description", "order")
CODE_MAX = 16


def _code(code, taken):
    return code if code not in taken else f"{code}*"[:CODE_MAX]


def copy(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    CheckItem, DefectType = apps.get_model("inspections", "CheckItem"), apps.get_model("inspections", "DefectType")
    CheckItemTemplate = apps.get_model("inspections", "CheckItemTemplate")
    DefectTemplate = apps.get_model("inspections", "DefectTemplate")
    system = apps.get_model("accounts", "User").objects.filter(username="system").values_list("pk", flat=True).first()
    for project in Project.objects.all().iterator():
        types = list(project.service_types or [])
        items = list(CheckItemTemplate.objects.filter(service_type__in=types).exclude(
            pk__in=CheckItem.objects.filter(project=project, template__isnull=False).values("template_id")))
        taken = set(CheckItem.objects.filter(project=project).values_list("code", flat=True))
        new_items = CheckItem.objects.bulk_create([
            CheckItem(project=project, template=t, **{f: getattr(t, f) for f in ITEM_FIELDS if f != "code"},
                      code=_code(t.code, taken)) for t in items])
        write_history_rows(apps.get_model("inspections", "HistoricalCheckItem"), new_items, user_id=system,
                             reason=REASON)
        by_code = {ci.template.code: ci for ci in CheckItem.objects.filter(
            project=project, template__isnull=False).select_related("template")}
        defects = list(DefectTemplate.objects.filter(service_type__in=types).exclude(
            pk__in=DefectType.objects.filter(project=project, template__isnull=False).values("template_id")))
        taken = set(DefectType.objects.filter(project=project).values_list("code", flat=True))
        new_defects = DefectType.objects.bulk_create([
            DefectType(project=project, template=t, check_item=by_code.get(t.check_item_code),
                       **{f: getattr(t, f) for f in DEFECT_FIELDS if f != "code"}, code=_code(t.code, taken))
            for t in defects])
        write_history_rows(apps.get_model("inspections", "HistoricalDefectType"), new_defects, user_id=system,
                             reason=REASON)


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0004_indicator_defects"),
        ("accounts", "0002_system_account"),
        ("projects", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
