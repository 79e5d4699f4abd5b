"""Table-driven: every demo-catalogue row x every market, against the brief (demo.EXPECTED)."""

from __future__ import annotations

import datetime

import pytest

from backend.compliance.explain import explain_documents, explain_reasons, load_catalog
from backend.compliance.models import ProductMarketVerdict
from backend.compliance.services import verdicts_recompute
from tests.factories import ProductFactory, product_set

from . import demo

if not demo.CSV_PATH.exists():  # pragma: no cover
    pytest.skip(f"demo catalogue not found at {demo.CSV_PATH}", allow_module_level=True)

ROWS = demo.rows()
# The table is the brief as of this day (EUDR applies from 2026-12-30, see below).
DAY = datetime.date(2026, 11, 29)


def make_product(row: dict[str, str]):
    facts = demo.facts_for(row)
    set_code = facts.pop("set_code")
    return ProductFactory(category=product_set(set_code), name_vi=row["product_vi"], **facts)


def test_the_table_covers_every_row():
    assert [int(r["id"]) for r in ROWS] == sorted(demo.EXPECTED)


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[f"{r['id']}-{r['group_code']}" for r in ROWS])
def test_demo_row_verdicts_match_the_brief(row):
    product = make_product(row)
    assert verdicts_recompute(product_ids=[product.pk], on=DAY) == 1
    got = dict(
        ProductMarketVerdict.objects.filter(product=product).values_list("market__code", "verdict")
    )
    assert got == demo.expected(int(row["id"])), row["product_vi"]
    # Every verdict is explainable: each reason and document names its rule, source and date.
    catalog = load_catalog()
    for v in ProductMarketVerdict.objects.filter(product=product):
        if v.verdict == "BLOCKED":
            assert v.reasons
        for reason in explain_reasons(v.reasons, catalog):
            assert reason["rule"] and reason["source"] and reason["valid_from"]
            assert reason["message_vi"] and reason["message_en"]
        for doc in explain_documents(v.documents, catalog):
            assert doc["rules"] and all(r["source"] and r["valid_from"] for r in doc["rules"])
            assert doc["name_vi"] != doc["kind"]  # a known document type
        if v.verdict == "ELIGIBLE_WITH_DOCUMENTS":
            assert v.documents


@pytest.mark.django_db
def test_rows_flagged_domestic_only_never_leave_vietnam():
    flagged = [r for r in ROWS if "domestic_only" in r["flags"]]
    assert len(flagged) == 7
    products = [make_product(r) for r in flagged]
    verdicts_recompute(product_ids=[p.pk for p in products], on=DAY)
    for p in products:
        rows = ProductMarketVerdict.objects.filter(product=p).exclude(market__code="VN")
        assert {v.verdict for v in rows} == {"BLOCKED"}, p.name_vi
        assert ProductMarketVerdict.objects.get(product=p, market__code="VN").verdict == "ELIGIBLE"


@pytest.mark.django_db
@pytest.mark.parametrize("rid", [4, 11, 12, 28])
def test_wood_and_coffee_need_eudr_due_diligence_for_the_eu_from_2026_12_30(rid):
    [row] = [r for r in ROWS if int(r["id"]) == rid]
    product = make_product(row)
    verdicts_recompute(product_ids=[product.pk], on=datetime.date(2026, 12, 30))
    v = ProductMarketVerdict.objects.get(product=product, market__code="EU")
    assert v.verdict == "ELIGIBLE_WITH_DOCUMENTS"
    assert "EUDR_DUE_DILIGENCE" in {d["kind"] for d in v.documents}
