"""Create the news roles (groups 편집자 / 기자) and the default sections."""

from django.db import migrations

SECTIONS = [("센터 소식", "centre", 1), ("기업 소식", "enterprises", 2), ("언론 보도", "press", 3)]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Section = apps.get_model("news", "Section")
    for name in ("편집자", "기자"):
        Group.objects.get_or_create(name=name)
    for name, slug, order in SECTIONS:
        Section.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
