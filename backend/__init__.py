"""OCOP Market backend: domain apps, GraphQL API and project settings."""

from .celery import app as celery_app

__all__ = ["celery_app"]
