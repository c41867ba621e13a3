"""The purposes a person is asked to agree to (개인정보 수집·이용 동의), with their texts.

Each purpose is asked separately, marked required (필수) or optional (선택), and tells
what the 개인정보 보호법 (Personal Information Protection Act) §15 ② asks a consent
request to tell: the purpose of the collection and use, the items collected, how long
they are kept, and that the person may refuse and what refusing costs. Optional
purposes may be refused or later withdrawn without losing the service (§22 ⑤, §37).

Texts are versioned: a text is never changed in place. A new wording is a new
`ConsentText` with a new `version`, added to `TEXTS`, and `CURRENT` names the version
now asked; the old versions stay here so that the text of every stored agreement
(`Consent.version`) can still be shown. A `Consent` row also keeps the words as the
person saw them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACCOUNT = "account"
NEWSLETTER = "newsletter"


@dataclass(frozen=True)
class ConsentText:
    """One version of one purpose's consent text.

    `purpose` is the stable code stored in `Consent.purpose`; `version` a date-like
    label ("2026-12"); `required` whether sign-up needs it; `title` the checkbox
    label; `items`, `use`, `retention`, `refusal` the four things §15 ② asks to tell.
    """

    purpose: str
    version: str
    required: bool
    title: str | Promise
    use: str | Promise
    items: str | Promise
    retention: str | Promise
    refusal: str | Promise

    def full_text(self) -> str:
        """The whole text as shown, in the active language, one line per heading:
        what `Consent.text` stores."""
        return "\n".join(
            [
                str(self.title),
                f"{_('수집·이용 목적')}: {self.use}",
                f"{_('수집 항목')}: {self.items}",
                f"{_('보유·이용 기간')}: {self.retention}",
                f"{_('동의를 거부할 권리')}: {self.refusal}",
            ]
        )


TEXTS: dict[tuple[str, str], ConsentText] = {
    (ACCOUNT, "2026-12"): ConsentText(
        purpose=ACCOUNT,
        version="2026-12",
        required=True,
        title=_("[필수] 회원 가입·관리를 위한 개인정보 수집·이용 동의"),
        use=_(
            "회원 식별과 로그인, 이메일 주소 확인, 비밀번호 찾기, 계정 보안 알림, "
            "조직 회원·협의회 관리자 권한 관리"
        ),
        items=_("아이디, 이메일 주소, 비밀번호(암호화하여 저장), 표시 이름(선택), 접속 기록"),
        retention=_(
            "회원 탈퇴 때까지. 탈퇴하면 바로 지웁니다(쓴 글은 남고 '탈퇴한 사용자'로 표시됩니다)."
        ),
        refusal=_("동의하지 않을 수 있으나, 동의하지 않으면 회원으로 가입할 수 없습니다."),
    ),
    (NEWSLETTER, "2026-12"): ConsentText(
        purpose=NEWSLETTER,
        version="2026-12",
        required=False,
        title=_("[선택] 소식·행사 안내 메일 받기를 위한 개인정보 수집·이용 동의"),
        use=_("사회적경제 소식, 행사·교육 안내 메일 보내기"),
        items=_("이메일 주소, 표시 이름"),
        retention=_("동의를 철회하거나 회원 탈퇴할 때까지"),
        refusal=_(
            "동의하지 않아도 회원 가입과 모든 서비스를 이용할 수 있습니다. 동의는 "
            "언제든 내 계정의 '동의 내역'에서 철회할 수 있습니다."
        ),
    ),
}

# The version asked now, per purpose, in the order the sign-up form shows them.
CURRENT: dict[str, str] = {ACCOUNT: "2026-12", NEWSLETTER: "2026-12"}


def current_texts() -> list[ConsentText]:
    """The texts asked now, required ones first, in `CURRENT`'s order."""
    texts = [TEXTS[(purpose, version)] for purpose, version in CURRENT.items()]
    return sorted(texts, key=lambda t: not t.required)


def current_text(purpose: str) -> ConsentText:
    """The text asked now for `purpose`. Raises `KeyError` for an unknown purpose."""
    return TEXTS[(purpose, CURRENT[purpose])]


def text_of(purpose: str, version: str) -> ConsentText | None:
    """The text of `purpose` in `version`, or None when there is no such version."""
    return TEXTS.get((purpose, version))
