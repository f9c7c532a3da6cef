"""Durable storage: the only package that speaks SQLAlchemy and Alembic."""

from sqlalchemy.exc import SQLAlchemyError

DATABASE_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError, OSError)
"""What an unreachable or failing database raises, for callers that must not import SQLAlchemy."""
