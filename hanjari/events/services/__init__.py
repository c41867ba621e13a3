"""Event writes (행사 쓰기), split by concern: `registrations` (sign-up, waitlist,
approval, cancellation, check-in) and `events` (events, programme, booths, photos).
Import the functions from here."""

# Re-export each module's __all__ (the names are listed there, not repeated here).
from .events import *  # noqa: F403
from .registrations import *  # noqa: F403
