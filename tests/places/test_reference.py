from backend.catalogue.models import Category
from backend.places.models import Commune, Province, ProvinceAlias


def test_the_34_provinces_with_their_official_codes(db):
    assert Province.objects.count() == 34
    assert Province.objects.get(code="24").short_name == "Bắc Ninh"
    assert Province.objects.get(code="79").name_en == "Ho Chi Minh City"


def test_former_provinces_are_aliases_of_the_new_ones(db):
    assert ProvinceAlias.objects.get(folded_name="bac giang").province.code == "24"
    assert ProvinceAlias.objects.get(name="Kiên Giang").province.short_name == "An Giang"
    assert ProvinceAlias.objects.count() == 30


def test_communes_of_the_two_level_structure(db):
    assert Commune.objects.count() == 3321
    assert Commune.objects.filter(province__code="01").exists()


def test_ocop_taxonomy_has_6_groups_and_26_sets(db):
    assert Category.objects.filter(level=Category.Level.GROUP).count() == 6
    sets = Category.objects.filter(level=Category.Level.PRODUCT_SET)
    assert sets.count() == 26
    assert set(sets.values_list("criteria_version", flat=True)) == {"148/2023"}
    assert Category.objects.get(code="I-4a").parent.code == "I"
    assert not Category.objects.get(code="VI-1").is_shippable
