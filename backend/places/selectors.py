"""Reads of places: provinces (with their former names), communes and craft villages."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from backend.core.text import fold
from backend.places.models import Commune, CraftVillage, Province, ProvinceAlias


def province_ids_matching(values: Iterable[str]) -> tuple[list[int], list[str]]:
    """Provinces named by code ('01'), current name or former name, with or without
    diacritics ('Bắc Giang', 'bac giang' -> Bắc Ninh). Returns (ids, values not understood)."""
    ids: set[int] = set()
    unknown: list[str] = []
    for value in values:
        text = (value or "").strip()
        if not text:
            continue
        if text.isdigit():
            pk = Province.objects.filter(code=text.zfill(2)).values_list("pk", flat=True).first()
        else:
            folded = fold(text)
            for prefix in ("tinh ", "thanh pho "):
                if folded.startswith(prefix):
                    folded = folded[len(prefix) :]
            pk = (
                Province.objects.filter(
                    Q(folded_name=folded) | Q(codename=folded.replace(" ", "_"))
                )
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                pk = (
                    ProvinceAlias.objects.filter(folded_name=folded)
                    .values_list("province_id", flat=True)
                    .first()
                )
        if pk is None:
            unknown.append(text)
        else:
            ids.add(pk)
    return sorted(ids), unknown


def provinces(*, search: str | None = None) -> QuerySet[Province]:
    queryset = Province.objects.all()
    if search:
        folded = fold(search)
        queryset = queryset.filter(
            Q(folded_name__contains=folded) | Q(aliases__folded_name__contains=folded)
        ).distinct()
    return queryset.order_by("code", "pk")


def communes(*, province_id: int | None = None, search: str | None = None) -> QuerySet[Commune]:
    queryset = Commune.objects.all()
    if province_id is not None:
        queryset = queryset.filter(province_id=province_id)
    if search:
        queryset = queryset.filter(folded_name__contains=fold(search))
    return queryset.order_by("code", "pk")


def craft_villages(
    *, province_ids: Iterable[int] | None = None, search: str | None = None
) -> QuerySet[CraftVillage]:
    queryset = CraftVillage.objects.all()
    if province_ids is not None:
        queryset = queryset.filter(province_id__in=list(province_ids))
    if search:
        queryset = queryset.filter(folded_name__contains=fold(search))
    return queryset.order_by("name", "pk")
