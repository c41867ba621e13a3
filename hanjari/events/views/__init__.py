"""Event views: `pages` (events, programme, booths, attendance) and `registration`
(registration, the registrant's pages, staff lists and check-in)."""

from __future__ import annotations
