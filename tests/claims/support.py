"""Helpers for the claims tests: evidence files built in memory, valid numbers, and a
submitted claim or proposal."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from hanjari.claims import services
from hanjari.claims.models import Claim
from hanjari.registry.models import DesignationKind
from tests.core.picture_files import picture_bytes

# 사업자등록번호 whose check digit holds (tests/registry/importdata.py computed them with
# the rule of hanjari/core/identifiers.py).
BRN_A = "124-81-00998"
BRN_B = "220-81-01126"
BRN_C = "105-82-01237"


def pdf_bytes(text: str = "설립신고필증") -> bytes:
    """A small but well-formed PDF: header, one object, cross-reference, trailer, end
    marker."""
    body = f"1 0 obj << /Title ({text.encode('utf-8').hex()}) >> endobj\n".encode()
    xref = b"xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n"
    return b"%PDF-1.4\n" + body + xref + b"trailer << /Size 2 >>\nstartxref\n9\n%%EOF\n"


def pdf_upload(name: str = "설립신고필증.pdf", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if data is None else data, "application/pdf")


def png_upload(name: str = "지정서.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, picture_bytes("PNG", (40, 30)), "image/png")


def jpeg_upload(name: str = "인증서.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, picture_bytes("JPEG", (40, 30)), "image/jpeg")


def make_claim(
    *, user: Any, organization: Any, brn: str = BRN_A, council: Any = None, **fields: Any
) -> Claim:
    """A submitted claim of `organization` by `user` with a PDF as evidence."""
    return services.claim_submit(
        organization=organization,
        by=user,
        brn=brn,
        role=fields.pop("role", Claim.Role.REPRESENTATIVE),
        evidence=fields.pop("evidence", None) or pdf_upload(),
        council=council,
        **fields,
    )


def make_proposal(*, user: Any, name: str = "햇살나눔사회적협동조합", **fields: Any) -> Claim:
    """A submitted proposal of a social cooperative in 전주시 with one designation."""
    designations = fields.pop(
        "designations",
        [
            services.ProposedDesignationInput(
                kind=DesignationKind.SOCIAL_COOPERATIVE,
                number="제2021-12호",
                issuer="기획재정부",
            )
        ],
    )
    return services.proposal_submit(
        by=user,
        name=name,
        sido=fields.pop("sido", "전북특별자치도"),
        sigungu=fields.pop("sigungu", "전주시"),
        address=fields.pop("address", "전북특별자치도 전주시 완산구 햇살로 7"),
        legal_form=fields.pop("legal_form", ""),
        brn=fields.pop("brn", BRN_B),
        role=fields.pop("role", Claim.Role.REPRESENTATIVE),
        designations=designations,
        evidence=fields.pop("evidence", None) or pdf_upload(),
        **fields,
    )
