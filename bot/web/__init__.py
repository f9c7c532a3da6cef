"""The bot's web pages: the live class page for the projector, and its CSV export."""
