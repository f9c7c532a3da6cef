"""The Telegram side: the only package that talks to python-telegram-bot."""
