"""Registration state as columns (the audit log only records).

Adds `Registration.email_confirmed_at` and `Registration.superseded_by` and fills them
for existing rows from what the audit log recorded until now:

- `superseded_by`: from each ``events.registration.superseded`` entry's
  ``superseded_by``;
- `email_confirmed_at`: registrations of members and staff entries at their creation
  (no confirmation needed); a guest's at its ``events.registration.guest_confirmed``
  entry, else — a guest registration that left the unconfirmed state other than by
  ending (it holds or waits for seats, or ended after being confirmed) — its
  `confirmed_at` or last change; empty for guests still unconfirmed and for those that
  ended (cancelled, superseded, rejected) while unconfirmed (an ending entry with
  ``"previous": "unconfirmed"``).

The audit entries of existing registrations are shown as ``#<id> · <event title>``
(the new `Registration.__str__`), so that no entry keeps the name of a person whose
registration is later purged. Reversing drops the columns and leaves the entries.
"""

import django.db.models.deletion
from django.db import migrations, models

REGISTRATION_TYPE = "events.registration"
ENDING_ACTIONS = (
    "events.registration.superseded",
    "events.registration.cancelled",
    "events.registration.rejected",
)


def fill_columns(apps, schema_editor):
    Registration = apps.get_model("events", "Registration")
    AuditEntry = apps.get_model("core", "AuditEntry")
    entries = AuditEntry.objects.filter(target_type=REGISTRATION_TYPE)

    existing = set(Registration.objects.values_list("pk", flat=True))
    superseded = entries.filter(action="events.registration.superseded")
    for target_id, data in superseded.values_list("target_id", "data").iterator():
        new = (data or {}).get("superseded_by")
        if str(target_id).isdigit() and isinstance(new, int) and new in existing:
            Registration.objects.filter(pk=int(target_id)).update(superseded_by_id=new)

    Registration.objects.exclude(source="guest").update(
        email_confirmed_at=models.F("created_at")
    )
    confirmed = {}
    for target_id, when in (
        entries.filter(action="events.registration.guest_confirmed")
        .order_by("created_at")
        .values_list("target_id", "created_at")
        .iterator()
    ):
        confirmed.setdefault(target_id, when)
    ended_unconfirmed = set(
        entries.filter(action__in=ENDING_ACTIONS, data__previous="unconfirmed").values_list(
            "target_id", flat=True
        )
    )
    guests = Registration.objects.filter(source="guest").exclude(status="unconfirmed")
    for reg in guests.only("pk", "status", "confirmed_at", "updated_at").iterator():
        key = str(reg.pk)
        if key in confirmed:
            when = confirmed[key]
        elif reg.status in ("cancelled", "rejected") and key in ended_unconfirmed:
            continue
        else:
            when = reg.confirmed_at or reg.updated_at
        Registration.objects.filter(pk=reg.pk).update(email_confirmed_at=when)

    titles = dict(Registration.objects.values_list("pk", "event__title"))
    for pk, title in titles.items():
        entries.filter(target_id=str(pk)).update(target_repr=f"#{pk} · {title}"[:300])


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('events', '0004_random_upload_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='registration',
            name='email_confirmed_at',
            field=models.DateTimeField(blank=True, help_text='회원·센터 등록은 신청한 때, 비회원은 확인 메일의 링크를 누른 때입니다. 비어 있으면 이메일 주소가 확인되지 않은 신청입니다.', null=True, verbose_name='이메일 확인한 때'),
        ),
        migrations.AddField(
            model_name='registration',
            name='superseded_by',
            field=models.ForeignKey(blank=True, help_text='같은 이메일 주소로 더 나중에 한 신청이 이 확인 전 신청을 대신했습니다.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='events.registration', verbose_name='대신한 신청'),
        ),
        migrations.RunPython(fill_columns, migrations.RunPython.noop),
    ]
