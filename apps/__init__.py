"""The Django project package: settings, urls and the Celery app, beside the apps."""
from .celery import app as celery_app

__all__ = ("celery_app",)
