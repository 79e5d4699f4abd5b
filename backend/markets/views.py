"""Download of an export feed through a signed, expiring link (from `exportFeed.downloadUrl`).
On S3 it redirects to a signed URL of the private bucket; locally it streams the file."""

from __future__ import annotations

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponseBase,
    HttpResponseRedirect,
)

from .feeds import feed_uuid_from_token
from .models import ExportFeed, FeedStatus


def export_feed_download(request: HttpRequest, token: str) -> HttpResponseBase:
    feed_uuid = feed_uuid_from_token(token)
    feed = (
        ExportFeed.objects.filter(uuid=feed_uuid, status=FeedStatus.DONE).first()
        if feed_uuid
        else None
    )
    if feed is None or not feed.file:
        raise Http404("No such feed, or the link expired.")
    url = feed.file.storage.url(feed.file.name)
    if url.startswith(("http://", "https://")):
        return HttpResponseRedirect(url)
    filename = str(feed.file.name).rsplit("/", 1)[-1]
    content_type = "text/csv" if filename.endswith(".csv") else "application/json"
    return FileResponse(
        feed.file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
