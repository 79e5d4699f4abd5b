"""Media and private documents on S3, through the production settings (django-storages +
boto3), against moto's S3 server on a loopback port."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request

import boto3
import pytest

from .test_deploy import compose_web_env, run, strong_key

BUCKET = "ocop-test-media"
PUBLIC_MEDIA_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": ["*"]},
            "Action": ["s3:GetObject"],
            "Resource": [f"arn:aws:s3:::{BUCKET}/media/*"],
        }
    ],
}

STORAGE_SCRIPT = """
import json, django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
public = default_storage.save("products/2026/11/mang-cut.jpg", ContentFile(b"jpeg bytes"))
private = storages["private"].save("certificates/ocop-123.pdf", ContentFile(b"%PDF certificate"))
with default_storage.open(public) as fh:
    public_read = fh.read().decode()
with storages["private"].open(private) as fh:
    private_read = fh.read().decode()
print(json.dumps({
    "public_name": public, "public_url": default_storage.url(public), "public_read": public_read,
    "private_name": private, "private_url": storages["private"].url(private),
    "private_read": private_read,
    "exists": [default_storage.exists(public), storages["private"].exists(private)],
}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="ap-southeast-1",
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"}
    )
    # As infra/docker-compose.yml's minio-bucket one-off does: anonymous read on media/ only.
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_MEDIA_POLICY))
    yield endpoint, client
    server.stop()


def s3_env(endpoint: str, **extra: str) -> dict[str, str]:
    env = compose_web_env(strong_key())
    env.update(
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_S3_REGION_NAME="ap-southeast-1",
        AWS_S3_CUSTOM_DOMAIN="",
        AWS_QUERYSTRING_EXPIRE="600",
        DJANGO_SETTINGS_MODULE="backend.settings",
    )
    env.update(extra)
    return env


def run_storage_script(env: dict[str, str]) -> dict:
    result = run(["-c", STORAGE_SCRIPT], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def test_upload_read_and_urls(s3_endpoint):
    endpoint, client = s3_endpoint
    out = run_storage_script(s3_env(endpoint))
    assert out["exists"] == [True, True]
    assert out["public_read"] == "jpeg bytes"
    assert out["private_read"] == "%PDF certificate"

    # Objects land under media/ and private/ of the bucket.
    keys = {o["Key"] for o in client.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert f"media/{out['public_name']}" in keys
    assert f"private/{out['private_name']}" in keys
    body = client.get_object(Bucket=BUCKET, Key=f"private/{out['private_name']}")["Body"]
    assert body.read() == b"%PDF certificate"

    # Public media: a plain, stable URL (cacheable by a CDN), no signature.
    public = urllib.parse.urlsplit(out["public_url"])
    assert "X-Amz-Signature" not in public.query
    assert fetch(out["public_url"]) == b"jpeg bytes"

    # Private documents: a signed URL that expires after AWS_QUERYSTRING_EXPIRE seconds.
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(out["private_url"]).query)
    assert query["X-Amz-Expires"] == ["600"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Signature"][0]
    assert fetch(out["private_url"]) == b"%PDF certificate"
    # ... and without the signature it is refused.
    unsigned = out["private_url"].split("?", 1)[0]
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(unsigned)
    assert refused.value.code == 403


def test_private_documents_never_use_the_public_cdn_domain(s3_endpoint):
    endpoint, _ = s3_endpoint
    out = run_storage_script(
        s3_env(
            endpoint,
            AWS_S3_CUSTOM_DOMAIN="media.shop.example.vn",
            AWS_S3_URL_PROTOCOL="https:",
            AWS_QUERYSTRING_EXPIRE="120",
        )
    )
    assert out["public_url"].startswith("https://media.shop.example.vn/media/products/")
    private = urllib.parse.urlsplit(out["private_url"])
    assert private.netloc == urllib.parse.urlsplit(endpoint).netloc
    assert urllib.parse.parse_qs(private.query)["X-Amz-Expires"] == ["120"]
    assert fetch(out["private_url"]) == b"%PDF certificate"


# Not tested here: that S3 refuses a forged or expired signature. moto accepts any
# signature (it does enforce the bucket policy, checked above), so that is S3's/MinIO's
# behaviour to trust, not something this suite can show.
