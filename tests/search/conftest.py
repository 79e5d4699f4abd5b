"""Fixtures of the search contract suite: the Elasticsearch emulator (noida-db), a backend
fixture parametrised over both backends, and a small catalogue with known answers."""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from backend.catalogue.models import ModerationStatus, Product
from backend.places.models import CraftVillage
from backend.producers.models import ProducerKind
from tests.factories import (
    CraftVillageFactory,
    OcopCertificateFactory,
    ProducerFactory,
    ProductFactory,
    ProductVariantFactory,
    product_set,
    province,
)


def _noida_binary() -> Path | None:
    try:
        import noida_db
    except ImportError:
        return None
    path = Path(noida_db.__file__).parent / "noida-db"
    return path if path.exists() else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def elasticsearch_url():
    """Starts noida-db (an Elasticsearch 8 emulator) for the session, or skips with why."""
    if os.environ.get("SEARCH_TEST_ELASTICSEARCH_URL"):
        yield os.environ["SEARCH_TEST_ELASTICSEARCH_URL"]
        return
    binary = _noida_binary()
    if binary is None:
        pytest.skip("noida-db (Elasticsearch emulator) is not installed: pip install noida-db")
    port = _free_port()
    data_dir = tempfile.mkdtemp(prefix="noida-search-")
    log = open(Path(data_dir) / "noida.log", "w+b")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            str(binary),
            "start",
            "--only",
            "elasticsearch",
            "--host",
            "127.0.0.1",
            "--elasticsearch-port",
            str(port),
            "--data-dir",
            data_dir,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    ready = False
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                ready = True
                break
        except OSError:
            time.sleep(0.2)
    if not ready:
        proc.kill()
        log.seek(0)
        reason = log.read().decode(errors="replace")[-300:]
        pytest.skip(f"noida-db (Elasticsearch emulator) did not start: {reason}")
    try:
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def use_elasticsearch(settings, elasticsearch_url):
    """Points the settings at the emulator with an index prefix of this test's own."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    settings.ELASTICSEARCH_URL = elasticsearch_url
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_INDEX_PREFIX = prefix
    settings.ELASTICSEARCH_TIMEOUT = 10.0
    yield prefix
    from search.backends.elasticsearch import ElasticsearchBackend

    backend = ElasticsearchBackend(elasticsearch_url, prefix)
    for name in backend.alias_targets():
        backend.es.options(ignore_status=404).indices.delete(index=name)


@pytest.fixture(params=["database", "elasticsearch"])
def backend_name(request, settings, db):
    if request.param == "elasticsearch":
        request.getfixturevalue("use_elasticsearch")
    else:
        settings.SEARCH_BACKEND = "database"
        settings.ELASTICSEARCH_URL = ""
    return request.param


@pytest.fixture
def backend(backend_name):
    from search import get_backend

    return get_backend(backend_name)


TODAY = timezone.localdate()


class Catalogue:
    """Known products; attribute per product, `public` lists the searchable ones."""

    def __init__(self) -> None:
        hanoi, haiphong, tuyenquang = province("01"), province("31"), province("08")
        bat_trang = CraftVillageFactory(
            name="Bát Tràng",
            slug="bat-trang",
            name_en="Bat Trang",
            province=hanoi,
            folded_name="bat trang",
            craft_vi="gốm sứ",
            craft_en="ceramics",
        )
        van_phuc = CraftVillageFactory(
            name="Vạn Phúc",
            slug="van-phuc",
            name_en="Van Phuc",
            province=hanoi,
            folded_name="van phuc",
            craft_vi="lụa",
            craft_en="silk",
        )
        coop = ProducerFactory(name="HTX Thực phẩm Hà Thành", province=hanoi)
        firm = ProducerFactory(
            name="Công ty Gốm Minh Long", province=hanoi, kind=ProducerKind.ENTERPRISE
        )
        household = ProducerFactory(
            name="Hộ Nguyễn Văn Biển", province=haiphong, kind=ProducerKind.HOUSEHOLD_BUSINESS
        )
        mountain = ProducerFactory(name="HTX Cao Nguyên Đá", province=tuyenquang)

        def make(
            name_vi,
            name_en,
            set_code,
            producer,
            price,
            *,
            stars=None,
            village=None,
            potential=False,
            expired=False,
            stock=20,
            description="",
            days_old=10,
        ):
            p = ProductFactory(
                name_vi=name_vi,
                name_en=name_en,
                category=product_set(set_code),
                producer=producer,
                province=producer.province,
                craft_village=village,
                description_vi=description or f"{name_vi}, sản phẩm OCOP.",
                description_en=f"{name_en}, an OCOP product.",
            )
            ProductVariantFactory(product=p, price_amount=Decimal(price), quantity=stock)
            if stars:
                decision = TODAY - datetime.timedelta(days=4 * 365 if expired else 90)
                OcopCertificateFactory(
                    product=p,
                    stars=stars,
                    potential_five_star=potential,
                    decision_date=decision,
                    expires_on=decision + datetime.timedelta(days=3 * 365),
                )
            created = timezone.now() - datetime.timedelta(days=days_old)
            Product.objects.filter(pk=p.pk).update(created_at=created)
            p.refresh_from_db()
            return p

        self.cha_ca = make(
            "Chả cá Lã Vọng",
            "La Vong grilled fish cake",
            "I-3d",
            coop,
            250_000,
            stars=4,
            description="Đặc sản Hà Nội, chả cá nướng than hoa.",
            days_old=30,
        )
        self.gom = make(
            "Gốm Bát Tràng men lam",
            "Bat Trang blue glaze ceramics",
            "IV-1",
            firm,
            1_200_000,
            stars=5,
            village=bat_trang,
            days_old=5,
        )
        self.nuoc_mam = make(
            "Nước mắm Cát Hải",
            "Cat Hai fish sauce",
            "I-4a",
            household,
            120_000,
            stars=4,
            days_old=20,
        )
        self.mat_ong = make(
            "Mật ong bạc hà",
            "Mint honey",
            "I-2b",
            mountain,
            350_000,
            stars=4,
            potential=True,
            description="Đặc sản cao nguyên đá, mật ong hoa bạc hà.",
            days_old=15,
        )
        self.tra = make(
            "Trà shan tuyết cổ thụ",
            "Ancient shan tuyet tea",
            "I-5a",
            mountain,
            80_000,
            stars=3,
            expired=True,
            stock=0,
            days_old=40,
        )
        self.lua = make(
            "Lụa tơ tằm Vạn Phúc",
            "Van Phuc silk scarf",
            "IV-2",
            firm,
            600_000,
            stars=5,
            village=van_phuc,
            days_old=1,
        )
        self.com = make("Bánh cốm Hàng Than", "Green rice cake", "I-3b", coop, 50_000, days_old=3)
        self.draft = make("Chả cá bản nháp", "Draft fish cake", "I-3d", coop, 99_000, stars=4)
        Product.objects.filter(pk=self.draft.pk).update(moderation_status=ModerationStatus.DRAFT)
        self.public = [
            self.cha_ca,
            self.gom,
            self.nuoc_mam,
            self.mat_ong,
            self.tra,
            self.lua,
            self.com,
        ]
        self.villages = {v.slug: v for v in CraftVillage.objects.all()}


@pytest.fixture
def catalogue(db, backend):
    data = Catalogue()
    backend.reindex()
    return data
