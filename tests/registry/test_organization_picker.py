"""The organisation picker (조직 고르기): its suggestions endpoint
(registry:organization-picker: Korean search over names, typos forgiven, #id, JSON,
rate limit) and its form field (registry.forms.OrganizationPickerField: ids, typed
names, merged and unknown organisations, candidates offered without scripts)."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from hanjari.registry.forms import OrganizationPickerField
from hanjari.registry.models import DesignationKind, Organization
from hanjari.registry.services import organization_merge
from hanjari.registry.views import PICKER_RATE_LIMIT
from hanjari.search import ranking
from tests.factories import DesignationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

URL = "/organizations/picker/"
HUGE = "9" * 30


@pytest.fixture(autouse=True)
def _fresh_frequencies():
    ranking.forget()


@pytest.fixture
def orgs(db):
    hanok = OrganizationFactory(name="전주한옥마을협동조합")
    DesignationFactory(organization=hanok, kind=DesignationKind.VILLAGE_ENTERPRISE)
    DesignationFactory(organization=hanok, kind=DesignationKind.SOCIAL_COOPERATIVE)
    dubu = OrganizationFactory(name="더불어락두부마을협동조합", sido="광주광역시", sigungu="광산구")
    DesignationFactory(organization=dubu)
    other = OrganizationFactory(name="새벽빵공방", description="한옥 카페 옆 빵집")
    return {"hanok": hanok, "dubu": dubu, "other": other}


def _options(client, q, **extra):
    response = client.get(URL, {"q": q, **extra})
    assert response.status_code == 200
    return response


def test_url_is_under_the_directory():
    assert reverse("registry:organization-picker") == URL


def test_a_korean_word_finds_the_organisation_with_region_and_kinds(client, orgs):
    html = _options(client, "한옥").content.decode()
    assert 'role="option"' in html
    assert f'data-value="{orgs["hanok"].pk}"' in html
    assert 'data-title="전주한옥마을협동조합"' in html
    assert "전북특별자치도 전주시 · 마을기업, 사회적협동조합" in html
    # Names only: an organisation that mentions 한옥 in its description is not offered.
    assert "새벽빵공방" not in html


def test_the_last_word_matches_as_typed_so_far(client, orgs):
    data = _options(client, "더불어락두", format="json").json()
    assert [r["name"] for r in data["results"]] == ["더불어락두부마을협동조합"]
    assert data["results"][0] == {
        "id": orgs["dubu"].pk,
        "name": "더불어락두부마을협동조합",
        "region": "광주광역시 광산구",
        "kinds": ["마을기업"],
        "detail": "광주광역시 광산구 · 마을기업",
        "url": orgs["dubu"].get_absolute_url(),
    }


def test_a_typo_is_forgiven(client, orgs):
    data = _options(client, "전주한옥마을협동조함", format="json").json()
    assert [r["id"] for r in data["results"]] == [orgs["hanok"].pk]


def test_an_exact_name_comes_first(client):
    OrganizationFactory(name="한마음협동조합 전주지점")
    exact = OrganizationFactory(name="한마음협동조합")
    data = _options(client, "한마음협동조합", format="json").json()
    assert data["results"][0]["id"] == exact.pk
    assert len(data["results"]) == 2


def test_number_sign_and_id_gives_that_organisation(client, orgs):
    data = _options(client, f"#{orgs['dubu'].pk}", format="json").json()
    assert [r["id"] for r in data["results"]] == [orgs["dubu"].pk]
    assert _options(client, f"#{HUGE}", format="json").json() == {"results": []}


@pytest.mark.parametrize("q", ["", "   ", "\x00", "x" * 5000, "<script>alert(1)</script>"])
def test_odd_text_gives_no_options_and_no_error(client, orgs, q):
    response = _options(client, q)
    assert 'role="option"' not in response.content.decode()


def test_the_picker_is_rate_limited_per_user(client, orgs, plain_user):
    client.force_login(plain_user)
    for _i in range(PICKER_RATE_LIMIT):
        assert client.get(URL, {"q": "한옥"}).status_code == 200
    response = client.get(URL, {"q": "한옥"})
    assert response.status_code == 429
    assert "너무 자주 찾았습니다" in response.content.decode()
    assert client.get(URL, {"q": "한옥", "format": "json"}).json() == {
        "error": "너무 자주 찾았습니다. 잠시 뒤에 다시 해 보세요."
    }


# --- the form field ---------------------------------------------------------------------


class OneForm(forms.Form):
    organization = OrganizationPickerField(label="조직")


class ManyForm(forms.Form):
    organizations = OrganizationPickerField(label="조직", multiple=True, required=False)


def test_ids_from_the_picker_are_organisations(orgs):
    form = ManyForm({"organizations": [str(orgs["dubu"].pk), str(orgs["hanok"].pk), ""]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organizations"] == [orgs["dubu"], orgs["hanok"]]
    form = OneForm({"organization": [str(orgs["hanok"].pk), ""]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organization"] == orgs["hanok"]


def test_a_typed_exact_name_or_number_is_resolved_without_scripts(orgs):
    form = ManyForm({"organizations": ["전주한옥마을협동조합", f"#{orgs['dubu'].pk}"]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organizations"] == [orgs["dubu"], orgs["hanok"]]
    # A typed name replaces the organisation chosen before (one organisation).
    form = OneForm({"organization": [str(orgs["dubu"].pk), "전주한옥마을협동조합"]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organization"] == orgs["hanok"]


def test_a_name_without_its_legal_form_marker_is_the_same_organisation():
    org = OrganizationFactory(name="(주)코이로")
    form = OneForm({"organization": "코이로"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organization"] == org


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (HUGE, f"#{HUGE}: 그런 번호의 조직이 없습니다."),
        ("0", "#0: 그런 번호의 조직이 없습니다."),
        (str(2**63), f"#{2**63}: 그런 번호의 조직이 없습니다."),
        ("987654", "#987654: 그런 번호의 조직이 없습니다."),
        ("", "조직을 검색해서 골라 주세요."),
        ("없는조직", "없는조직: 이 이름의 조직이 없습니다. 검색해서 목록에서 골라 주세요."),
    ],
)
def test_bad_values_are_form_errors(orgs, value, message):
    form = OneForm({"organization": value})
    assert not form.is_valid()
    assert form.errors["organization"] == [message]


def test_two_organisations_where_one_is_asked_for(orgs):
    form = OneForm({"organization": [str(orgs["dubu"].pk), str(orgs["hanok"].pk)]})
    assert not form.is_valid()
    assert form.errors["organization"] == ["조직은 하나만 골라 주세요."]


def test_a_merged_organisation_names_the_one_it_became_and_offers_it(orgs, staff):
    drop = OrganizationFactory(name="전주 한옥마을 협동조합")
    dropped_pk = drop.pk
    organization_merge(keep=orgs["hanok"], drop=drop, by=staff)
    assert not Organization.objects.filter(pk=dropped_pk).exists()
    form = OneForm({"organization": str(dropped_pk)})
    assert not form.is_valid()
    assert form.errors["organization"] == [
        f"#{dropped_pk}: 이 조직은 전주한옥마을협동조합(으)로 합쳐졌습니다. "
        "합쳐진 조직을 골라 주세요."
    ]
    html = str(form["organization"])
    assert f'type="radio" name="organization" value="{orgs["hanok"].pk}"' in html


def test_a_shared_name_offers_each_to_tick(orgs):
    twin = OrganizationFactory(name="새벽빵공방", sigungu="군산시")
    form = ManyForm({"organizations": ["새벽빵공방"]})
    assert not form.is_valid()
    assert form.errors["organizations"] == [
        "새벽빵공방: 같은 이름의 조직이 여럿입니다. 아래에서 하나를 골라 주세요."
    ]
    html = str(form["organizations"])
    for org in (orgs["other"], twin):
        assert f'type="checkbox" name="organizations" value="{org.pk}"' in html
    assert "이 가운데에서 고르세요" in html
    # The text that got candidates is not echoed back into the box.
    assert 'value="새벽빵공방"' not in html
    # Ticking one of them (the box left empty) is a valid answer.
    form = ManyForm({"organizations": [str(twin.pk), ""]})
    assert form.is_valid() and form.cleaned_data["organizations"] == [twin]


def test_an_unknown_name_offers_close_organisations(orgs):
    form = OneForm({"organization": "한옥마을"})
    assert not form.is_valid()
    html = str(form["organization"])
    assert f'value="{orgs["hanok"].pk}"' in html
    assert "전주한옥마을협동조합" in html


def test_chosen_organisations_render_as_ticked_boxes_with_their_detail(orgs):
    form = ManyForm(initial={"organizations": [orgs["hanok"]]})
    html = str(form["organizations"])
    box = f'<input type="checkbox" name="organizations" value="{orgs["hanok"].pk}"'
    assert box in html and "checked" in html
    assert "전북특별자치도 전주시 · 마을기업, 사회적협동조합" in html
    # The search box: its htmx request goes to the picker endpoint; scripts add the
    # combobox roles (a plain text box without them).
    assert f'hx-get="{URL}"' in html
    assert 'hx-target="#id_organizations_listbox"' in html
    assert 'role="listbox"' in html and 'role="combobox"' not in html


def test_has_changed_compares_the_organisations_not_their_order(orgs):
    field = ManyForm.base_fields["organizations"]
    a, b = orgs["hanok"], orgs["dubu"]
    assert not field.has_changed([a, b], [str(b.pk), str(a.pk), ""])
    assert field.has_changed([a], [str(a.pk), str(b.pk)])
    assert field.has_changed([a], ["없는조직"])
    assert not OneForm.base_fields["organization"].has_changed(None, [""])
