"""generate_catalogue: bulk synthetic catalogue with the services' invariants kept."""

from __future__ import annotations

from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Max, Min

from backend.catalogue.models import Product, ProductVariant
from backend.catalogue.selectors import in_force_q, public_products
from backend.certification.models import CertificateStatus, OcopCertificate
from backend.producers.models import Producer

pytestmark = pytest.mark.django_db


def test_generate_small_catalogue_keeps_invariants():
    out = StringIO()
    call_command("generate_catalogue", products=300, seed=3, batch_size=120, stdout=out)
    assert "Generated 300 products" in out.getvalue()
    assert Product.objects.count() == 300
    assert 100 <= Producer.objects.count() <= 200

    # 1-3 variants each, SKUs unique, price range equal to the variants' range.
    per_product = Product.objects.annotate(
        n=Count("variants"), lo=Min("variants__price_amount"), hi=Max("variants__price_amount")
    )
    assert set(per_product.values_list("n", flat=True)) <= {1, 2, 3}
    assert not per_product.exclude(lo=F("price_min"), hi=F("price_max")).exists()
    skus = list(ProductVariant.objects.values_list("sku", flat=True))
    assert len(skus) == len(set(skus))
    assert ProductVariant.objects.filter(quantity=0).exists()

    # Certificates: 36 months; current = newest verified; some expired, some in force.
    for cert in OcopCertificate.objects.all()[:50]:
        assert cert.expires_on == cert.decision_date + relativedelta(months=36)
    for product in Product.objects.select_related("current_certificate")[:100]:
        newest = (
            product.certificates.filter(status=CertificateStatus.VERIFIED)
            .order_by("-decision_date", "-pk")
            .first()
        )
        assert product.current_certificate == newest
    with_cert = Product.objects.exclude(current_certificate=None)
    in_force = with_cert.filter(in_force_q()).count()
    assert 0 < in_force < with_cert.count()  # expired ones lose their stars
    assert set(with_cert.values_list("current_certificate__stars", flat=True)) <= {3, 4, 5}

    # Mostly public; Hanoi carries a large share.
    assert public_products().count() > 250
    assert Product.objects.filter(province__code="01").count() > 20


def test_generate_is_reproducible_in_shape_and_can_run_twice():
    call_command("generate_catalogue", products=50, seed=1, stdout=StringIO())
    names = list(Product.objects.order_by("pk").values_list("name_vi", flat=True))
    call_command("generate_catalogue", products=50, seed=1, stdout=StringIO())
    assert Product.objects.count() == 100  # no slug or SKU clash with the first run
    again = list(Product.objects.order_by("pk").values_list("name_vi", flat=True))[50:]
    assert again == names  # same seed, same catalogue


@pytest.mark.parametrize("products", [0, -5])
def test_generate_refuses_bad_sizes(products):
    with pytest.raises(CommandError):
        call_command("generate_catalogue", products=products, stdout=StringIO())
