"""The brief's named cases, explainability, documents held, dates, rule edits and recompute."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from backend.catalogue.models import Product
from backend.compliance.evaluator import ConditionError, compile_condition, evaluate
from backend.compliance.explain import (
    catalog_from_ruleset,
    explain_documents,
    explain_reasons,
    load_catalog,
)
from backend.compliance.facts import ProductFacts, load_facts
from backend.compliance.models import ProductMarketVerdict, Rule
from backend.compliance.selectors import load_ruleset, product_ids_with_verdict
from backend.compliance.services import (
    product_compliance_changed,
    rules_changed,
    verdicts_recompute,
)
from tests.factories import ProducerDocumentFactory, ProductFactory, product_set

pytestmark = pytest.mark.django_db

SPIRITS = ProductFacts(
    set_code="II-1a",
    group_code="II",
    contains_alcohol=True,
    abv_percent=Decimal("29.5"),
    is_liquid=True,
    hs_code="2208",
)


@pytest.fixture
def ruleset():
    return load_ruleset(datetime.date(2026, 11, 29))


def reasons(v):
    return {r["code"] for r in v.reasons}


def docs(v):
    return {d["kind"] for d in v.documents}


def test_spirits_blocked_in_sa_kw_qa_only(ruleset):
    v = evaluate(SPIRITS, ruleset, "GCC")
    assert v.verdict == "BLOCKED"
    assert {c: v.for_country(c) for c in ["SA", "KW", "QA", "AE", "BH", "OM"]} == {
        "SA": "BLOCKED",
        "KW": "BLOCKED",
        "QA": "BLOCKED",
        "AE": "ELIGIBLE_WITH_DOCUMENTS",
        "BH": "ELIGIBLE_WITH_DOCUMENTS",
        "OM": "ELIGIBLE_WITH_DOCUMENTS",
    }
    [reason] = explain_reasons(v.reasons, catalog_from_ruleset(ruleset))
    assert reason["code"] == "ALCOHOL_BANNED" and reason["countries"] == ["KW", "QA", "SA"]
    assert reason["rule"] == "gcc-alcohol-banned" and reason["valid_from"] == "2020-01-01"
    assert reason["source"].startswith("OCOP Market domain brief")
    assert reason["message_en"].startswith("Alcohol may not be imported")


def test_pork_blocked_for_the_whole_gulf(ruleset):
    # A shelf-stable pork product (not chilled, not raw fermented).
    pork = ProductFacts(set_code="I-3d", group_code="I", contains_pork=True)
    v = evaluate(pork, ruleset, "GCC")
    assert v.verdict == "BLOCKED" and v.country_verdicts == {}
    assert "PORK_BANNED" in reasons(v)


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        (
            ProductFacts(
                set_code="I-1b", group_code="I", storage_class="CHILLED", contains_meat=True
            ),
            "CHILLED_FROZEN_ANIMAL_PRODUCT",
        ),
        (
            ProductFacts(
                set_code="I-3d", group_code="I", storage_class="FROZEN", contains_meat=True
            ),
            "CHILLED_FROZEN_ANIMAL_PRODUCT",
        ),
        (
            ProductFacts(
                set_code="I-3d",
                group_code="I",
                storage_class="CHILLED",
                contains_pork=True,
                is_raw_fermented=True,
            ),
            "RAW_FERMENTED_MEAT",
        ),
        (ProductFacts(set_code="I-3b", group_code="I", shelf_life_days=3), "SHORT_SHELF_LIFE"),
        (ProductFacts(set_code="VI-1", group_code="VI", is_shippable=False), "NOT_SHIPPABLE"),
    ],
)
def test_never_leaves_vietnam(ruleset, facts, code):
    for market in ruleset.markets:
        v = evaluate(facts, ruleset, market)
        if market == "VN" and code != "NOT_SHIPPABLE":
            assert v.verdict == "ELIGIBLE"
        else:
            assert v.verdict == "BLOCKED" and code in reasons(v), market


def test_a_shelf_life_of_weeks_is_fine(ruleset):
    assert (
        evaluate(
            ProductFacts(set_code="I-3b", group_code="I", shelf_life_days=30), ruleset, "EU"
        ).verdict
        == "ELIGIBLE"
    )


def test_fresh_fruit_to_the_us_needs_an_approved_species_and_irradiation(ruleset):
    pomelo = ProductFacts(
        set_code="I-1a",
        group_code="I",
        is_fresh_produce=True,
        fresh_produce_species="Bưởi",
        storage_class="FRESH",
    )
    v = evaluate(pomelo, ruleset, "US")
    assert v.verdict == "ELIGIBLE_WITH_DOCUMENTS"
    assert {"IRRADIATION_CERTIFICATE", "APHIS_PRECLEARANCE", "PHYTOSANITARY"} <= docs(v)
    custard = ProductFacts(
        set_code="I-1a",
        group_code="I",
        is_fresh_produce=True,
        fresh_produce_species="custard apple",
        storage_class="FRESH",
    )
    v = evaluate(custard, ruleset, "US")
    assert v.verdict == "BLOCKED" and reasons(v) == {"FRUIT_SPECIES_NOT_APPROVED"}


def test_birds_nest(ruleset):
    nest = ProductFacts(set_code="I-3d", group_code="I", contains_birds_nest=True)
    for market in ["EU", "US", "UK", "AU"]:
        v = evaluate(nest, ruleset, market)
        assert v.verdict == "BLOCKED" and "BIRDS_NEST_NOT_PERMITTED" in reasons(v)
    cn = evaluate(nest, ruleset, "CN")
    assert cn.verdict == "ELIGIBLE_WITH_DOCUMENTS" and docs(cn) == {"GACC_REGISTRATION"}


def test_fish_sauce_to_the_us_needs_fda_registration_and_prior_notice(ruleset):
    sauce = ProductFacts(set_code="I-4a", group_code="I", contains_seafood=True, is_liquid=True)
    v = evaluate(sauce, ruleset, "US")
    assert v.verdict == "ELIGIBLE_WITH_DOCUMENTS"
    assert docs(v) == {"FDA_REGISTRATION", "PRIOR_NOTICE", "HACCP"}
    docs_explained = explain_documents(v.documents, catalog_from_ruleset(ruleset))
    prior = next(d for d in docs_explained if d["kind"] == "PRIOR_NOTICE")
    assert prior["per_shipment"] and not prior["held"]


def test_agarwood_needs_cites_in_every_export_market(ruleset):
    agarwood = ProductFacts(set_code="IV-1", group_code="IV", wood_species="Aquilaria crassna")
    for market in ruleset.markets:
        v = evaluate(agarwood, ruleset, market)
        if market == "VN":
            assert v.verdict == "ELIGIBLE"
        else:
            assert "CITES_PERMIT" in docs(v), market
    appendix_i = ProductFacts(set_code="IV-1", group_code="IV", cites_status="APPENDIX_I")
    assert evaluate(appendix_i, ruleset, "JP").verdict == "BLOCKED"


def test_a_rule_applies_only_from_its_date():
    coffee = ProductFacts(set_code="I-6", group_code="I", hs_code="090121")
    before = evaluate(coffee, load_ruleset(datetime.date(2026, 12, 29)), "EU")
    after = evaluate(coffee, load_ruleset(datetime.date(2026, 12, 30)), "EU")
    assert before.verdict == "ELIGIBLE"
    assert after.verdict == "ELIGIBLE_WITH_DOCUMENTS" and docs(after) == {"EUDR_DUE_DILIGENCE"}


def test_documents_held_by_the_producer_and_still_valid():
    sauce = ProductFactory(category=product_set("I-4a"), contains_seafood=True)
    today = timezone.localdate()
    fda = ProducerDocumentFactory(
        producer=sauce.producer,
        kind="FDA_REGISTRATION",
        expires_on=today + datetime.timedelta(days=100),
    )
    ProducerDocumentFactory(
        producer=sauce.producer, kind="HACCP", expires_on=today - datetime.timedelta(days=1)
    )  # expired
    other = ProductFactory(producer=sauce.producer)
    covered_elsewhere = ProducerDocumentFactory(producer=sauce.producer, kind="HACCP")
    covered_elsewhere.products.set([other])  # covers another product only
    verdicts_recompute(product_ids=[sauce.pk])
    v = ProductMarketVerdict.objects.get(product=sauce, market__code="US")
    by_kind = {d["kind"]: d for d in v.documents}
    assert by_kind["FDA_REGISTRATION"]["held"] is True
    assert by_kind["FDA_REGISTRATION"]["valid_until"] == fda.expires_on.isoformat()
    # Once it expires, the stored entry reads as not held (no recompute needed).
    later = fda.expires_on + datetime.timedelta(days=1)
    [fda_later] = [
        d
        for d in explain_documents(v.documents, load_catalog(), later)
        if d["kind"] == "FDA_REGISTRATION"
    ]
    assert fda_later["held"] is False and fda_later["valid_until"] == fda.expires_on.isoformat()
    assert by_kind["HACCP"]["held"] is False
    assert by_kind["PRIOR_NOTICE"]["held"] is False


def test_facts_load_in_three_queries_whatever_the_number_of_products(django_assert_num_queries):
    products = ProductFactory.create_batch(5)
    for p in products:
        ProducerDocumentFactory(producer=p.producer)
    with django_assert_num_queries(3):  # products, documents, their product links
        facts = load_facts([p.pk for p in products])
    assert len(facts) == 5 and all(len(f.documents) == 1 for f in facts)


def test_recompute_queries_do_not_grow_with_products(django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ruleset = load_ruleset()
    few = [p.pk for p in ProductFactory.create_batch(3)]
    many = [p.pk for p in ProductFactory.create_batch(10)]  # one SQLite insert batch
    with CaptureQueriesContext(connection) as few_ctx:
        verdicts_recompute(product_ids=few, ruleset=ruleset)
    # facts (3), market ids, stored digests, savepoint + release, the write (1 or 3 on PG)
    with django_assert_max_num_queries(11) as many_ctx:
        verdicts_recompute(product_ids=many, ruleset=ruleset)
    assert len(many_ctx.captured_queries) == len(few_ctx.captured_queries)
    assert ProductMarketVerdict.objects.count() == 13 * len(ruleset.markets)


def test_editing_a_rule_and_recomputing_changes_the_stored_verdict(
    django_capture_on_commit_callbacks,
):
    honey = ProductFactory(category=product_set("I-2b"), hs_code="0409")
    verdicts_recompute(product_ids=[honey.pk])
    assert ProductMarketVerdict.objects.get(product=honey, market__code="KR").verdict == "ELIGIBLE"
    Rule.objects.create(
        code="kr-honey-test",
        title_vi="Mật ong",
        title_en="Honey",
        markets=["KR"],
        condition={"fact": "hs_code", "op": "prefix", "value": ["0409"]},
        effect="BLOCK",
        reason_code="TEST_HONEY",
        message_vi="Thử",
        message_en="Test",
        source="test",
        valid_from=datetime.date(2020, 1, 1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        rules_changed()
    v = ProductMarketVerdict.objects.get(product=honey, market__code="KR")
    assert v.verdict == "BLOCKED" and reasons(v) == {"TEST_HONEY"}


def test_product_change_is_queued_on_commit_and_recomputed(django_capture_on_commit_callbacks):
    p = ProductFactory(category=product_set("I-3d"))
    verdicts_recompute(product_ids=[p.pk])
    Product.objects.filter(pk=p.pk).update(contains_pork=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        product_compliance_changed(product_ids=[p.pk])
    assert ProductMarketVerdict.objects.get(product=p, market__code="GCC").verdict != "BLOCKED"
    assert len(callbacks) == 1
    callbacks[0]()
    assert ProductMarketVerdict.objects.get(product=p, market__code="GCC").verdict == "BLOCKED"


def test_filter_subquery_by_market_and_verdict():
    ok = ProductFactory(category=product_set("IV-1"))
    spirits = ProductFactory(category=product_set("II-1a"), contains_alcohol=True)
    verdicts_recompute(product_ids=[ok.pk, spirits.pk])
    ids = Product.objects.filter(
        pk__in=product_ids_with_verdict("GCC", ["ELIGIBLE", "ELIGIBLE_WITH_DOCUMENTS"])
    ).values_list("pk", flat=True)
    assert list(ids) == [ok.pk]


@pytest.mark.parametrize(
    "bad",
    [
        {"fact": "colour", "op": "eq", "value": "red"},
        {"fact": "contains_pork", "op": "resembles"},
        {"fact": "set_code", "op": "in", "value": "I-3d"},
        ["not", "an", "object"],
    ],
)
def test_malformed_conditions_are_refused(bad):
    with pytest.raises(ConditionError):
        compile_condition(bad)


def test_only_changed_verdicts_are_rewritten_and_reindexed(monkeypatch):
    import search.sync

    scheduled: list[set[int]] = []
    monkeypatch.setattr(search.sync, "schedule_products", lambda ids: scheduled.append(set(ids)))
    hat = ProductFactory(category=product_set("IV-1"))
    pork = ProductFactory(category=product_set("I-3d"))
    verdicts_recompute(product_ids=[hat.pk, pork.pk])
    assert scheduled == [{hat.pk, pork.pk}]  # new verdicts
    before = dict(
        ProductMarketVerdict.objects.filter(market__code="GCC").values_list(
            "product_id", "computed_at"
        )
    )
    Product.objects.filter(pk=pork.pk).update(contains_pork=True)
    verdicts_recompute(product_ids=[hat.pk, pork.pk])
    after = dict(
        ProductMarketVerdict.objects.filter(market__code="GCC").values_list(
            "product_id", "computed_at"
        )
    )
    assert after[hat.pk] == before[hat.pk]  # unchanged: not rewritten
    assert after[pork.pk] > before[pork.pk]
    assert scheduled[-1] == {pork.pk}  # only the changed product goes back to search
    verdicts_recompute(product_ids=[hat.pk, pork.pk])
    assert len(scheduled) == 2  # nothing changed, nothing to reindex


def test_daily_job_recomputes_when_a_rule_comes_into_force(monkeypatch):
    from backend.compliance import tasks

    coffee = ProductFactory(category=product_set("I-6"), hs_code="0901")
    verdicts_recompute(product_ids=[coffee.pk])
    assert tasks.recompute_when_rules_start_or_end() == 0  # no rule starts today
    Rule.objects.filter(code="eu-eudr").update(valid_from=timezone.localdate())
    assert tasks.recompute_when_rules_start_or_end() >= 1
    v = ProductMarketVerdict.objects.get(product=coffee, market__code="EU")
    assert v.verdict == "ELIGIBLE_WITH_DOCUMENTS" and docs(v) == {"EUDR_DUE_DILIGENCE"}


def test_blocked_everywhere_lists_no_documents_but_per_country_blocks_keep_them(ruleset):
    frozen_fish = ProductFacts(
        set_code="I-3d", group_code="I", storage_class="FROZEN", contains_seafood=True
    )
    v = evaluate(frozen_fish, ruleset, "US")
    assert v.verdict == "BLOCKED" and v.documents == []
    gulf = evaluate(SPIRITS, ruleset, "GCC")
    assert gulf.verdict == "BLOCKED" and docs(gulf) == {"LICENSED_IMPORTER"}
    [entry] = gulf.documents
    assert entry["countries"] == ["AE", "BH", "OM"]


@pytest.mark.parametrize(
    ("name", "species"),
    [
        ("Bưởi", "pomelo"),
        ("bưởi Năm Roi Bình Minh", "pomelo"),
        ("Vải thiều Lục Ngạn", "lychee"),
        ("Nhãn lồng Hưng Yên", "longan"),
        ("dragon fruit", "dragon_fruit"),
        ("Thanh-Long ruột đỏ", "dragon_fruit"),
        ("Mãng cầu Tây Ninh", "custard_apple"),
        ("durian", "durian"),
    ],
)
def test_species_names_in_vietnamese_or_english(ruleset, name, species):
    from backend.compliance.evaluator import normalise_species
    from backend.compliance.models import SpeciesAlias

    aliases = {
        normalise_species(a, {}): s for a, s in SpeciesAlias.objects.values_list("name", "species")
    }
    assert normalise_species(name, aliases) == species
