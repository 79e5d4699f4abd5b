"""What the database search backend reads: one denormalised, folded row per public product.

The indexer (`search.indexing`) keeps these rows in step with the catalogue; they are also
the fallback when Elasticsearch is down, so they are maintained whichever backend is active.
"""

from __future__ import annotations

from django.db import models


class ProductSearchDocument(models.Model):
    product = models.OneToOneField(
        "catalogue.Product",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
    )
    # Folded text (backend.core.text.fold), each wrapped in spaces so " word" matches a word
    # start. `name_text` holds both names, `body_text` everything else that is searchable.
    name_text = models.TextField()
    body_text = models.TextField()

    category_code = models.CharField(max_length=8, db_index=True)
    group_code = models.CharField(max_length=8, db_index=True)
    # Stars of the current VERIFIED certificate; they count only between the two dates.
    stars = models.PositiveSmallIntegerField(null=True, blank=True)
    potential_five_star = models.BooleanField(default=False)
    certificate_valid_from = models.DateField(null=True, blank=True)
    certificate_valid_until = models.DateField(null=True, blank=True, db_index=True)
    province_code = models.CharField(max_length=2, db_index=True)
    craft_village_slug = models.CharField(max_length=120, blank=True, db_index=True)
    producer_id = models.BigIntegerField(db_index=True)
    producer_kind = models.CharField(max_length=24, db_index=True)
    price_min = models.DecimalField(max_digits=14, decimal_places=0, null=True, blank=True)
    price_max = models.DecimalField(max_digits=14, decimal_places=0, null=True, blank=True)
    in_stock = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_index=True)
    # Market codes the product may ship to, space separated (empty until market rules exist).
    markets = models.CharField(max_length=200, blank=True)
    # Folded phrases offered as autocomplete (product names).
    suggest_text = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["price_min"]),
            models.Index(fields=["stars", "certificate_valid_until"]),
        ]

    def __str__(self) -> str:
        return f"search document of product {self.product_id}"


class SearchTerm(models.Model):
    """The vocabulary of folded words seen by the indexer; typo tolerance matches a query
    word against it by trigram similarity. Words are never removed: a stale word only
    expands a query to a word that matches nothing."""

    term = models.CharField(max_length=64, unique=True)
    length = models.PositiveSmallIntegerField(db_index=True)

    def __str__(self) -> str:
        return self.term


class SyncBacklog(models.Model):
    """Products whose sync to Elasticsearch failed (engine down); retried by the next sync
    and cleared by a full reindex, so a failure loses nothing."""

    product_id = models.BigIntegerField(unique=True)
    failed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"search sync backlog: product {self.product_id}"
