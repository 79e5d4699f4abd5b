"""The GraphQL core: typed mutation errors, permission helpers, global IDs, DataLoaders,
session auth with CSRF, multipart requests."""

from __future__ import annotations

import enum
import json
from types import SimpleNamespace

import graphene
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from graphql_relay import to_global_id

from backend.core.errors import ServiceError
from backend.graphql.core.dataloaders import DataLoader, get_loader
from backend.graphql.core.mutations import (
    BaseMutation,
    CommonErrorCode,
    decode_global_id,
    error_type,
    require_producer_member,
    require_staff,
)
from backend.graphql.core.view import ExecutionContext
from tests.factories import ProducerMemberFactory, UserFactory


class DemoErrorCode(enum.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    REQUIRED = "required"
    OUT_OF_STOCK = "out_of_stock"


DemoError = error_type("DemoError", DemoErrorCode)


class DemoBuy(BaseMutation):
    ok = graphene.Boolean()

    class Arguments:
        quantity = graphene.Int(required=True)
        producer_id = graphene.ID()

    class Meta:
        error_type_class = DemoError

    @classmethod
    def perform_mutation(cls, root, info, quantity, producer_id=None):
        if producer_id:
            pk = decode_global_id(producer_id, "Producer", "producer_id")
            require_producer_member(info, pk)
        if quantity > 3:
            raise ServiceError.single(DemoErrorCode.OUT_OF_STOCK, "Only 3 left.", "quantity")
        return cls(ok=True)


class DemoQuery(graphene.ObjectType):
    ping = graphene.String()
    counted = graphene.List(graphene.Int)

    @staticmethod
    def resolve_counted(root, info):
        return [get_loader(info, CountingLoader).load(i) for i in range(5)]


class DemoMutation(graphene.ObjectType):
    demo_buy = DemoBuy.Field()


class CountingLoader(DataLoader[int, int]):
    context_key = "counting"
    calls: list[list[int]] = []

    def batch_load(self, keys):
        CountingLoader.calls.append(list(keys))
        return [k * 10 for k in keys]


schema = graphene.Schema(query=DemoQuery, mutation=DemoMutation)


def run(query, user=None):
    context = SimpleNamespace(user=user or AnonymousUser(), dataloaders={})
    return schema.execute(query, context_value=context, execution_context_class=ExecutionContext)


def test_error_type_exposes_the_domain_enum():
    sdl = str(schema)
    assert "enum DemoErrorCode" in sdl
    assert "OUT_OF_STOCK" in sdl
    assert "errors: [DemoError!]!" in sdl


def test_service_error_becomes_payload_error():
    result = run("mutation { demoBuy(quantity: 5) { ok errors { field code message } } }")
    assert result.errors is None
    assert result.data["demoBuy"] == {
        "ok": None,
        "errors": [{"field": "quantity", "code": "OUT_OF_STOCK", "message": "Only 3 left."}],
    }


def test_success_has_empty_errors():
    result = run("mutation { demoBuy(quantity: 1) { ok errors { code } } }")
    assert result.data["demoBuy"] == {"ok": True, "errors": []}


@pytest.mark.django_db
def test_permission_helper_maps_to_the_domain_enum():
    member = ProducerMemberFactory()
    other = ProducerMemberFactory()
    gid = to_global_id("Producer", other.producer_id)
    query = 'mutation { demoBuy(quantity: 1, producerId: "%s") { ok errors { field code } } }'
    result = run(query % gid, user=member.user)
    assert result.data["demoBuy"]["errors"] == [{"field": None, "code": "PERMISSION_DENIED"}]
    own = to_global_id("Producer", member.producer_id)
    assert run(query % own, user=member.user).data["demoBuy"]["errors"] == []
    anonymous = run(query % own)
    assert anonymous.data["demoBuy"]["errors"][0]["code"] == "PERMISSION_DENIED"


def test_bad_ids_in_mutations_are_typed_errors():
    query = 'mutation { demoBuy(quantity: 1, producerId: "%s") { errors { field code } } }'
    malformed = run(query % "@@@")
    assert malformed.data["demoBuy"]["errors"] == [{"field": "producerId", "code": "GRAPHQL_ERROR"}]
    wrong_type = run(query % to_global_id("Product", 3))
    assert wrong_type.data["demoBuy"]["errors"] == [{"field": "producerId", "code": "INVALID"}]


def test_decode_global_id():
    assert decode_global_id(to_global_id("Product", 42), "Product") == 42
    for bad in ("", "abc", to_global_id("Product", "x"), to_global_id("Product", -1)):
        with pytest.raises(ServiceError) as error:
            decode_global_id(bad, "Product")
        assert error.value.errors[0].code is CommonErrorCode.GRAPHQL_ERROR


@pytest.mark.django_db
def test_require_staff():
    info = SimpleNamespace(context=SimpleNamespace(user=UserFactory()))
    with pytest.raises(ServiceError):
        require_staff(info)
    info.context.user = UserFactory(is_staff=True)
    assert require_staff(info) is info.context.user


def test_dataloader_batches_one_call_per_request():
    CountingLoader.calls = []
    result = run("{ counted }")
    assert result.errors is None
    assert result.data == {"counted": [0, 10, 20, 30, 40]}
    assert CountingLoader.calls == [[0, 1, 2, 3, 4]]


@pytest.mark.django_db
def test_session_auth_json_works_and_form_posts_need_csrf():
    user = UserFactory(email="browser@example.com")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = browser.post(
        "/graphql/", data=json.dumps({"query": "{ me { email } }"}), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["data"]["me"]["email"] == "browser@example.com"
    form = browser.post("/graphql/", data={"query": "{ me { email } }"})
    assert form.status_code == 403
    assert form.json()["errors"][0]["extensions"]["code"] == "CSRF_FAILED"


@pytest.mark.django_db
def test_multipart_request_goes_through_the_same_view(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    operations = json.dumps(
        {"query": "{ categories(level: 0, first: 1) { totalCount } }", "variables": {"file": None}}
    )
    response = client.post(
        "/graphql/",
        data={
            "operations": operations,
            "map": json.dumps({"0": ["variables.file"]}),
            "0": SimpleUploadedFile("a.txt", b"hello"),
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["data"]["categories"]["totalCount"] == 6


def test_load_many_and_then_resolve_in_one_batch():
    from backend.graphql.core.dataloaders import then

    class Q(graphene.ObjectType):
        total = graphene.Int()

        @staticmethod
        def resolve_total(root, info):
            loader = get_loader(info, CountingLoader)
            return then(loader.load_many([1, 2, 3]), sum)

    CountingLoader.calls = []
    context = SimpleNamespace(user=AnonymousUser(), dataloaders={})
    result = graphene.Schema(query=Q).execute(
        "{ total }", context_value=context, execution_context_class=ExecutionContext
    )
    assert result.errors is None
    assert result.data == {"total": 60}
    assert CountingLoader.calls == [[1, 2, 3]]


def test_a_wrapped_later_load_is_dispatched_even_if_the_first_is_dropped():
    from backend.graphql.core.dataloaders import then

    class Q(graphene.ObjectType):
        value = graphene.Int()

        @staticmethod
        def resolve_value(root, info):
            loader = get_loader(info, CountingLoader)
            loader.load(7)  # queued first, never returned to the executor
            return then(loader.load(8), lambda v: v + 1)

    CountingLoader.calls = []
    context = SimpleNamespace(user=AnonymousUser(), dataloaders={})
    result = graphene.Schema(query=Q).execute(
        "{ value }", context_value=context, execution_context_class=ExecutionContext
    )
    assert result.errors is None
    assert result.data == {"value": 81}
    assert CountingLoader.calls == [[7, 8]]


@pytest.mark.django_db
def test_require_export_partner():
    from backend.graphql.core.mutations import require_export_partner

    info = SimpleNamespace(context=SimpleNamespace(user=UserFactory()))
    with pytest.raises(ServiceError) as error:
        require_export_partner(info)
    assert error.value.errors[0].code is CommonErrorCode.PERMISSION_DENIED
    info.context.user = UserFactory(is_export_partner=True)
    assert require_export_partner(info) is info.context.user
    info.context.user = UserFactory(is_staff=True)
    assert require_export_partner(info) is info.context.user
    with pytest.raises(ServiceError):
        require_export_partner(info, allow_staff=False)


class DoublingLoader(DataLoader[int, int]):
    context_key = "doubling"

    def batch_load(self, keys):
        return [k * 2 for k in keys]


def test_gather_over_two_loaders_dispatches_both():
    from backend.graphql.core.dataloaders import gather

    class Q(graphene.ObjectType):
        pair = graphene.List(graphene.Int)

        @staticmethod
        def resolve_pair(root, info):
            first = get_loader(info, CountingLoader).load(1)
            second = get_loader(info, DoublingLoader).load(5).then(lambda v: v + 1)
            return gather([first, second])

    context = SimpleNamespace(user=AnonymousUser(), dataloaders={})
    result = graphene.Schema(query=Q).execute(
        "{ pair }", context_value=context, execution_context_class=ExecutionContext
    )
    assert result.errors is None
    assert result.data == {"pair": [10, 11]}
