"""The load balancer's health check, answered before Django validates the Host header.

The ALB sends its checks to the task's private IP address (``Host: 10.0.1.23``), which is
not an allowed host: a later middleware would answer 400. With the deep check on, the
answer is 503 until the static files manifest is in the image, so a deploy whose image
cannot render ``{% static %}`` never takes traffic (the deployment circuit breaker rolls
it back).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def static_manifest_problem() -> str | None:
    """Why ``{% static %}`` would fail, or None. Only manifest storages can fail this way."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    storage = storages["staticfiles"]
    if isinstance(storage, ManifestFilesMixin) and not storage.hashed_files:
        return (
            f"static files manifest {storage.manifest_name!r} is missing or empty in STATIC_ROOT: "
            "run `python manage.py collectstatic --noinput` in the image build (a RUN line in the Dockerfile)"
        )
    return None


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.path = getattr(settings, "ZONKE_HEALTH_CHECK_PATH", "/health/")
        self.deep = getattr(settings, "ZONKE_DEEP_HEALTH_CHECK", True)
        self.ok = False

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != self.path or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if self.deep and not self.ok:
            problem = static_manifest_problem()
            if problem is not None:
                return HttpResponse(problem, status=503, content_type="text/plain")
            self.ok = True  # the manifest of an image does not change while it runs
        return HttpResponse("ok", content_type="text/plain")
