"""The optional read replica: catalogue reads go there, writes and everything read inside a
transaction stay on the primary; without DATABASE_REPLICA_URL nothing changes."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from backend.accounts.models import User
from backend.catalogue.models import Product
from backend.core.db_router import ReadReplicaRouter
from backend.places.models import Province

from .test_deploy import compose_web_env, run, strong_key

router = ReadReplicaRouter()


@pytest.fixture
def with_replica(settings):
    # Only the router reads the alias here; no connection to it is opened.
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}


def test_without_a_replica_the_router_stays_out_of_the_way():
    assert router.db_for_read(Product) is None
    assert router.db_for_write(Product) == "default"


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@pytest.mark.django_db(transaction=True)
def test_catalogue_reads_use_the_replica_outside_transactions(with_replica):
    assert router.db_for_read(Product) == "replica"
    assert router.db_for_read(Province) == "replica"
    # Accounts (and orders, carts, payments) always read the primary.
    assert router.db_for_read(User) == "default"
    assert router.db_for_write(Product) == "default"
    with transaction.atomic():
        # Read-your-writes inside a service's transaction.
        assert router.db_for_read(Product) == "default"
    assert router.allow_migrate("default", "catalogue") is True
    assert router.allow_migrate("replica", "catalogue") is False


SHOW_DATABASES = """
import json, django
django.setup()
from django.conf import settings
from django.db import router
from backend.catalogue.models import Product
print(json.dumps({"aliases": sorted(settings.DATABASES),
                  "replica": settings.DATABASES.get("replica", {}),
                  "read": router.db_for_read(Product)}, default=str))
"""


def test_database_replica_url_adds_the_replica_alias():
    env = compose_web_env(strong_key())
    env["DATABASE_REPLICA_URL"] = "postgres://ocop:pw@replica.internal:5432/ocop"
    result = run(["-c", SHOW_DATABASES], {**env, "DJANGO_SETTINGS_MODULE": "backend.settings"})
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["aliases"] == ["default", "replica"]
    assert out["replica"]["HOST"] == "replica.internal"
    assert out["replica"]["TEST"]["MIRROR"] == "default"
    assert out["read"] == "replica"

    env["DATABASE_REPLICA_URL"] = ""
    result = run(["-c", SHOW_DATABASES], {**env, "DJANGO_SETTINGS_MODULE": "backend.settings"})
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["aliases"] == ["default"]
    assert out["read"] == "default"
