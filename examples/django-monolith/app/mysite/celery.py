"""The sample's Celery app: `celery -A mysite worker` runs it. Its settings come from
Django's (namespace CELERY), which zonke_django.configure() fills from the stack's broker
(CELERY_BROKER_URL, the predefined SQS queues)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")

app = Celery("mysite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
