"""Private document files: who may open them, and the links they get.

Owners (the producer's members), staff and export partners may open a producer's private
documents (certificates, Halal/HACCP/FDA files, lab reports, the business registration).

- On S3 (the "private" storage signs its URLs) the link is S3's own signed URL, expiring after
  AWS_QUERYSTRING_EXPIRE seconds.
- Otherwise the link points at `document_file` below with a signed token naming the document
  and the user, expiring after the same time; the view checks the signature, the expiry and
  that the user may still see the document."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpRequest
from django.urls import NoReverseMatch, reverse

from backend.graphql.core.mutations import is_member_of

SALT = "producer-document-file"
URL_NAME = "producer-document-file"


def can_open_document(user: Any, document: Any) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_export_partner:
        return True
    return is_member_of(user, document.producer_id)


def link_lifetime() -> int:
    return int(getattr(settings, "AWS_QUERYSTRING_EXPIRE", 600))


def document_file_url(request: Any, document: Any) -> str | None:
    """A short-lived link to the document's file for the request's user, or None."""
    if not document.file or not can_open_document(getattr(request, "user", None), document):
        return None
    if getattr(storages["private"], "querystring_auth", False):
        return str(document.file.storage.url(document.file.name))
    token = signing.dumps({"d": document.pk, "u": request.user.pk}, salt=SALT, compress=True)
    try:
        path = reverse(URL_NAME, kwargs={"token": token})
    except NoReverseMatch:  # backend.graphql.producer.urls is not in the URL map
        return None
    build = getattr(request, "build_absolute_uri", None)
    return str(build(path)) if build else path


def document_file(request: HttpRequest, token: str) -> FileResponse:
    from backend.certification.models import ProducerDocument

    try:
        data = signing.loads(token, salt=SALT, max_age=link_lifetime())
    except signing.BadSignature:  # forged or expired (SignatureExpired is a BadSignature)
        raise Http404("This link is invalid or has expired.") from None
    document = ProducerDocument.objects.filter(pk=data.get("d")).first()
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if document is None or not document.file or not can_open_document(user, document):
        raise Http404("No document")
    response = FileResponse(
        document.file.open("rb"),
        filename=(document.file.name or "document").rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
