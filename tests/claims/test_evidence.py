"""Evidence files (증빙 서류): what an upload may be (hanjari/claims/evidence.py), and who
may download one (the claimant and centre staff; everyone else gets 404)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hanjari.accounts.models import Membership
from hanjari.claims.evidence import check_evidence
from tests.claims.support import jpeg_upload, make_claim, pdf_bytes, pdf_upload, png_upload
from tests.core.picture_files import picture_bytes
from tests.factories import (
    CouncilMembershipFactory,
    CouncilRoleFactory,
    MembershipFactory,
    UserFactory,
)

NOT_ALLOWED = "증빙 서류는 PDF, PNG, JPG 파일만 올릴 수 있습니다."


@pytest.mark.parametrize(
    ("upload", "fmt", "content_type"),
    [
        (pdf_upload(), "PDF", "application/pdf"),
        (png_upload(), "PNG", "image/png"),
        (jpeg_upload(), "JPEG", "image/jpeg"),
        (jpeg_upload("SCAN.JPEG"), "JPEG", "image/jpeg"),
    ],
    ids=["pdf", "png", "jpg", "upper-case-jpeg"],
)
def test_accepted_files(upload, fmt, content_type):
    checked = check_evidence(upload)
    assert (checked.format, checked.content_type) == (fmt, content_type)
    assert upload.tell() == 0


@pytest.mark.parametrize(
    ("name", "data", "code", "message"),
    [
        ("지정서.docx", b"PK\x03\x04", "not_allowed", NOT_ALLOWED),
        ("지정서", pdf_bytes(), "not_allowed", NOT_ALLOWED),
        ("지정서.pdf", b"", "empty", "빈 파일입니다."),
        (
            "지정서.pdf",
            b"<html><script>alert(1)</script></html>",
            "not_pdf",
            "PDF 파일이 아니거나 손상된 파일입니다. 스캔한 PDF나 사진(PNG, JPG)을 올려 주세요.",
        ),
        (
            "지정서.pdf",
            pdf_bytes()[:-7],  # cut before the end marker
            "not_pdf",
            "PDF 파일이 아니거나 손상된 파일입니다. 스캔한 PDF나 사진(PNG, JPG)을 올려 주세요.",
        ),
        (
            "지정서.pdf",
            picture_bytes("PNG"),
            "not_pdf",
            "PDF 파일이 아니거나 손상된 파일입니다. 스캔한 PDF나 사진(PNG, JPG)을 올려 주세요.",
        ),
        (
            "지정서.png",
            pdf_bytes(),
            "unreadable",
            "그림 파일을 읽을 수 없습니다. 손상되었거나 그림이 아닌 파일입니다.",
        ),
        (
            "지정서.png",
            picture_bytes("JPEG"),
            "wrong_extension",
            "파일 이름의 확장자(.png)가 그림 형식(JPEG)과 다릅니다.",
        ),
        (
            "지정서.jpg",
            picture_bytes("GIF"),
            "not_allowed",
            NOT_ALLOWED,
        ),
    ],
    ids=[
        "docx",
        "no-extension",
        "empty",
        "html-named-pdf",
        "truncated-pdf",
        "png-named-pdf",
        "pdf-named-png",
        "jpeg-named-png",
        "gif-named-jpg",
    ],
)
def test_refused_files(name, data, code, message):
    with pytest.raises(ValidationError) as caught:
        check_evidence(SimpleUploadedFile(name, data))
    assert caught.value.code == code
    assert caught.value.messages == [message]


def test_a_webp_named_jpg_is_not_a_jpeg():
    with pytest.raises(ValidationError) as caught:
        check_evidence(SimpleUploadedFile("지정서.jpg", picture_bytes("WEBP")))
    assert caught.value.code == "not_allowed"


def test_the_size_limit(settings):
    settings.HANJARI_EVIDENCE_MAX_BYTES = 2**20
    body = b"%PDF-1.4\n" + b"0" * 2**20 + b"\n%%EOF\n"
    with pytest.raises(ValidationError) as caught:
        check_evidence(SimpleUploadedFile("큰파일.pdf", body))
    assert caught.value.code == "too_big"
    assert caught.value.messages == ["파일이 너무 큽니다 (최대 1 MB)."]
    settings.HANJARI_EVIDENCE_MAX_BYTES = 2 * 2**20
    assert check_evidence(SimpleUploadedFile("큰파일.pdf", body)).format == "PDF"


# --- who may download ------------------------------------------------------------------------


@pytest.fixture
def claim(db, org_a, plain_user):
    council = CouncilMembershipFactory(organization=org_a).council
    CouncilRoleFactory(council=council, user=UserFactory(username="asked_council"))
    return make_claim(user=plain_user, organization=org_a, council=council)


def test_the_claimant_and_staff_download_the_file(client, claim, plain_user, staff):
    url = reverse("claims:evidence", args=[claim.evidence.get().pk])
    for user in (plain_user, staff):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf_bytes()
        assert response["Content-Type"] == "application/pdf"
        evidence_pk = claim.evidence.get().pk
        assert response["Content-Disposition"] == (
            f'attachment; filename="evidence-{evidence_pk}.pdf"'
        )
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("sandbox")


def test_nobody_else_sees_the_file(client, claim, org_a, member_a, member_b):
    """Other members of the organisation (even an owner), the admin of the council asked
    to endorse the claim, another organisation's member, a stranger: 404, as if there
    were no such file."""
    url = reverse("claims:evidence", args=[claim.evidence.get().pk])
    owner = MembershipFactory(organization=org_a, role=Membership.Role.OWNER).user
    council_admin = UserFactory(username="asked_council")
    for user in (member_a, owner, council_admin, member_b, UserFactory()):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_file_is_not_under_media(client, claim, settings):
    evidence = claim.evidence.get()
    response = client.get(f"/media/{evidence.file.name}")
    assert response.status_code == 404
    assert str(settings.MEDIA_ROOT) not in evidence.file.path
