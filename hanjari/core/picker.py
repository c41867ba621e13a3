"""The search picker (검색해서 고르기): a form field and widget that choose one or more
rows of a large table (tens of thousands of organisations) by searching for them, not by
typing ids and not from a select of every row.

The widget is a text box with a suggestion list under it — the ARIA combobox pattern
(``role=combobox``, ``aria-expanded``, ``aria-activedescendant``, a ``listbox`` of
``option`` elements; arrow keys, Enter and Escape), run by ``hanjari/js/picker.js``,
which asks the field's `source` URL for suggestions with htmx — above the chosen rows,
each a ticked check box named after the field (untick to remove).

Without scripts the form still works: the text box is a plain text box, and the field
resolves its text when the form is posted (``#12``: the row with id 12; otherwise the
caller's `find_by_text`, e.g. an organisation's exact name). When the text names no row
or several, the form comes back with the error and the closest rows as boxes to tick.

What the widget posts under the field's name, and the field accepts:

* ids: ``12`` or ``#12`` (also ``#12 전주한옥마을협동조합``, as the older text forms showed
  a chosen row), 1 to 18 ASCII digits; other numbers are "no such row" errors;
* text: anything else, one entry per line.

Core knows no app: the caller gives the queryset, the URL name of the suggestions
endpoint (`source`) and, by subclassing, how a row is described and found by text
(`hanjari.registry.forms.OrganizationPickerField` is the organisation picker).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .identifiers import is_object_id
from .text import replace_controls

# "12", "#12" or "#12 이름" (the older forms' way of showing a chosen row).
_ID_TEXT = re.compile(r"^#?(\d+)(?:\s.*)?$", re.DOTALL)
# Typed text is cut to this many characters before any lookup (a name is at most 200).
MAX_TEXT = 200
# Texts and ids one field accepts in one post (the page never posts more than a few).
MAX_VALUES = 100


@dataclass(frozen=True)
class PickerItem:
    """A row as the picker shows it: `pk`, `title` (e.g. the organisation's name) and
    `detail` (e.g. "전북특별자치도 전주시 · 마을기업"), both plain text."""

    pk: int
    title: str
    detail: str = ""


def parse_values(
    values: Iterable[Any],
) -> tuple[list[tuple[int | None, str]], list[str], list[Any]]:
    """Split posted values into (ids, texts, objects).

    Model instances (an unbound form's initial) are passed through as objects; ``12``,
    ``#12`` and ``#12 이름`` are ids, each as (id, the number as posted — cut to 30
    digits), the id None for a number that is no database id (0, or 30 digits) so the
    caller can say "no such row"; anything else is text, split into lines, control
    characters removed, cut to `MAX_TEXT` characters. Empty values are dropped. At most
    `MAX_VALUES` values are read. Never raises."""
    ids: list[tuple[int | None, str]] = []
    texts: list[str] = []
    objects: list[Any] = []
    for value in list(values)[:MAX_VALUES]:
        if isinstance(value, models.Model):
            objects.append(value)
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            ids.append((value if value > 0 else None, str(value)))
            continue
        for line in str(value).splitlines():
            text = replace_controls(line, " ").strip()
            if not text:
                continue
            match = _ID_TEXT.match(text)
            if match:
                digits = match.group(1)
                pk = int(digits) if is_object_id(digits) and int(digits) > 0 else None
                ids.append((pk, digits[:30]))
            else:
                texts.append(text[:MAX_TEXT])
    return ids, texts, objects


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, models.QuerySet):
        return list(value)
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


class PickerWidget(forms.Widget):
    """The picker's HTML (``core/widgets/picker.html``): chosen rows as ticked boxes,
    candidates (after a text that named none or several) as boxes to tick, and the
    search box. Set by `ObjectPickerField`: `source` (URL name or path of the
    suggestions), `multiple`, `queryset` and `describe`. The box carries the form's
    attributes (id, class, aria-describedby), so the field's label names it."""

    template_name = "core/widgets/picker.html"

    class Media:
        css = {"all": ["hanjari/css/picker.css"]}
        js = [forms.Script("hanjari/js/picker.js", defer=True)]

    def __init__(
        self, attrs: dict[str, Any] | None = None, *, source: str = "", multiple: bool = False
    ) -> None:
        super().__init__(attrs)
        self.source = source
        self.multiple = multiple
        self.queryset: models.QuerySet[Any] | None = None
        self.describe: Any = lambda obj: PickerItem(obj.pk, str(obj))
        self.candidates: list[Any] = []
        self.replaced_texts: list[str] = []

    def __deepcopy__(self, memo: dict[int, Any]) -> PickerWidget:
        result = copy.copy(self)
        memo[id(self)] = result
        result.attrs = self.attrs.copy()
        result.candidates = []
        result.replaced_texts = []
        return result

    def use_required_attribute(self, initial: Any) -> bool:
        # The box may stay empty while rows are chosen above it.
        return False

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        if hasattr(data, "getlist"):
            values = data.getlist(name)
        else:
            values = _as_list(data.get(name))
        return [str(v) for v in values]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def format_value(self, value: Any) -> Any:
        return _as_list(value)

    def source_url(self) -> str:
        """The suggestions' address: `source` reversed, or as given when it is a path."""
        if not self.source or self.source.startswith("/"):
            return self.source
        try:
            return reverse(self.source)
        except NoReverseMatch:
            return self.source

    def chosen_items(self, value: Any) -> tuple[list[PickerItem], list[str]]:
        """(the chosen rows, the texts not yet resolved) of `value`, in posted order."""
        ids, texts, objects = parse_values(_as_list(value))
        wanted = [pk for pk, _raw in ids if pk is not None]
        found: dict[Any, Any] = {}
        if wanted and self.queryset is not None:
            found = self.queryset.in_bulk(wanted)
        rows = [*objects, *(found[pk] for pk in wanted if pk in found)]
        items: list[PickerItem] = []
        for row in rows:
            item = self.describe(row)
            if item.pk not in {i.pk for i in items}:
                items.append(item)
        return items, texts

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen, texts = self.chosen_items(value)
        candidates = [self.describe(c) for c in self.candidates]
        chosen_pks = {i.pk for i in chosen}
        candidates = [c for c in candidates if c.pk not in chosen_pks]
        if candidates and not self.multiple:
            # One row: the typed text meant to replace the chosen one.
            chosen = []
        widget = context["widget"]
        box_id = widget["attrs"].get("id") or f"id_{name}"
        widget.update(
            {
                "box_id": box_id,
                "listbox_id": f"{box_id}_listbox",
                "chosen": chosen,
                "candidates": candidates,
                "text": ", ".join(t for t in texts if t not in self.replaced_texts),
                "source_url": self.source_url(),
                "multiple": self.multiple,
            }
        )
        return context


class ObjectPickerField(forms.Field):
    """Choose rows of `queryset` with the search picker (see the module docstring).

    `source`: URL name (or path) of the suggestions endpoint. `multiple`: a list of rows
    (else one row or None). Cleans to model instances in the order given, without
    repeats. Errors (ValidationError, so the form answers 400 with a message): an id
    that is no row (`missing_message`, which a subclass may make more helpful), a text
    that names no row or several (the candidates are offered with the form), more than
    one row where one is asked for, nothing when `required`.

    Subclasses give `describe` (how a row is shown), `find_by_text` (the rows a typed
    text names exactly) and `candidates_for` (rows to offer for a text).
    """

    widget = PickerWidget
    default_error_messages = {
        "required": _("검색해서 하나 이상 골라 주세요."),
        "missing": _("#%(pk)s: 그런 번호가 없습니다."),
        "not_found": _("%(text)s: 찾지 못했습니다. 검색해서 목록에서 골라 주세요."),
        "ambiguous": _("%(text)s: 같은 이름이 여럿입니다. 아래에서 하나를 골라 주세요."),
        "one": _("하나만 골라 주세요."),
    }

    def __init__(
        self,
        *,
        queryset: models.QuerySet[Any],
        source: str,
        multiple: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("widget", PickerWidget(source=source, multiple=multiple))
        super().__init__(**kwargs)
        self.queryset = queryset
        self.source = source
        self.multiple = multiple
        self._bind_widget()

    def _bind_widget(self) -> None:
        widget = self.widget
        if isinstance(widget, PickerWidget):
            widget.queryset = self.queryset
            widget.describe = self.describe
            widget.source = widget.source or self.source
            widget.multiple = self.multiple

    def __deepcopy__(self, memo: dict[int, Any]) -> ObjectPickerField:
        result = cast(ObjectPickerField, forms.Field.__deepcopy__(self, memo))  # type: ignore[attr-defined]
        result._bind_widget()
        return result

    # --- hooks ----------------------------------------------------------------------

    def describe(self, obj: Any) -> PickerItem:
        """How `obj` is shown (chosen, candidate): its ``str`` by default."""
        return PickerItem(obj.pk, str(obj))

    def find_by_text(self, text: str) -> list[Any]:
        """The rows `text` names exactly (a unique name); none by default."""
        return []

    def candidates_for(self, text: str) -> list[Any]:
        """Rows to offer when `text` names none; none by default."""
        return []

    def missing_message(self, pk: int | None, raw: str) -> tuple[str, list[Any]]:
        """(message, candidates) for an id that is no row of the queryset; `pk` is None
        for a number that is no database id at all, `raw` the number as posted."""
        return str(self.error_messages["missing"] % {"pk": raw}), []

    # --- cleaning -------------------------------------------------------------------

    def prepare_value(self, value: Any) -> Any:
        return value

    def _resolve(self, value: Any) -> tuple[list[Any], list[str], list[Any], list[str]]:
        """(rows, error messages, candidates, texts that got candidates) for `value`."""
        ids, texts, objects = parse_values(_as_list(value))
        rows: list[Any] = list(objects)
        errors: list[str] = []
        candidates: list[Any] = []
        replaced: list[str] = []
        wanted = [pk for pk, _raw in ids if pk is not None]
        found = self.queryset.in_bulk(wanted) if wanted else {}
        for pk, raw in ids:
            if pk is not None and pk in found:
                rows.append(found[pk])
                continue
            message, offered = self.missing_message(pk, raw)
            errors.append(message)
            candidates += offered
        typed: list[Any] = []
        for text in texts:
            matches = self.find_by_text(text)
            if len(matches) == 1:
                typed.append(matches[0])
                continue
            offered = matches or self.candidates_for(text)
            code = "ambiguous" if matches else "not_found"
            errors.append(str(self.error_messages[code] % {"text": text}))
            candidates += offered
            if offered:
                replaced.append(text)
        if not self.multiple and texts:
            rows = typed  # a typed text replaces the row chosen before
        else:
            rows += typed
        unique: list[Any] = []
        for row in rows:
            if row.pk not in {r.pk for r in unique}:
                unique.append(row)
        return unique, errors, candidates, replaced

    def clean(self, value: Any) -> Any:
        rows, errors, candidates, replaced = self._resolve(value)
        if isinstance(self.widget, PickerWidget):
            seen: set[Any] = set()
            self.widget.candidates = [c for c in candidates if not (c.pk in seen or seen.add(c.pk))]
            self.widget.replaced_texts = replaced
        if not errors and not self.multiple and len(rows) > 1:
            errors.append(str(self.error_messages["one"]))
        if errors:
            raise ValidationError(errors)
        if not rows and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if self.multiple:
            return rows
        return rows[0] if rows else None

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        before = {getattr(v, "pk", v) for v in _as_list(initial)}
        before = {int(v) if isinstance(v, str) and v.isdigit() else v for v in before}
        try:
            rows, errors, _candidates, _replaced = self._resolve(data)
        except (TypeError, ValueError):
            return True
        if errors:
            return True
        return {r.pk for r in rows} != before
