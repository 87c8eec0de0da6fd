"""Seed the global templates with the words of §7.2 Tables 1–5 and the defects of §7.2 / Annex B."""

from django.db import migrations


def seed(apps, schema_editor):
    from apps.inspections.standard import check_item_rows, defect_rows

    CheckItemTemplate = apps.get_model("inspections", "CheckItemTemplate")
    DefectTemplate = apps.get_model("inspections", "DefectTemplate")
    for row in check_item_rows():
        CheckItemTemplate.objects.update_or_create(code=row["code"], defaults=row)
    for row in defect_rows():
        DefectTemplate.objects.update_or_create(code=row["code"], defaults=row)


def unseed(apps, schema_editor):
    apps.get_model("inspections", "DefectTemplate").objects.all().delete()
    apps.get_model("inspections", "CheckItemTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
