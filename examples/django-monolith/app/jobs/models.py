from django.db import models


class Ping(models.Model):
    """One row per `jobs.tasks.record_ping` run: proof a worker took the task from the queue."""

    text = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)
