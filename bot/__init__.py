"""The coach's front ends and application: terminal now, Telegram on top of the same core."""

import os

# Durations as timedelta, PTB 23's default: without it every flood wait (429) warns.
os.environ.setdefault("PTB_TIMEDELTA", "1")
