"""Add the defect templates of the numeric indicators that no defect of §7.2 names
(standard.INDICATOR_DEFECTS); projects get them on the next ensure_catalogue()."""
from django.db import migrations


def seed(apps, schema_editor):
    from apps.inspections.standard import INDICATOR_SUFFIX, defect_rows

    DefectTemplate = apps.get_model("inspections", "DefectTemplate")
    for row in defect_rows():
        if row["name"].endswith(INDICATOR_SUFFIX) and row["check_item_code"]:
            DefectTemplate.objects.update_or_create(code=row["code"], defaults=row)


def unseed(apps, schema_editor):
    from apps.inspections.standard import INDICATOR_SUFFIX

    apps.get_model("inspections", "DefectTemplate").objects.filter(name__endswith=INDICATOR_SUFFIX).exclude(
        check_item_code="").delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_ledger_search_text")]
    operations = [migrations.RunPython(seed, unseed)]
