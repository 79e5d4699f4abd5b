"""Uploads of the workspace through django-storages on S3 (moto's server on a loopback port):
product images and their thumbnails in the media location, private documents in the private
location reached only through signed, expiring URLs; a rejected image leaves nothing behind."""

from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request

import boto3
import pytest
from graphql_relay import to_global_id

from backend.catalogue.models import ProductMedia

from .conftest import PDF, png_bytes

BUCKET = "ocop-producer-test"
REGION = "ap-southeast-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def moto_s3():
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
        region_name=REGION,
    )
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    yield endpoint, client
    server.stop()


@pytest.fixture
def s3_storages(settings, moto_s3):
    endpoint, client = moto_s3
    common = {
        "bucket_name": BUCKET,
        "endpoint_url": endpoint,
        "access_key": "testing",
        "secret_key": "testing",
        "region_name": REGION,
        "addressing_style": "path",
        "signature_version": "s3v4",
        "file_overwrite": False,
    }
    settings.AWS_QUERYSTRING_EXPIRE = 300
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "location": "media", "querystring_auth": False},
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "location": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "default_acl": "private",
            },
        },
    }
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    return client


def keys(client) -> set[str]:
    return {o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


MEDIA = """mutation($input: ProductMediaCreateInput!) { productMediaCreate(input: $input) {
  media { url thumbnail(size: 256) } errors { field code } } }"""
DOCUMENT = """mutation($input: ProducerDocumentCreateInput!) {
  producerDocumentCreate(input: $input) { document { id fileUrl } errors { field code } } }"""


@pytest.mark.django_db
def test_images_and_thumbnails_go_to_s3(s3_storages, upload, world):
    product = to_global_id("Product", world.product_a.pk)
    result = upload(
        MEDIA,
        {"input": {"product": product}},
        {"input.image": ("che.png", png_bytes())},
        world.owner_a,
    ).data["productMediaCreate"]
    assert result["errors"] == []
    media = ProductMedia.objects.get()
    stored = keys(s3_storages)
    assert f"media/{media.image.name}" in stored
    assert len([k for k in stored if k.startswith("media/thumbnails/")]) == 3
    assert result["media"]["url"].startswith("http://127.0.0.1")
    assert "X-Amz-Signature" not in result["media"]["url"]

    # A bad image is refused with a typed error and leaves nothing in the bucket.
    refused = upload(
        MEDIA,
        {"input": {"product": product}},
        {"input.image": ("x.png", b"not an image")},
        world.owner_a,
    ).data["productMediaCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in refused] == [("input.image", "INVALID_IMAGE")]
    assert keys(s3_storages) == stored


@pytest.mark.django_db
def test_private_documents_on_s3_use_signed_expiring_urls(s3_storages, upload, gql, world):
    created = upload(
        DOCUMENT,
        {"input": {"kind": "FDA_REGISTRATION"}},
        {"input.file": ("fda.pdf", PDF)},
        world.owner_a,
    ).data["producerDocumentCreate"]
    assert created["errors"] == []
    assert any(k.startswith("private/documents/") for k in keys(s3_storages))
    url = created["document"]["fileUrl"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["300"] and query["X-Amz-Signature"][0]
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == PDF
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url.split("?", 1)[0], timeout=10)
    assert refused.value.code == 403

    listing = """query($p: ID!) { producerDocuments(producer: $p, first: 5) {
      edges { node { fileUrl } } } }"""
    producer = to_global_id("Producer", world.producer_a.pk)
    partner = gql(listing, {"p": producer}, user=world.partner).data["producerDocuments"]
    assert "X-Amz-Signature" in partner["edges"][0]["node"]["fileUrl"]
    shopper = gql(listing, {"p": producer}, user=world.shopper)
    assert "PERMISSION_DENIED" in shopper.error_codes
