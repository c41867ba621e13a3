"""Form helpers shared by every app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class KrdsWidgetsMixin(forms.BaseForm):
    """Give a form's widgets the KRDS classes (`krds-input`, `krds-form-select`) and
    tie help and error texts to them for screen readers (`aria-describedby`,
    `aria-invalid`). The ids are those `core/form_fields.html` renders:
    ``<field id>_help`` and ``<field id>_error``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.Select):
                css = "krds-form-select"
            elif isinstance(widget, forms.CheckboxInput | forms.FileInput | forms.HiddenInput):
                continue
            else:
                css = "krds-input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_help"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            ids = attrs.get("aria-describedby", "").split()
            ids.append(f"{self[name].auto_id}_error")
            attrs["aria-describedby"] = " ".join(dict.fromkeys(ids))
            attrs["aria-invalid"] = "true"


# Bounds on what a form accepts before it reaches the database or date arithmetic.
# An id outside a 64-bit signed integer (BigAutoField, SQLite INTEGER) is no object's
# id, and SQLite raises OverflowError when asked for it. Dates outside YEAR_MIN–YEAR_MAX
# are typing slips (0001, 9999) that break time-zone conversion and date arithmetic
# (Python's date ends at 9999, so year 1 in Korea time is year 0 in UTC).
ID_MIN, ID_MAX = -(2**63), 2**63 - 1
YEAR_MIN, YEAR_MAX = 1900, 2100


def _beyond_integer_ids(field: forms.ModelChoiceField, value: Any) -> bool:
    """Whether `value` is a whole number no integer key of `field`'s model can hold."""
    if field.queryset is None:
        return False
    meta = field.queryset.model._meta
    key = meta.get_field(field.to_field_name) if field.to_field_name else meta.pk
    if not isinstance(key, models.IntegerField):
        return False
    try:
        number = int(str(value).strip())
    except ValueError:  # not a number (or more digits than int() reads): Django answers
        return False
    return not ID_MIN <= number <= ID_MAX


class IdChoiceField(forms.ModelChoiceField):
    """`ModelChoiceField` that answers an id beyond the database's integers with its
    usual "invalid choice" error instead of an OverflowError (a 500)."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and _beyond_integer_ids(self, value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """`ModelMultipleChoiceField` that answers an id beyond the database's integers
    with its usual "not a valid value" error instead of an OverflowError (a 500)."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            if _beyond_integer_ids(self, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


def validate_year(value: dt.date | None) -> None:
    """Refuse a date or date-time whose year is outside `YEAR_MIN`–`YEAR_MAX`
    (ValidationError, code ``year_range``); None passes."""
    if value is not None and not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValidationError(
            _("%(min)s년부터 %(max)s년 사이의 날짜를 적어 주세요."),
            code="year_range",
            params={"min": YEAR_MIN, "max": YEAR_MAX},
        )


class BoundedDateField(forms.DateField):
    """`DateField` that refuses years outside `YEAR_MIN`–`YEAR_MAX` with a message."""

    default_validators = [validate_year]


class BoundedDateTimeField(forms.DateTimeField):
    """`DateTimeField` that refuses years outside `YEAR_MIN`–`YEAR_MAX` with a message."""

    default_validators = [validate_year]


_BOUNDED_FORM_FIELDS: list[tuple[type[models.Field[Any, Any]], type[forms.Field]]] = [
    # DateTimeField first: it is a subclass of DateField.
    (models.DateTimeField, BoundedDateTimeField),
    (models.DateField, BoundedDateField),
    (models.ForeignKey, IdChoiceField),  # and OneToOneField
    (models.ManyToManyField, IdMultipleChoiceField),
]


def bounded_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """A ModelForm's ``Meta.formfield_callback``: the model field's usual form field,
    but with the bounded classes above for dates, date-times and relations.

    Returns what ``db_field.formfield()`` returns (None for fields without a form
    field). A ``form_class`` given by the caller wins.
    """
    for model_field, form_class in _BOUNDED_FORM_FIELDS:
        if isinstance(db_field, model_field):
            if not db_field.choices:  # a field with choices gets its choice field
                kwargs.setdefault("form_class", form_class)
            break
    return db_field.formfield(**kwargs)


class BoundedFormSet(forms.BaseFormSet):
    """A formset that refuses more rows than it may hold, and quickly.

    Use with ``formset_factory(..., formset=BoundedFormSet, max_num=N,
    absolute_max=N, validate_max=True)``. A posted ``TOTAL_FORMS`` above
    ``absolute_max`` (a forged or broken form: the page never offers more rows)
    builds no form at all, and the formset is invalid with the ``too_many_forms``
    message ("한 번에 N줄까지 저장할 수 있습니다."), so the view answers 400 without
    first building and rendering ``absolute_max`` forms (about 25 ms each).
    """

    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "한 번에 %(num)d줄까지 저장할 수 있습니다. 줄 수를 줄여 다시 저장해 주세요.",
            "한 번에 %(num)d줄까지 저장할 수 있습니다. 줄 수를 줄여 다시 저장해 주세요.",
            "num",
        ),
    }

    def too_many_rows(self) -> bool:
        """Whether the posted row count (``TOTAL_FORMS``) is above ``absolute_max``."""
        if not self.is_bound or not self.management_form.is_valid():
            return False
        total: int = self.management_form.cleaned_data.get("TOTAL_FORMS") or 0
        limit = self.absolute_max  # formset_factory always sets it
        return limit is not None and total > limit

    def total_form_count(self) -> int:
        """Django's count, but 0 when too many rows are posted (see the class)."""
        return 0 if self.too_many_rows() else int(super().total_form_count())
