"""`manage.py load_workshop_2023`: the Jeonju 2023 한마음 워크숍 as data.

The source is one press article, data/news/jeonju_workshop_2023-12-11.txt (뉴스스텝,
최선경 기자, 기사승인 2023-12-11 17:40:25, headline `HEADLINE`). Everything recorded here
is what that article says, and nothing more; what it does not say is left empty.

Choices, field by field:

- Councils (협의회): the article speaks of "사회적기업과 마을기업, 자활기업, 협동조합
  협의회 등 사회적경제 4개 분야 협의회". Only the cooperative council is named
  ("전주시협동조합협의회", kept exactly as written); the other three are named after the
  same pattern the registry uses ("전주시 사회적기업협의회", "전주시 마을기업협의회",
  "전주시 자활기업협의회"). Sector keys social_enterprise / village /
  self_sufficiency / cooperative; region 전북특별자치도 전주시. No members, no
  description: the article lists none. An existing council of the same name is used
  as it is.
- The support centre: an organisation "전주시사회적경제지원센터" (the article's spelling),
  전북특별자치도 전주시, no designation (it is not a social economy enterprise), no
  address or other fields (not in the article).
- The event: title "전주시 사회적경제기업 한마음 워크숍" (the article's quoted name), kind
  workshop, status held, 2023-12-11 ("11일", dated by the article's 기사승인 day), one
  day; start and end times unknown (the article gives none) — so calendars show an
  all-day event. Venue "라한호텔 전주" (no address: not in the article). Organiser text
  "전주시" ("전주시는 … 개최했다"). Attendance note "100여 명" as reported. Description:
  the article's own sentence on the purpose. Participating councils: the four;
  participating organisation: the support centre ("전주시사회적경제지원센터가 함께
  참여했다"). No capacity, no registration window (a past event).
- Programme (순서), in the order of the sentence "… 순으로 진행됐다", opened by the two
  addresses it names first: 기념사 (김송일; the article writes his office as
  "전주시협동조합협회의장", an evident slip for 협의회장 — the same article names the
  council 전주시협동조합협의회 — recorded as "전주시협동조합협의회장"), 축사 (우범기,
  전주시장), 사회적경제기업제품 소개 홍보부스 운영·둘러보기 ("개회식에 이어 … 전시된 공간을
  함께 둘러봤다"), 사회적경제분야 유공자 표창, 기부금 전달식, 감사패 전달식, 2023년
  주요사업 성과보고, 사회적경제 정책과 지역형 사회적경제 대응방안 특강 (lecturer not
  named), 사회적경제기업 네트워크 시간. No times or durations (not in the article). The
  later sentence listing 기부금·감사패·표창 in another order is a list, not the order.
- Booths: none recorded — the article mentions the showcase but names no exhibitor.
- Commendations (표창): 8 ("유공자 8명"), title "사회적경제분야 유공자 표창", citation
  "전주의 사회적경제 생태계 조성 및 지역경제 활성화에 이바지" (the article's words), no
  recipient names (the article names none: `name_public` False), `conferred_by` empty
  (the article does not say who conferred them).
- Donations (기부금): one from each of the four councils ("4개 분야 협의회의 기부금
  전달식"); amount unknown (None, never 0), recipient and purpose empty (not stated).
- Plaques (감사패): to the four people named in their offices as written — 우범기
  (전주시장), 송영진 (전주시의회 문화경제위원장), 김동헌 (전주시의회 의원), 박용근
  (전북도의회 의원); `given_by` empty and no giving councils (the article does not say
  who gave them).
- The news article: linked when the published article with headline `HEADLINE` exists
  (``make run`` imports it first with ``news_import``); otherwise a note is printed and
  the link is made on a later run.

Idempotent: councils, the centre and the event are found by name (the event by title
and date); programme items, commendations, donations and plaques are only added when
missing, so a second run changes nothing. One transaction: a failure leaves nothing
half-made. All writes go through the services (audit log entries by the system user).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from hanjari.events import services
from hanjari.events.models import Event, ProgrammeItem
from hanjari.events.services.events import ProgrammeFields
from hanjari.news import selectors as news_selectors
from hanjari.recognition import services as recognition_services
from hanjari.recognition.models import Commendation, Donation, Plaque
from hanjari.registry import services as registry_services

HEADLINE = "‘강한 경제 전주’의 한 축, 사회적경제기업 ‘한 자리에!’"
DAY = dt.date(2023, 12, 11)
SIDO = "전북특별자치도"
SIGUNGU = "전주시"
TITLE = "전주시 사회적경제기업 한마음 워크숍"
CENTRE = "전주시사회적경제지원센터"

# (sector key, council name) in the article's order: 사회적기업, 마을기업, 자활기업, 협동조합.
COUNCILS = [
    ("social_enterprise", "전주시 사회적기업협의회"),
    ("village", "전주시 마을기업협의회"),
    ("self_sufficiency", "전주시 자활기업협의회"),
    ("cooperative", "전주시협동조합협의회"),
]

PROGRAMME: list[ProgrammeFields] = [
    {
        "title": "기념사",
        "kind": ProgrammeItem.Kind.ADDRESS,
        "speaker_name": "김송일",
        "speaker_role": "전주시협동조합협의회장",
    },
    {
        "title": "축사",
        "kind": ProgrammeItem.Kind.ADDRESS,
        "speaker_name": "우범기",
        "speaker_role": "전주시장",
    },
    {"title": "사회적경제기업제품 소개 홍보부스 운영·둘러보기", "kind": ProgrammeItem.Kind.TOUR},
    {"title": "사회적경제분야 유공자 표창", "kind": ProgrammeItem.Kind.AWARD},
    {"title": "기부금 전달식", "kind": ProgrammeItem.Kind.DONATION},
    {"title": "감사패 전달식", "kind": ProgrammeItem.Kind.PLAQUE},
    {"title": "2023년 주요사업 성과보고", "kind": ProgrammeItem.Kind.REPORT},
    {
        "title": "사회적경제 정책과 지역형 사회적경제 대응방안 특강",
        "kind": ProgrammeItem.Kind.LECTURE,
    },
    {"title": "사회적경제기업 네트워크 시간", "kind": ProgrammeItem.Kind.NETWORKING},
]

COMMENDATION_TITLE = "사회적경제분야 유공자 표창"
COMMENDATION_COUNT = 8
CITATION = "전주의 사회적경제 생태계 조성 및 지역경제 활성화에 이바지"

PLAQUES = [
    ("우범기", "전주시장"),
    ("송영진", "전주시의회 문화경제위원장"),
    ("김동헌", "전주시의회 의원"),
    ("박용근", "전북도의회 의원"),
]

DESCRIPTION = (
    "사회적경제기업들이 그간의 활동 내용과 성과를 공유하고, 서로를 응원하며 "
    "네트워크를 형성하기 위해 마련된 자리."
)


class Command(BaseCommand):
    help = (
        "Load the 2023-12-11 Jeonju social economy workshop (한마음 워크숍) as data: the four "
        "councils, the support centre, the held event with its programme, 8 unnamed "
        "commendations, 4 donations of unknown amount, 4 plaques, and the link to the "
        "imported news article. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            notes = self._load()
        for line in notes:
            self.stdout.write(line)

    def _load(self) -> list[str]:
        notes: list[str] = []
        councils = []
        for sector, name in COUNCILS:
            council, created = registry_services.council_get_or_create(
                name=name, sector=sector, sido=SIDO, sigungu=SIGUNGU, by=None
            )
            councils.append(council)
            notes.append(f"council {name}: {'created' if created else 'already there'}")
        centre, created = registry_services.organization_get_or_create(
            name=CENTRE, sido=SIDO, sigungu=SIGUNGU, by=None
        )
        notes.append(f"organisation {CENTRE}: {'created' if created else 'already there'}")

        event = Event.objects.filter(title=TITLE, start_date=DAY).first()
        if event is None:
            event = services.event_create(
                data={
                    "title": TITLE,
                    "kind": Event.Kind.WORKSHOP,
                    "description": DESCRIPTION,
                    "venue_name": "라한호텔 전주",
                    "start_date": DAY,
                    "end_date": DAY,
                    "organiser_text": "전주시",
                    "attendance_note": "100여 명",
                    "participating_councils": councils,
                    "participating_organizations": [centre],
                },
                status=Event.Status.HELD,
                by=None,
            )
            notes.append(f"event #{event.pk} {TITLE}: created")
        else:
            notes.append(f"event #{event.pk} {TITLE}: already there")

        if not event.programme.exists():
            for item in PROGRAMME:
                services.programme_item_add(event=event, data=item, by=None)
            notes.append(f"programme: {len(PROGRAMME)} items added")

        existing = Commendation.objects.filter(
            event=event, title=COMMENDATION_TITLE, name_public=False
        ).count()
        for _n in range(COMMENDATION_COUNT - existing):
            recognition_services.commendation_create(
                data={
                    "title": COMMENDATION_TITLE,
                    "name_public": False,
                    "date": DAY,
                    "event": event,
                    "citation": CITATION,
                },
                by=None,
            )
        notes.append(f"commendations: {max(0, COMMENDATION_COUNT - existing)} added")

        added = 0
        for council in councils:
            if not Donation.objects.filter(event=event, donor_council=council).exists():
                recognition_services.donation_create(
                    data={
                        "donor_council": council,
                        "amount_krw": None,
                        "date": DAY,
                        "event": event,
                    },
                    by=None,
                )
                added += 1
        notes.append(f"donations: {added} added")

        added = 0
        for name, office in PLAQUES:
            if not Plaque.objects.filter(event=event, recipient_name=name).exists():
                recognition_services.plaque_create(
                    data={
                        "recipient_name": name,
                        "recipient_office": office,
                        "date": DAY,
                        "event": event,
                    },
                    by=None,
                )
                added += 1
        notes.append(f"plaques: {added} added")

        article = news_selectors.latest().filter(headline=HEADLINE).first()
        if article is None:
            notes.append("news article not found (import it with news_import); not linked yet")
        elif services.event_link_article(event=event, article=article, by=None):
            notes.append(f"news article #{article.pk}: linked")
        return notes
