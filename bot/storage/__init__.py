"""Durable storage: SQLAlchemy 2 models, migrations and the repository the handlers use."""
