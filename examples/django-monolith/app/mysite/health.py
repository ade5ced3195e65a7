"""A health check for the load balancer: /health/ answers 200 without touching the database.

It runs as the first middleware because the load balancer sends its checks to the task's
IP address, which is not in ALLOWED_HOSTS: answering before Django reads the Host header
keeps the check from failing with 400.
"""

from django.http import HttpResponse

HEALTH_PATH = "/health/"


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return HttpResponse("ok", content_type="text/plain")
        return self.get_response(request)


def health(request):
    return HttpResponse("ok", content_type="text/plain")
