"""Recognition rules (포상·기부 규칙): when a record may be changed. One function per
rule, returning None or a `Refusal`; the staff pages and the admin show it next to the
reason box, the services raise it (`hanjari.core.rules`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hanjari.core.rules import Refusal

# Characters a reason keeps (the audit log's JSON holds it; the page shows it).
REASON_MAX = 500


def change_refusal(*, reason: str) -> Refusal | None:
    """Why a correction (고침) or deletion (지움) of a commendation, plaque or donation
    may not be made: only without a reason (code ``reason``). What the centre made public
    about who was honoured and what was given is corrected in the open, so every change
    keeps its reason, who made it and the values before and after in the audit log
    (감사 기록), which the record's staff page shows as its history. `reason` is the
    text given (blank or whitespace only: refused). Never raises."""
    if not (reason or "").strip():
        return Refusal("reason", _("고치거나 지우는 까닭을 적어 주세요."))
    return None
