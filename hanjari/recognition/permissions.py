"""Who may do what with recognition records (포상·기부): commendations (표창), plaques of
appreciation (감사패) and donations (기부금).

Everyone reads the public pages; centre staff (센터 관리자) enter, correct and delete the
records on the staff pages (the services refuse anyone else as well).
"""

from __future__ import annotations

from typing import Any


def can_manage_recognition(user: Any, obj: Any = None) -> bool:
    """Whether `user` may enter, correct and delete recognition records: active centre
    staff. `obj` (a record, or None for the list and new records) does not change the
    answer. Never raises."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and user.is_centre_staff
    )
