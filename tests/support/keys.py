"""RSA key pairs for tests of signed media URLs (CloudFront public keys take RSA-2048 PEM)."""

from __future__ import annotations


def rsa_key_pair() -> tuple[str, str]:
    """A fresh private key (PEM, PKCS#8) and its public key (PEM, SubjectPublicKeyInfo), as
    `openssl genrsa` and `openssl rsa -pubout` would write them."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private.decode(), public.decode()


def public_key_pem() -> str:
    return rsa_key_pair()[1]
