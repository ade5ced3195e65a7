"""The default file storage in the stack until the media tier exists.

The containers' filesystem is read-only apart from /tmp, and /tmp is per task: an upload
saved there would vanish. Saving says so, and where the fix is, instead of failing with
``Read-only file system``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage

MEDIA_MESSAGE = (
    "Media uploads (user files) need the media tier, which the Zonké TF stack does not have yet: "
    "the containers' filesystem is read-only. See 'Media uploads' in the Zonké TF README; until "
    "then, configure STORAGES['default'] with a storage of your own (for example S3)."
)


class MediaTierMissingStorage(FileSystemStorage):
    def _save(self, name: str, content: Any) -> str:
        raise ImproperlyConfigured(MEDIA_MESSAGE)
