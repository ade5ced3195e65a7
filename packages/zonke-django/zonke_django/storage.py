"""The file storages in the stack when uploads have nowhere to go.

The containers' filesystem is read-only apart from /tmp, and /tmp is per task: an upload
saved there would vanish. Saving says so, and where the fix is, instead of failing with
``Read-only file system``: turn on ``[media]`` in zonke.toml, and have django-storages in
the image. The private media storage (signed CloudFront URLs) without its signing key
says the same of its URLs and saves: set the ``MEDIA_SIGNING_KEY`` secret.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage

MEDIA_MESSAGE = (
    "Media uploads (user files) need the stack's media storage: the containers' filesystem is "
    "read-only. Add `[media]` with `enabled = true` to zonke.toml and deploy (see 'Media uploads' "
    "in the Zonké TF README), or configure STORAGES['default'] with a storage of your own."
)
S3_LIBRARY_MESSAGE = (
    "Media uploads go to S3 through django-storages, which this image does not have: add "
    "'django-storages[s3]' to the app's requirements and deploy again."
)
SIGNING_KEY_MESSAGE = (
    "Private media (STORAGES['private']) is served by CloudFront only with a signed URL, and the "
    "app has no signing key: the MEDIA_SIGNING_KEY secret is not set. Run `zonke secrets set "
    "MEDIA_SIGNING_KEY --from-file <private key PEM>` with the private key of the public key the "
    "stack trusts, and deploy again (see 'Media uploads' in the Zonké TF README)."
)


class MediaTierMissingStorage(FileSystemStorage):
    def _save(self, name: str, content: Any) -> str:
        raise ImproperlyConfigured(MEDIA_MESSAGE)


class S3LibraryMissingStorage(FileSystemStorage):
    def _save(self, name: str, content: Any) -> str:
        raise ImproperlyConfigured(S3_LIBRARY_MESSAGE)


class SigningKeyMissingStorage(FileSystemStorage):
    def url(self, name: str | None) -> str:
        raise ImproperlyConfigured(SIGNING_KEY_MESSAGE)

    def _save(self, name: str, content: Any) -> str:
        raise ImproperlyConfigured(SIGNING_KEY_MESSAGE)
