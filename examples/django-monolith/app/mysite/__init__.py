# The Celery app loads with Django (so @shared_task uses it), when Celery is installed:
# the web image has it (requirements.txt); a checkout without it still runs manage.py.
try:
    from .celery import app as celery_app
except ModuleNotFoundError as exc:  # pragma: no cover - Celery not installed
    if exc.name != "celery":
        raise
else:
    __all__ = ["celery_app"]
