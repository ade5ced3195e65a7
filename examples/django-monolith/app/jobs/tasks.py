from celery import shared_task

from jobs.models import Ping


@shared_task
def record_ping(text: str) -> int:
    """Write a row; the worker's database is the web service's (the same contract)."""
    return Ping.objects.create(text=text).pk
