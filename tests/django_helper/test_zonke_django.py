"""The settings helper (packages/zonke-django): what configure() sets with and without the
stack's environment, and the sample app's behaviour behind CloudFront and the ALB, run
for real in a subprocess (Django settings are per process)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

try:
    from zonke_django import HEALTH_MIDDLEWARE, configure, database_from_environment
except ImportError:  # pragma: no cover - set-up problem, reported with its fix
    pytest.fail(
        "zonke_django is not installed: run scripts/setup (or .venv/bin/python -m pip install -e "
        "packages/zonke-django)",
        pytrace=False,
    )

from tests.support import REPO_ROOT

APP = REPO_ROOT / "examples" / "django-monolith" / "app"
SITE = "d111111abcdef8.cloudfront.net"
STACK_ENV = {
    "DB_HOST": "shop.abc.us-east-1.rds.amazonaws.com",
    "DB_PORT": "5432",
    "DB_NAME": "app",
    "DB_USER": "app",
    "DB_PASSWORD": "p@ss:w/rd",
    "DATABASE_URL": "postgres://app:p%40ss%3Aw%2Frd@shop.abc.us-east-1.rds.amazonaws.com:5432/app?sslmode=require",
    "DJANGO_SECRET_KEY": "k" * 50,
    "DJANGO_ALLOWED_HOSTS": f"{SITE},shop.example.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{SITE},https://shop.example.com",
    "STATIC_URL": f"https://{SITE}/static/",
}


def fresh() -> dict[str, Any]:
    return {
        "BASE_DIR": Path("/app"),
        "DEBUG": True,
        "SECRET_KEY": "dev",
        "ALLOWED_HOSTS": ["localhost"],
        "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/app/db.sqlite3"}},
        "MIDDLEWARE": ["django.middleware.security.SecurityMiddleware", HEALTH_MIDDLEWARE],
    }


def test_without_the_environment_the_project_keeps_its_database_hosts_and_key() -> None:
    settings = fresh()
    configure(settings, environ={})
    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["ALLOWED_HOSTS"] == ["localhost"] and settings["SECRET_KEY"] == "dev"
    assert settings["DEBUG"] is True and "SESSION_COOKIE_SECURE" not in settings
    assert settings["STATIC_URL"] == "static/" and settings["STATIC_ROOT"] == "/app/staticfiles"
    assert settings["STORAGES"]["staticfiles"]["BACKEND"].endswith("ManifestStaticFilesStorage")
    assert settings["MIDDLEWARE"] == [HEALTH_MIDDLEWARE, "django.middleware.security.SecurityMiddleware"]
    assert settings["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_in_the_stack_everything_comes_from_the_environment() -> None:
    settings = fresh()
    configure(settings, environ=STACK_ENV)
    db = settings["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"], db["PASSWORD"]) == (
        STACK_ENV["DB_HOST"], "5432", "app", "app", "p@ss:w/rd"
    )  # fmt: skip
    assert db["OPTIONS"] == {"sslmode": "require"}
    assert settings["SECRET_KEY"] == "k" * 50 and settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == [SITE, "shop.example.com"]
    assert settings["CSRF_TRUSTED_ORIGINS"] == [f"https://{SITE}", "https://shop.example.com"]
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_CLOUDFRONT_FORWARDED_PROTO", "https")
    assert (
        settings["SESSION_COOKIE_SECURE"]
        and settings["CSRF_COOKIE_SECURE"]
        and settings["SECURE_SSL_REDIRECT"]
    )
    assert settings["STATIC_URL"] == f"https://{SITE}/static/"
    assert settings["STORAGES"]["default"]["BACKEND"] == "zonke_django.storage.MediaTierMissingStorage"


def test_with_media_uploads_go_to_s3_under_the_prefix_served_by_cloudfront() -> None:
    settings = fresh()
    media = {
        "MEDIA_URL": f"https://{SITE}/media/",
        "MEDIA_PREFIX": "media",
        "MEDIA_BUCKET": "shop-prod-media-123456789012",
        "AWS_STORAGE_BUCKET_NAME": "shop-prod-static-123456789012",
        "AWS_REGION": "eu-west-1",
    }
    configure(settings, environ={**STACK_ENV, **media})
    assert settings["MEDIA_URL"] == f"https://{SITE}/media/"
    assert settings["STORAGES"]["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "shop-prod-media-123456789012",
            "location": "media",
            "region_name": "eu-west-1",
            "custom_domain": SITE,
            "querystring_auth": False,
            "file_overwrite": False,
            "default_acl": None,
        },
    }
    # a storage of the project's own is kept
    own = {**fresh(), "STORAGES": {"default": {"BACKEND": "myapp.storage.Mine"}}}
    configure(own, environ={**STACK_ENV, **media})
    assert own["STORAGES"]["default"] == {"BACKEND": "myapp.storage.Mine"}
    # without signed URLs there is no private storage
    assert "private" not in settings["STORAGES"]


def test_a_stack_without_media_bucket_keeps_uploads_in_the_static_bucket() -> None:
    """A stack deployed by an older version sets MEDIA_URL but no MEDIA_BUCKET."""
    settings = fresh()
    old = {"MEDIA_URL": f"https://{SITE}/media/", "AWS_STORAGE_BUCKET_NAME": "shop-prod-static-123456789012"}
    configure(settings, environ={**STACK_ENV, **old})
    assert settings["STORAGES"]["default"]["OPTIONS"]["bucket_name"] == "shop-prod-static-123456789012"
    assert settings["STORAGES"]["default"]["OPTIONS"]["location"] == "media"


SIGNED_MEDIA_ENV = {
    "MEDIA_URL": f"https://{SITE}/media/",
    "MEDIA_PREFIX": "media",
    "MEDIA_BUCKET": "shop-prod-media-123456789012",
    "AWS_STORAGE_BUCKET_NAME": "shop-prod-static-123456789012",
    "AWS_REGION": "eu-west-1",
    "MEDIA_PRIVATE_PREFIX": "media/private",
    "MEDIA_SIGNING_KEY_ID": "K2JCJMDEHXQW5F",
}
FAKE_PEM = "-----BEGIN PRIVATE KEY-----\nnot-a-real-key-0123456789\n-----END PRIVATE KEY-----"


def test_with_signed_urls_a_private_storage_signs_with_the_key_secret() -> None:
    settings = fresh()
    configure(settings, environ={**STACK_ENV, **SIGNED_MEDIA_ENV, "MEDIA_SIGNING_KEY": FAKE_PEM})
    assert settings["STORAGES"]["default"]["OPTIONS"]["location"] == "media"  # the public part
    assert settings["STORAGES"]["private"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "shop-prod-media-123456789012",
            "location": "media/private",
            "region_name": "eu-west-1",
            "custom_domain": SITE,
            # django-storages signs CloudFront URLs only with querystring_auth on
            "querystring_auth": True,
            "cloudfront_key_id": "K2JCJMDEHXQW5F",
            "cloudfront_key": FAKE_PEM,
            "file_overwrite": False,
            "default_acl": None,
        },
    }
    # signed URLs off (no key ID): no private storage
    off = fresh()
    env = {k: v for k, v in SIGNED_MEDIA_ENV.items() if k != "MEDIA_SIGNING_KEY_ID"}
    configure(off, environ={**STACK_ENV, **env, "MEDIA_SIGNING_KEY": FAKE_PEM})
    assert "private" not in off["STORAGES"]
    # a private storage of the project's own is kept
    own = {**fresh(), "STORAGES": {"private": {"BACKEND": "myapp.storage.Private"}}}
    configure(own, environ={**STACK_ENV, **SIGNED_MEDIA_ENV, "MEDIA_SIGNING_KEY": FAKE_PEM})
    assert own["STORAGES"]["private"] == {"BACKEND": "myapp.storage.Private"}
    assert own["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"


def test_with_signed_urls_but_no_key_secret_the_private_storage_names_the_fix() -> None:
    settings = fresh()
    configure(settings, environ={**STACK_ENV, **SIGNED_MEDIA_ENV})
    assert settings["STORAGES"]["private"] == {"BACKEND": "zonke_django.storage.SigningKeyMissingStorage"}
    from django.core.exceptions import ImproperlyConfigured
    from zonke_django.storage import SigningKeyMissingStorage

    storage = SigningKeyMissingStorage(location="/nonexistent")
    with pytest.raises(ImproperlyConfigured) as on_url:
        storage.url("a.pdf")
    with pytest.raises(ImproperlyConfigured) as on_save:
        storage._save("a.pdf", None)
    for message in (str(on_url.value), str(on_save.value)):
        assert "zonke secrets set MEDIA_SIGNING_KEY --from-file <private key PEM>" in message
        assert "'Media uploads' in the Zonké TF README" in message
        assert SIGNED_MEDIA_ENV["MEDIA_SIGNING_KEY_ID"] not in message and "BEGIN" not in message
    assert not Path("/nonexistent").exists()


SIGNED_URL_PROBE = textwrap.dedent(
    """
    import json, os, socket, sys

    def no_network(*args, **kwargs):
        raise OSError("network used")

    socket.socket.connect = no_network
    socket.create_connection = no_network
    from django.conf import settings
    from zonke_django import configure

    values = {"BASE_DIR": "/app", "INSTALLED_APPS": []}
    configure(values)
    settings.configure(**{k: v for k, v in values.items() if k.isupper()})
    import django

    django.setup()
    from django.core.files.storage import storages

    print(json.dumps({"url": storages["private"].url("a.pdf")}))
    """
)


def test_the_private_storage_returns_cloudfront_signed_urls_without_the_network() -> None:
    """A real RSA key as the MEDIA_SIGNING_KEY secret: url() is CloudFront's canned-policy signed
    URL under MEDIA_PRIVATE_PREFIX, and the signature verifies with the public key."""
    import base64
    from urllib.parse import parse_qs

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    # as `zonke secrets set --from-file` stores it: the file's text without its last newline
    env = {**STACK_ENV, **SIGNED_MEDIA_ENV, "MEDIA_SIGNING_KEY": pem.rstrip("\n")}
    done = subprocess.run(
        [sys.executable, "-c", SIGNED_URL_PROBE],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    url = json.loads(done.stdout.strip().splitlines()[-1])["url"]
    resource, _, query = url.partition("?")
    assert resource == f"https://{SITE}/media/private/a.pdf", url
    params = {name: values[0] for name, values in parse_qs(query).items()}
    assert set(params) == {"Expires", "Signature", "Key-Pair-Id"}, url
    assert params["Key-Pair-Id"] == SIGNED_MEDIA_ENV["MEDIA_SIGNING_KEY_ID"]
    assert time.time() < int(params["Expires"]) <= time.time() + 3600  # an hour by default
    # CloudFront's check: the canned policy for this URL and expiry, signed with SHA-1 and the key
    condition = f'{{"DateLessThan":{{"AWS:EpochTime":{int(params["Expires"])}}}}}'
    policy = f'{{"Statement":[{{"Resource":"{resource}","Condition":{condition}}}]}}'
    signature = base64.b64decode(params["Signature"].translate(str.maketrans("-_~", "+=/")))
    key.public_key().verify(signature, policy.encode(), padding.PKCS1v15(), hashes.SHA1())
    assert pem.split("\n")[1] not in done.stdout + done.stderr


QUEUES = {
    "celery": "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-prod_celery",
    "reports": "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-prod_reports",
}
BROKER_ENV = {
    "CELERY_BROKER_URL": "sqs://",
    "CELERY_SQS_QUEUES": json.dumps(QUEUES),
    "CELERY_TASK_DEFAULT_QUEUE": "celery",
    "CELERY_SQS_VISIBILITY_TIMEOUT": "1800",
    "AWS_REGION": "eu-west-1",
}


def test_with_the_sqs_broker_celery_gets_the_predefined_queues() -> None:
    """Celery reads these with namespace="CELERY": the broker, the queues by URL (so it never
    lists or creates one: the task role may not), the region, the visibility timeout."""
    settings = fresh()
    configure(settings, environ={**STACK_ENV, **BROKER_ENV})
    assert settings["CELERY_BROKER_URL"] == "sqs://"
    assert settings["CELERY_BROKER_TRANSPORT_OPTIONS"] == {
        "predefined_queues": {name: {"url": url} for name, url in QUEUES.items()},
        "region": "eu-west-1",
        "visibility_timeout": 1800,
    }
    assert settings["CELERY_TASK_DEFAULT_QUEUE"] == "celery"
    assert settings["CELERY_TASK_ACKS_LATE"] is True and settings["CELERY_WORKER_PREFETCH_MULTIPLIER"] == 1
    # a value the settings module set is kept; without a broker nothing Celery is set
    own = {**fresh(), "CELERY_TASK_DEFAULT_QUEUE": "mine"}
    configure(own, environ={**STACK_ENV, **BROKER_ENV})
    assert own["CELERY_TASK_DEFAULT_QUEUE"] == "mine"
    plain = fresh()
    configure(plain, environ=STACK_ENV)
    assert not [k for k in plain if k.startswith("CELERY_")]


CACHE_ENV = {
    "AWS_REGION": "eu-west-1",
    "REDIS_URL": "rediss://master.shop-prod-cache.abc123.euw1.cache.amazonaws.com:6379/0",
    "CACHE_URL": "rediss://master.shop-prod-cache.abc123.euw1.cache.amazonaws.com:6379/0",
    "REDIS_USERNAME": "shop-prod-cache",
    "REDIS_CACHE_NAME": "shop-prod-cache",
}


def test_with_the_cache_django_signs_in_with_an_iam_token() -> None:
    """REDIS_URL: Django's Redis cache over TLS, signing in as REDIS_USERNAME with a SigV4
    presigned `connect` request for REDIS_CACHE_NAME (ElastiCache's IAM authentication), made
    when a connection opens and reused well inside its 15 minutes; no password anywhere."""
    from botocore.credentials import Credentials
    from zonke_django.cache import ElastiCacheIAMCredentials

    settings = fresh()
    configure(settings, environ={**STACK_ENV, **CACHE_ENV})
    default = settings["CACHES"]["default"]
    assert default["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert default["LOCATION"] == CACHE_ENV["REDIS_URL"] and default["LOCATION"].startswith("rediss://")
    provider = default["OPTIONS"]["credential_provider"]
    assert (provider.user, provider.cache_name, provider.region) == (
        "shop-prod-cache",
        "shop-prod-cache",
        "eu-west-1",
    )

    now = [1000.0]
    signer = ElastiCacheIAMCredentials(
        "shop-prod-cache",
        "shop-prod-cache",
        "eu-west-1",
        clock=lambda: now[0],
        credentials=Credentials("AKIDEXAMPLE", "s"),
    )
    user, token = signer.get_credentials()
    assert user == "shop-prod-cache"
    assert token.startswith("shop-prod-cache/?Action=connect&User=shop-prod-cache&"), token
    for part in (
        "X-Amz-Algorithm=AWS4-HMAC-SHA256",
        "X-Amz-Expires=900",
        "X-Amz-Signature=",
        "/eu-west-1/elasticache/aws4_request",
    ):
        assert part.replace("/", "%2F") in token or part in token, (part, token)
    signed: list[str] = []
    original = signer.token
    signer.token = lambda: signed.append("x") or original()  # type: ignore[method-assign]
    now[0] += 300
    assert signer.get_credentials()[1] == token and signed == []  # reused inside the window
    now[0] += 400
    signer.get_credentials()
    assert signed == ["x"], "a token older than 10 minutes is signed anew"
    # a cache the settings module chose is kept; without the cache, Django's default stays
    own = {**fresh(), "CACHES": {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache"}}}
    configure(own, environ={**STACK_ENV, **CACHE_ENV})
    assert own["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    plain = fresh()
    configure(plain, environ=STACK_ENV)
    assert "CACHES" not in plain


REDIS_BROKER_ENV = {
    "CELERY_BROKER_URL": "rediss://master.shop-prod-cache.abc123.euw1.cache.amazonaws.com:6379/1",
    "CELERY_TASK_DEFAULT_QUEUE": "celery",
    "REDIS_USERNAME": "shop-prod-cache",
    "REDIS_CACHE_NAME": "shop-prod-cache",
    "AWS_REGION": "eu-west-1",
}
PROVIDER = "zonke_django.celery_redis.StackBrokerCredentials"


def test_with_the_redis_broker_celery_signs_in_to_the_cache_with_an_iam_token() -> None:
    """[broker] type = "redis": database 1 of the cache over TLS with the certificate checked,
    and kombu's credential_provider (a dotted path it imports and makes with no arguments)
    signing in as the cache does; the same reliable delivery as SQS."""
    from urllib.parse import parse_qsl, urlsplit

    settings = fresh()
    configure(settings, environ={**STACK_ENV, **REDIS_BROKER_ENV})
    url = urlsplit(settings["CELERY_BROKER_URL"])
    assert url._replace(query="").geturl() == REDIS_BROKER_ENV["CELERY_BROKER_URL"]
    assert parse_qsl(url.query) == [("ssl_cert_reqs", "required"), ("credential_provider", PROVIDER)]
    assert settings["CELERY_TASK_DEFAULT_QUEUE"] == "celery"
    assert settings["CELERY_TASK_ACKS_LATE"] is True and settings["CELERY_TASK_REJECT_ON_WORKER_LOST"]
    assert settings["CELERY_WORKER_PREFETCH_MULTIPLIER"] == 1
    assert "CELERY_BROKER_TRANSPORT_OPTIONS" not in settings  # kombu's default visibility timeout
    # the visibility timeout when the stack sets it; a query already in the URL is kept
    from zonke_django import celery_settings

    env = {
        **REDIS_BROKER_ENV,
        "CELERY_BROKER_URL": REDIS_BROKER_ENV["CELERY_BROKER_URL"] + "?ssl_cert_reqs=optional&x=a%20b",
        "CELERY_SQS_VISIBILITY_TIMEOUT": "1800",
    }
    del env["CELERY_TASK_DEFAULT_QUEUE"]
    out = celery_settings(env)
    assert parse_qsl(urlsplit(out["CELERY_BROKER_URL"]).query) == [
        ("ssl_cert_reqs", "optional"),
        ("x", "a b"),
        ("credential_provider", PROVIDER),
    ]
    assert out["CELERY_BROKER_TRANSPORT_OPTIONS"] == {"visibility_timeout": 1800}
    assert out["CELERY_TASK_DEFAULT_QUEUE"] == "celery"
    # a rediss URL that is not the stack's (no REDIS_USERNAME) is passed through as it is
    own = {"CELERY_BROKER_URL": "rediss://:secret@redis.example.com:6380/2"}
    assert celery_settings(own) == own
    # the SQS broker in a stack that also has the cache is unchanged by the cache's variables
    assert celery_settings({**CACHE_ENV, **BROKER_ENV}) == celery_settings(BROKER_ENV)


def test_kombu_makes_the_redis_brokers_credential_provider_from_the_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """kombu's own parsing of the URL, down to the connection redis-py would open: TLS with
    the certificate required, database 1, and our provider (no username or password)."""
    import socket
    import ssl
    import types
    from urllib.parse import urlsplit

    import kombu
    import redis
    from kombu.transport import redis as kombu_redis
    from zonke_django import celery_settings
    from zonke_django.celery_redis import StackBrokerCredentials

    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("network used")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    for name, value in REDIS_BROKER_ENV.items():
        monkeypatch.setenv(name, value)
    # boto3 finds these first: signing is local, with no call to AWS
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)

    url = celery_settings(REDIS_BROKER_ENV)["CELERY_BROKER_URL"]
    connection = kombu.Connection(url)
    assert connection.transport_cls == "rediss" and connection.credential_provider == PROVIDER
    assert connection.ssl == {"ssl_cert_reqs": ssl.CERT_REQUIRED}
    assert connection.userid is None and connection.password is None
    # the redis transport's channel, without connecting: the connection pool's parameters
    channel = object.__new__(kombu_redis.Channel)
    channel.connection = types.SimpleNamespace(client=connection, default_port=6379)
    params = channel._connparams()
    assert isinstance(params["credential_provider"], StackBrokerCredentials)
    assert isinstance(params["credential_provider"], redis.credentials.CredentialProvider)
    assert "username" not in params and "password" not in params
    assert params["connection_class"] is redis.SSLConnection and params["ssl_cert_reqs"] == ssl.CERT_REQUIRED
    assert (params["host"], params["port"], params["db"]) == (urlsplit(url).hostname, 6379, 1)
    user, token = params["credential_provider"].get_credentials()
    assert user == "shop-prod-cache"
    assert token.startswith("shop-prod-cache/?Action=connect&User=shop-prod-cache&"), token
    assert "X-Amz-Signature=" in token and "AKIDEXAMPLE" in token
    assert params["credential_provider"].get_credentials()[1] == token  # reused, not signed again


def test_the_redis_brokers_credentials_name_a_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.exceptions import ImproperlyConfigured
    from zonke_django.celery_redis import StackBrokerCredentials

    for name in ("REDIS_USERNAME", "REDIS_CACHE_NAME", "AWS_REGION"):
        for other, value in REDIS_BROKER_ENV.items():
            monkeypatch.setenv(other, value)
        monkeypatch.delenv(name)
        with pytest.raises(ImproperlyConfigured, match=f"needs {name}, which is not set"):
            StackBrokerCredentials()
    # the signer gets exactly the stack's values
    for other, value in REDIS_BROKER_ENV.items():
        monkeypatch.setenv(other, value)
    signer = StackBrokerCredentials().signer
    assert (signer.user, signer.cache_name, signer.region) == (
        "shop-prod-cache",
        "shop-prod-cache",
        "eu-west-1",
    )


def test_zonke_django_imports_and_configures_celery_without_redis() -> None:
    """Only zonke_django.celery_redis imports redis: an image without it (an SQS broker, no
    cache) still imports the package and gets the Redis broker's settings."""
    probe = textwrap.dedent(
        """
        import json, sys
        sys.modules["redis"] = None  # importing it fails
        import zonke_django
        from zonke_django import celery_settings

        env = json.loads(sys.argv[1])
        out = celery_settings(env)
        assert "credential_provider=" in out["CELERY_BROKER_URL"], out
        assert "redis" not in sys.modules or sys.modules["redis"] is None
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(REDIS_BROKER_ENV)],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]


def test_with_media_but_no_django_storages_a_save_names_the_requirement(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "storages" else real(name, *a)
    )
    settings = fresh()
    configure(settings, environ={**STACK_ENV, "MEDIA_URL": f"https://{SITE}/media/"})
    backend = settings["STORAGES"]["default"]["BACKEND"]
    assert backend == "zonke_django.storage.S3LibraryMissingStorage"
    from django.core.exceptions import ImproperlyConfigured
    from zonke_django.storage import S3LibraryMissingStorage

    with pytest.raises(ImproperlyConfigured, match=r"django-storages\[s3\]"):
        S3LibraryMissingStorage(location="/nonexistent")._save("x", None)


def test_database_url_alone_and_a_ca_bundle() -> None:
    db = database_from_environment(
        {
            "DATABASE_URL": "postgres://u%20x:p%40w@db:6432/my%20db?connect_timeout=5",
            "DB_SSLROOTCERT": "/ca.pem",
        }
    )
    assert db is not None
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "u x",
        "p@w",
        "db",
        "6432",
        "my db",
    )
    assert db["OPTIONS"] == {"connect_timeout": "5", "sslmode": "require", "sslrootcert": "/ca.pem"}
    assert database_from_environment({"DB_HOST": "db", "DB_SSLMODE": "verify-full"})["OPTIONS"][
        "sslmode"
    ] == (  # type: ignore[index]
        "verify-full"
    )
    with pytest.raises(ValueError, match="DATABASE_URL has the scheme 'sqlite'"):
        database_from_environment({"DATABASE_URL": "sqlite:///x"})
    assert database_from_environment({}) is None


# The sample app behind CloudFront and the ALB, through Django's test client.
PROBE = textwrap.dedent(
    """
    import json, os, socket, sys

    def no_network(*args, **kwargs):
        raise OSError("network used")

    socket.socket.connect = no_network
    socket.create_connection = no_network
    import django
    from django.core.management import call_command
    os.environ["DJANGO_SETTINGS_MODULE"] = "mysite.settings"
    django.setup()
    from django.test import Client
    out = {}
    if sys.argv[1] == "collectstatic":
        call_command("collectstatic", "--noinput", verbosity=0)
    else:
        client = Client()
        def get(path, **headers):
            r = client.get(path, headers=headers)
            return [r.status_code, r.get("Location", ""), r.content.decode()[:300]]
        site = sys.argv[2]
        out["health_by_ip"] = get("/health/", host="10.0.1.23")
        if sys.argv[1] == "upload":
            from django.core.files.base import ContentFile
            from django.core.files.storage import default_storage
            try:
                default_storage.save("avatar.png", ContentFile(b"x"))
            except Exception as exc:
                out["upload"] = f"{type(exc).__name__}: {exc}"
        if sys.argv[1] == "requests":
            out["other_path_by_ip"] = get("/admin/login/", host="10.0.1.23")
            out["site_via_cloudfront"] = get("/admin/login/", host=site, cloudfront_forwarded_proto="https")
            out["site_plain_http"] = get("/admin/login/", host=site)
    print(json.dumps(out))
    """
)


def run_probe(app: Path, env: dict[str, str], *args: str) -> dict[str, Any]:
    full = {"PATH": os.environ["PATH"], **env}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=app, env=full, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.fixture
def app(tmp_path: Path) -> Path:
    copy = tmp_path / "app"
    shutil.copytree(APP, copy, ignore=shutil.ignore_patterns("__pycache__", "staticfiles", "db.sqlite3"))
    return copy


def test_sample_app_collects_hashed_static_files_with_no_environment_and_no_network(app: Path) -> None:
    run_probe(app, {}, "collectstatic")
    manifest = json.loads((app / "staticfiles" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["admin/css/base.css"]
    assert hashed != "admin/css/base.css" and (app / "staticfiles" / hashed).is_file()


def test_sample_app_answers_the_alb_by_ip_and_cloudfront_by_name(app: Path) -> None:
    # Without the manifest in the image, the deep health check fails: the deploy never takes traffic.
    broken = run_probe(app, STACK_ENV, "health", SITE)
    assert broken["health_by_ip"][0] == 503 and "collectstatic" in broken["health_by_ip"][2]
    run_probe(app, {}, "collectstatic")
    seen = run_probe(app, STACK_ENV, "requests", SITE)
    assert seen["health_by_ip"][:1] == [200]
    assert seen["other_path_by_ip"][0] == 400  # host validation still guards everything else
    assert seen["site_via_cloudfront"][0] == 200  # no redirect loop behind CloudFront
    assert seen["site_plain_http"][0] == 301 and seen["site_plain_http"][1].startswith(f"https://{SITE}/")


def test_an_upload_in_the_stack_points_to_the_media_tier(app: Path) -> None:
    run_probe(app, {}, "collectstatic")
    seen = run_probe(app, STACK_ENV, "upload", SITE)
    assert seen["upload"].startswith("ImproperlyConfigured: Media uploads (user files) need the stack")
    assert "[media]" in seen["upload"] and "enabled = true" in seen["upload"]
    assert not list(app.rglob("avatar.png"))
