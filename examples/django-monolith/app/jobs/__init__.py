"""A small app the sample's Celery worker runs tasks for: each task writes a row."""
