"""The RDS certificate authorities' bundle for the stack's region, with which the containers
verify the database server (``sslmode=verify-full``).

AWS publishes one bundle per region (the region's root and intermediate certificates):
https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem, described at
https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html ("Certificate
bundles by AWS Region"). `zonke plan`/`apply` read it when they plan for AWS (the pipeline's
Infrastructure stage too) and pass it as the stack's ``db_ca_bundle``; the start wrapper in
each container writes it under /tmp and points libpq and DATABASE_URL at it.
"""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request
from collections.abc import Callable

from zonke_tf.errors import AwsUnreachableError

URL = "https://truststore.pki.rds.amazonaws.com/{region}/{region}-bundle.pem"
BEGIN = "-----BEGIN CERTIFICATE-----"
END = "-----END CERTIFICATE-----"
# The stack root's db_ca_bundle validation holds the same limit (an environment variable of
# both task definitions; a region's bundle is a few KiB).
MAX_BYTES = 32768

Fetch = Callable[[str], bytes]


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        body: bytes = response.read(MAX_BYTES + 1)
        return body


def certificates(text: str) -> list[str]:
    """The PEM certificates in ``text``; ValueError when there is none or one is not a certificate."""
    blocks = []
    rest = text
    while BEGIN in rest:
        start = rest.index(BEGIN)
        end = rest.find(END, start)
        if end < 0:
            raise ValueError("a certificate has no END line")
        block = rest[start : end + len(END)]
        ssl.PEM_cert_to_DER_cert(block)  # raises ValueError on a broken block
        blocks.append(block)
        rest = rest[end + len(END) :]
    if not blocks:
        raise ValueError("no PEM certificate in it")
    return blocks


def region_bundle(region: str, fetch: Fetch | None = None) -> str:
    """The region's bundle as PEM text (certificates only, one newline after each)."""
    url = URL.format(region=region)
    try:
        body = (fetch or _fetch)(url)
    except (urllib.error.URLError, OSError) as err:
        raise AwsUnreachableError(
            f"could not download the RDS certificate bundle from {url} ({err}); the stack verifies "
            "the database server with it. Check this machine's internet access and run the command again."
        ) from err
    if len(body) > MAX_BYTES:
        raise AwsUnreachableError(f"{url} answered more than {MAX_BYTES} bytes: not a certificate bundle")
    try:
        blocks = certificates(body.decode("ascii"))
    except (UnicodeDecodeError, ValueError) as err:
        raise AwsUnreachableError(f"{url} did not answer a PEM certificate bundle: {err}") from err
    return "\n".join(blocks) + "\n"
