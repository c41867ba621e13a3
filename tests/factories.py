"""factory_boy factories shared by the test suite."""

from __future__ import annotations

import factory

from hanjari.accounts.models import CouncilRole, Membership, User
from hanjari.registry.models import (
    Council,
    CouncilMembership,
    Designation,
    DesignationKind,
    Organization,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-Hanjari-123")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"테스트협동조합{n}")
    sido = "전북특별자치도"
    sigungu = "전주시"
    address = "전북특별자치도 전주시 완산구 테스트로 1"
    industry = "서비스업"


class DesignationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Designation

    organization = factory.SubFactory(OrganizationFactory)
    kind = DesignationKind.VILLAGE_ENTERPRISE
    subtype = "일반식품"
    issuer = "행정안전부"


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    name = factory.Sequence(lambda n: f"전주시 테스트협의회{n}")
    sector = "village"
    sido = "전북특별자치도"
    sigungu = "전주시"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.EDITOR


class CouncilRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilRole

    user = factory.SubFactory(UserFactory)
    council = factory.SubFactory(CouncilFactory)


class CouncilMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilMembership

    council = factory.SubFactory(CouncilFactory)
    organization = factory.SubFactory(OrganizationFactory)
