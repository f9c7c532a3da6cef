"""The coach's front ends and application: terminal now, Telegram on top of the same core."""
