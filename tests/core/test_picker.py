"""The search picker's core (hanjari.core.picker): what a posted value means, the
generic field's errors, and that one form's candidates never show in another."""

from __future__ import annotations

import pytest
from django import forms

from hanjari.core.picker import ObjectPickerField, PickerItem, PickerWidget, parse_values
from hanjari.registry.models import Council
from tests.factories import CouncilFactory

HUGE = "9" * 30


@pytest.mark.parametrize(
    ("values", "ids", "texts"),
    [
        (["12"], [(12, "12")], []),
        (["#12"], [(12, "12")], []),
        (["#12 전주한옥마을협동조합"], [(12, "12")], []),  # as older forms showed a row
        (["참여협동조합\n#7", ""], [(7, "7")], ["참여협동조합"]),
        ([HUGE, "0", "-3"], [(None, HUGE), (None, "0")], ["-3"]),
        (["\x00두부\u2028"], [], ["두부"]),
        (["x" * 5000], [], ["x" * 200]),
        ([12, True], [(12, "12")], ["True"]),
    ],
)
def test_parse_values(values, ids, texts):
    assert parse_values(values)[:2] == (ids, texts)


def test_parse_values_reads_at_most_a_hundred_values():
    ids, texts, objects = parse_values([str(i) for i in range(1, 500)])
    assert len(ids) == 100 and not texts and not objects


class CouncilPicker(ObjectPickerField):
    def describe(self, obj):
        return PickerItem(obj.pk, obj.name, obj.sigungu)

    def find_by_text(self, text):
        return list(Council.objects.filter(name=text))

    def candidates_for(self, text):
        return list(Council.objects.filter(name__contains=text)[:3])


class CouncilForm(forms.Form):
    councils = CouncilPicker(
        label="협의회", queryset=Council.objects.all(), source="/nowhere/", multiple=True
    )


class PlainForm(forms.Form):
    council = ObjectPickerField(label="협의회", queryset=Council.objects.all(), source="/x/")


def test_the_generic_field_knows_ids_only(db):
    council = CouncilFactory()
    assert PlainForm({"council": str(council.pk)}).is_valid()
    form = PlainForm({"council": "전주시 협의회"})
    assert not form.is_valid()
    assert form.errors["council"] == [
        "전주시 협의회: 찾지 못했습니다. 검색해서 목록에서 골라 주세요."
    ]
    form = PlainForm({"council": HUGE})
    assert form.errors["council"] == [f"#{HUGE}: 그런 번호가 없습니다."]
    form = PlainForm({})
    assert form.errors["council"] == ["검색해서 하나 이상 골라 주세요."]


def test_candidates_stay_with_their_own_form(db):
    CouncilFactory(name="전주시 마을기업협회")
    failed = CouncilForm({"councils": ["마을"]})
    assert not failed.is_valid()
    assert "전주시 마을기업협회" in str(failed["councils"])
    fresh = CouncilForm()
    assert "전주시 마을기업협회" not in str(fresh["councils"])
    assert CouncilForm.base_fields["councils"].widget.candidates == []


def test_the_widget_renders_the_source_and_the_chosen_rows(db):
    council = CouncilFactory(name="전주시 사회적기업협의회", sigungu="전주시")
    html = str(CouncilForm(initial={"councils": [council]})["councils"])
    assert 'hx-get="/nowhere/"' in html
    assert f'id="id_councils_chosen_{council.pk}" checked' in html
    assert '<span class="hj-picker-detail">전주시</span>' in html
    assert isinstance(CouncilForm().fields["councils"].widget, PickerWidget)
    # A URL name is reversed; one that does not reverse is used as given.
    widget = PickerWidget(source="registry:organization-picker")
    assert widget.source_url() == "/organizations/picker/"
    assert PickerWidget(source="no-such-url").source_url() == "no-such-url"
