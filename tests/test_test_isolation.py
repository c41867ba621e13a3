"""Transactional tests in any order: one that did not ask for serialized rollback,
then one that did (tests/conftest.py makes every transactional test restore).

Without the conftest hook the second test's set-up failed with "UNIQUE constraint
failed: django_content_type.app_label, django_content_type.model" (the first test's
flush had re-run post_migrate and recreated the content types under new ids).
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType


def _organization_type_id() -> int:
    return ContentType.objects.get(app_label="registry", model="organization").pk


@pytest.mark.django_db(transaction=True)
def test_first_a_transactional_test_without_serialized_rollback(request) -> None:
    marker = request.node.get_closest_marker("django_db")
    assert marker.kwargs["serialized_rollback"] is True
    assert _organization_type_id() > 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_then_one_that_restores_the_migration_data() -> None:
    assert ContentType.objects.filter(app_label="registry", model="organization").count() == 1
    assert _organization_type_id() > 0
