"""Catalogue feeds for export partners: one file per market (CSV or JSON) with HS codes,
stars, certificates, verdicts, required and held documents, and prices in the market's
currency. Built in chunks by a background job that reports its progress, then saved in the
private storage (S3 in production) and downloaded through a signed link."""

from __future__ import annotations

import csv
import datetime
import io
import json
import tempfile
from collections.abc import Iterator
from typing import Any

from django.core import signing
from django.core.files import File
from django.db.models import QuerySet
from django.utils import timezone

from .models import ExportFeed, FeedFormat, FeedStatus, Market
from .money import Rate
from .selectors import rate_for

CHUNK = 1000
COLUMNS = [
    "product_id", "slug", "name_vi", "name_en", "producer", "province", "product_set",
    "hs_code", "stars", "certificate_number", "certificate_decision", "certificate_expires_on",
    "verdict", "country_verdicts", "reasons", "required_documents", "held_documents",
    "currency", "price_min", "price_max", "price_min_vnd", "price_max_vnd",
]  # fmt: skip
SIGNING_SALT = "markets.export-feed"


def feed_products(market: Market, verdicts: list[str]) -> QuerySet[Any]:
    from backend.catalogue.selectors import public_products
    from backend.compliance.selectors import product_ids_with_verdict

    return (
        public_products()
        .filter(pk__in=product_ids_with_verdict(market.code, verdicts))
        .select_related("producer", "province", "category", "current_certificate")
        .order_by("pk")
    )


def _rows(feed: ExportFeed, rate: Rate, today: datetime.date) -> Iterator[list[dict[str, Any]]]:
    from backend.catalogue.selectors import certificate_in_force
    from backend.compliance.models import ProductMarketVerdict

    products = feed_products(feed.market, list(feed.verdicts))
    last_pk = 0
    while True:
        chunk = list(products.filter(pk__gt=last_pk)[:CHUNK])
        if not chunk:
            return
        last_pk = chunk[-1].pk
        verdicts = {
            v.product_id: v
            for v in ProductMarketVerdict.objects.filter(
                market=feed.market, product_id__in=[p.pk for p in chunk]
            )
        }
        rows = []
        for p in chunk:
            v = verdicts.get(p.pk)
            cert = p.current_certificate
            in_force = certificate_in_force(cert, today)
            docs = v.documents if v else []
            held = [
                d["kind"]
                for d in docs
                if d.get("held")
                and (not d.get("valid_until") or d["valid_until"] >= today.isoformat())
            ]
            rows.append(
                {
                    "product_id": p.pk,
                    "slug": p.slug,
                    "name_vi": p.name_vi,
                    "name_en": p.name_en,
                    "producer": p.producer.name,
                    "province": p.province.name,
                    "product_set": p.category.code,
                    "hs_code": p.hs_code,
                    "stars": cert.stars if cert and in_force else None,
                    "certificate_number": cert.number if cert and in_force else "",
                    "certificate_decision": cert.decision_number if cert and in_force else "",
                    "certificate_expires_on": (
                        cert.expires_on.isoformat() if cert and in_force else ""
                    ),
                    "verdict": v.verdict if v else "",
                    "country_verdicts": v.country_verdicts if v else {},
                    "reasons": [r["code"] for r in v.reasons] if v else [],
                    "required_documents": [d["kind"] for d in docs],
                    "held_documents": held,
                    "currency": rate.currency,
                    "price_min": _price(p.price_min, rate),
                    "price_max": _price(p.price_max, rate),
                    "price_min_vnd": int(p.price_min) if p.price_min is not None else None,
                    "price_max_vnd": int(p.price_max) if p.price_max is not None else None,
                }
            )
        yield rows


def _price(amount: Any, rate: Rate) -> str | None:
    return None if amount is None else str(rate.from_vnd(amount).amount)


def _csv_value(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return ";".join(f"{k}:{v}" for k, v in value.items())
    return "" if value is None else value


def build_feed(feed: ExportFeed) -> ExportFeed:
    """Write the feed's file chunk by chunk, saving progress after each chunk. Idempotent: a
    rerun rebuilds the file from scratch."""
    today = timezone.localdate()
    rate = rate_for(feed.market.currency, today)
    feed.status = FeedStatus.RUNNING
    feed.total = feed_products(feed.market, list(feed.verdicts)).count()
    feed.done = 0
    feed.error = ""
    feed.save(update_fields=["status", "total", "done", "error"])
    with tempfile.TemporaryFile(mode="w+b") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        if feed.format == FeedFormat.CSV:
            writer = csv.DictWriter(text, fieldnames=COLUMNS)
            writer.writeheader()
        else:
            header = {
                "market": feed.market.code,
                "currency": rate.currency,
                "exchange_rate": {
                    "vnd_per_unit": str(rate.vnd_per_unit),
                    "valid_from": rate.valid_from.isoformat() if rate.valid_from else None,
                    "is_estimate": rate.is_estimate,
                },
                "generated_at": timezone.now().isoformat(),
                "verdicts": list(feed.verdicts),
            }
            text.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "products": [')
        first = True
        for rows in _rows(feed, rate, today):
            for row in rows:
                if feed.format == FeedFormat.CSV:
                    writer.writerow({k: _csv_value(row[k]) for k in COLUMNS})
                else:
                    text.write(("" if first else ",") + json.dumps(row, ensure_ascii=False))
                first = False
            feed.done += len(rows)
            ExportFeed.objects.filter(pk=feed.pk).update(done=feed.done)
        if feed.format == FeedFormat.JSON:
            text.write("]}")
        text.flush()
        raw.seek(0)
        name = f"{feed.market.code.lower()}-{today.isoformat()}-{feed.uuid}.{feed.format.lower()}"
        if feed.file:
            feed.file.delete(save=False)
        feed.file.save(name, File(raw), save=False)
        text.detach()
    feed.status = FeedStatus.DONE
    feed.finished_at = timezone.now()
    feed.save(update_fields=["status", "file", "finished_at", "done"])
    return feed


def download_token(feed: ExportFeed) -> str:
    return signing.dumps(str(feed.uuid), salt=SIGNING_SALT)


def feed_uuid_from_token(token: str, max_age: int = 3600) -> str | None:
    try:
        return str(signing.loads(token, salt=SIGNING_SALT, max_age=max_age))
    except signing.BadSignature:
        return None
