"""Vietnam's two-level administrative map (since 2025-07-01) and its craft villages."""

from __future__ import annotations

from django.db import models


class Province(models.Model):
    """One of the 34 province-level units. `code` is the official two-digit code."""

    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=100, help_text="Full name, e.g. 'Thành phố Hà Nội'")
    short_name = models.CharField(max_length=60, help_text="e.g. 'Hà Nội'")
    name_en = models.CharField(max_length=60, blank=True)
    codename = models.SlugField(max_length=60, unique=True)
    division_type = models.CharField(max_length=40)
    region = models.CharField(max_length=20, blank=True, help_text="north, central or south")
    folded_name = models.CharField(max_length=100, editable=False, db_index=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name


class ProvinceAlias(models.Model):
    """A former province name that now belongs to `province` (e.g. Bắc Giang -> Bắc Ninh)."""

    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=100)
    folded_name = models.CharField(max_length=100, db_index=True)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["folded_name"], name="uniq_alias_name")]

    def __str__(self) -> str:
        return f"{self.name} → {self.province.short_name}"


class Commune(models.Model):
    """A commune, ward or special zone (xã, phường, đặc khu) of the two-level structure."""

    code = models.CharField(max_length=5, unique=True)
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="communes")
    name = models.CharField(max_length=100)
    division_type = models.CharField(max_length=20)
    codename = models.CharField(max_length=100)
    folded_name = models.CharField(max_length=100, db_index=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CraftVillage(models.Model):
    """A làng nghề. It belongs to a province and, where known, a commune."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=150)
    name_en = models.CharField(max_length=150, blank=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="craft_villages")
    commune = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="craft_villages"
    )
    craft_vi = models.CharField(max_length=150, blank=True, help_text="e.g. 'gốm sứ'")
    craft_en = models.CharField(max_length=150, blank=True, help_text="e.g. 'ceramics'")
    story_vi = models.TextField(blank=True)
    story_en = models.TextField(blank=True)
    folded_name = models.CharField(max_length=150, db_index=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
