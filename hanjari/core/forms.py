"""Form helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms


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
