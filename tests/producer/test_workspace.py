"""The rest of the workspace: onboarding (apply, approve, reject), members (invite, remove,
roles), own order parts, shipping with carrier and tracking (e-mail to the shopper), the payout
ledger, the monthly sales overview, imports through the API and the expiry digest."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql_relay import to_global_id

from backend.catalogue.models import ProductVariant
from backend.checkout import services as checkout_services
from backend.orders.models import OrderStatus, ProducerOrderStatus
from backend.orders.services import payout_record
from backend.payments.services import payment_create_for_checkout
from backend.producers.models import MemberRole, Producer, ProducerMember, VerificationStatus
from backend.producers.tasks import send_expiry_digests
from tests.checkout.factories import ready_checkout, sellable_variant
from tests.factories import (
    OcopCertificateFactory,
    ProducerDocumentFactory,
    ProducerMemberFactory,
    UserFactory,
)

from .conftest import PDF

pytestmark = pytest.mark.django_db

APPLY = """mutation($input: ProducerApplyInput!, $doc: Upload!) {
  producerApply(input: $input, businessRegistrationDocument: $doc) {
    producer { id name verificationStatus contactPhone } errors { field code } } }"""


def test_apply_then_staff_approve_or_reject(upload, gql, world):
    applicant = UserFactory()
    variables = {
        "input": {
            "name": "HTX Miến Dong Bình Liêu",
            "kind": "COOPERATIVE",
            "province": "22",
            "contactPhone": "0203 3878 123",
            "businessRegistrationNumber": "5700100123",
        }
    }
    result = upload(APPLY, variables, {"doc": ("dkkd.pdf", PDF)}, applicant).data["producerApply"]
    assert result["errors"] == []
    assert result["producer"]["verificationStatus"] == "PENDING"
    assert result["producer"]["contactPhone"] == "+842033878123"
    producer = Producer.objects.get(name="HTX Miến Dong Bình Liêu")
    assert ProducerMember.objects.get(user=applicant).role == MemberRole.OWNER
    document = producer.documents.get()
    assert document.kind == "BUSINESS_REGISTRATION" and not document.is_public
    assert document.file.read() == PDF

    again = upload(APPLY, variables, {"doc": ("dkkd.pdf", PDF)}, applicant).data["producerApply"]
    assert [e["code"] for e in again["errors"]] == ["MEMBER_OF_OTHER_PRODUCER"]
    bad = upload(
        APPLY,
        {"input": {**variables["input"], "province": "99", "name": "X"}},
        {"doc": ("x.txt", b"hello")},
        UserFactory(),
    ).data["producerApply"]["errors"]
    assert [(e["field"], e["code"]) for e in bad] == [("input.province", "NOT_FOUND")]
    bad = upload(
        APPLY,
        {"input": {**variables["input"], "name": "Y", "contactEmail": "nope"}},
        {"doc": ("x.txt", b"hello")},
        UserFactory(),
    ).data["producerApply"]["errors"]
    assert [(e["field"], e["code"]) for e in bad] == [
        ("businessRegistrationDocument", "INVALID_DOCUMENT")
    ]

    producer_id = to_global_id("Producer", producer.pk)
    reject = """mutation($id: ID!, $r: String!) { producerReject(id: $id, reason: $r) {
      producer { verificationStatus rejectionReason } errors { field code } } }"""
    empty = gql(reject, {"id": producer_id, "r": " "}, user=world.staff).data["producerReject"]
    assert empty["errors"] == [{"field": "reason", "code": "REQUIRED"}]
    rejected = gql(reject, {"id": producer_id, "r": "Giấy phép hết hạn"}, user=world.staff).data[
        "producerReject"
    ]
    assert rejected["producer"] == {
        "verificationStatus": "REJECTED",
        "rejectionReason": "Giấy phép hết hạn",
    }
    approved = gql(
        """mutation($id: ID!) { producerApprove(id: $id) {
          producer { verificationStatus } errors { code } } }""",
        {"id": producer_id},
        user=world.staff,
    ).data["producerApprove"]
    assert approved == {"producer": {"verificationStatus": "VERIFIED"}, "errors": []}
    producer.refresh_from_db()
    assert producer.verification_status == VerificationStatus.VERIFIED


MY = """{ myProducer { role producer { name } members { id email role } } }"""
INVITE = """mutation($e: String!, $r: ProducerMemberRoleEnum) {
  producerMemberInvite(email: $e, role: $r) { member { id email role } errors { field code } } }"""
REMOVE = """mutation($id: ID!) { producerMemberRemove(id: $id) { errors { field code } } }"""


def test_owners_invite_and_remove_members(gql, world, django_capture_on_commit_callbacks):
    newcomer = UserFactory(email="lan@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        invited = gql(INVITE, {"e": "LAN@example.com"}, user=world.owner_a).data[
            "producerMemberInvite"
        ]
    assert invited["errors"] == [] and invited["member"]["role"] == "STAFF"
    assert mail.outbox[-1].to == ["lan@example.com"] and "HTX A" in mail.outbox[-1].subject

    data = gql(MY, user=newcomer).data["myProducer"]
    assert data["producer"]["name"] == "HTX A" and data["role"] == "STAFF"
    assert len(data["members"]) == 3

    # Staff members cannot manage members; nobody joins two producers; unknown e-mails fail.
    denied = gql(INVITE, {"e": "x@example.com"}, user=newcomer).data["producerMemberInvite"]
    assert [e["code"] for e in denied["errors"]] == ["PERMISSION_DENIED"]
    taken = gql(INVITE, {"e": world.owner_b.email}, user=world.owner_a).data["producerMemberInvite"]
    assert taken["errors"] == [{"field": "email", "code": "MEMBER_OF_OTHER_PRODUCER"}]
    unknown = gql(INVITE, {"e": "nobody@example.com"}, user=world.owner_a).data[
        "producerMemberInvite"
    ]
    assert unknown["errors"] == [{"field": "email", "code": "NOT_FOUND"}]

    owner_member = to_global_id("ProducerMember", world.owner_a.producer_membership.pk)
    last = gql(REMOVE, {"id": owner_member}, user=world.owner_a).data["producerMemberRemove"]
    assert last["errors"] == [{"field": "id", "code": "LAST_OWNER"}]
    other = to_global_id("ProducerMember", world.owner_b.producer_membership.pk)
    foreign = gql(REMOVE, {"id": other}, user=world.owner_a).data["producerMemberRemove"]
    assert foreign["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    assert ProducerMember.objects.filter(user=world.owner_b).exists()

    removed = gql(REMOVE, {"id": invited["member"]["id"]}, user=world.owner_a).data[
        "producerMemberRemove"
    ]
    assert removed["errors"] == []
    assert gql(MY, user=newcomer).data["myProducer"] is None


def place_order(variants, user):
    info = ready_checkout([(v, 2) for v in variants], user=user, email=user.email)
    payment_create_for_checkout(
        token=info.checkout.token, user=user, gateway_id="ocop.payments.demo", amount=info.total
    )
    return checkout_services.checkout_complete(token=info.checkout.token, user=user)


ORDERS = """{ myProducer { orders(first: 10) { totalCount edges { node {
  id orderNumber status lines { productSku quantity } shippingAddress { fullName }
  subtotal { amount } commission { amount } payout { amount } carrier trackingNumber } } } } }"""
SHIP = """mutation($id: ID!, $c: String!, $t: String!) {
  producerOrderShip(id: $id, carrier: $c, trackingNumber: $t) {
    producerOrder { status carrier trackingNumber } errors { field code } } }"""
LEDGER = """{ myProducer { payouts { owed { amount } paid { amount } earned { amount }
  commission { amount } entries(first: 20) { totalCount edges { node { kind amount { amount }
  orderNumber } } } } salesOverview(months: 3) { month orders units gross { amount }
  net { amount } } } }"""


def test_orders_shipping_email_ledger_and_sales(gql, world, django_capture_on_commit_callbacks):
    mine = sellable_variant(producer=world.producer_a, price=100_000)
    theirs = sellable_variant(producer=world.producer_b, price=50_000)
    shopper = UserFactory(email="an@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order([mine, theirs], shopper)
    mail.outbox.clear()

    parts = gql(ORDERS, user=world.owner_a).data["myProducer"]["orders"]
    assert parts["totalCount"] == 1
    node = parts["edges"][0]["node"]
    assert node["orderNumber"] == order.number and node["status"] == "UNFULFILLED"
    assert node["lines"] == [{"productSku": mine.sku, "quantity": 2}]
    assert node["subtotal"]["amount"] == 200_000
    assert node["shippingAddress"]["fullName"] == "Nguyễn Thị Lan"
    part_id = node["id"]
    part_b = to_global_id("ProducerOrder", order.producer_orders.get(producer=world.producer_b).pk)

    missing = gql(SHIP, {"id": part_id, "c": " ", "t": ""}, user=world.owner_a).data[
        "producerOrderShip"
    ]
    assert {(e["field"], e["code"]) for e in missing["errors"]} == {
        ("carrier", "REQUIRED"),
        ("trackingNumber", "REQUIRED"),
    }
    foreign = gql(SHIP, {"id": part_b, "c": "GHN", "t": "1"}, user=world.owner_a).data[
        "producerOrderShip"
    ]
    assert foreign == {"producerOrder": None, "errors": [{"field": "id", "code": "NOT_FOUND"}]}
    with django_capture_on_commit_callbacks(execute=True):
        shipped = gql(
            SHIP, {"id": part_id, "c": "GHN", "t": "GHN123456VN"}, user=world.owner_a
        ).data["producerOrderShip"]
    assert shipped == {
        "producerOrder": {
            "status": "FULFILLED",
            "carrier": "GHN",
            "trackingNumber": "GHN123456VN",
        },
        "errors": [],
    }
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an@example.com"]
    assert order.number in message.subject and "GHN123456VN" in message.body
    assert "Đơn vị vận chuyển: GHN" in message.body
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_FULFILLED
    assert order.producer_orders.get(producer=world.producer_a).status == (
        ProducerOrderStatus.FULFILLED
    )
    again = gql(SHIP, {"id": part_id, "c": "GHN", "t": "X"}, user=world.owner_a).data[
        "producerOrderShip"
    ]
    assert [e["code"] for e in again["errors"]] == ["CANNOT_FULFILL"]

    payout_record(producer_id=world.producer_a.pk, amount=50_000, user=world.staff)
    data = gql(LEDGER, user=world.owner_a).data["myProducer"]
    part = order.producer_orders.get(producer=world.producer_a)
    ledger = data["payouts"]
    assert ledger["earned"]["amount"] == float(part.subtotal_amount + part.shipping_amount)
    assert ledger["commission"]["amount"] == float(part.commission_amount)
    assert ledger["paid"]["amount"] == 50_000
    assert ledger["owed"]["amount"] == float(part.payout_amount) - 50_000
    kinds = [e["node"]["kind"] for e in ledger["entries"]["edges"]]
    assert sorted(kinds) == ["COMMISSION", "EARNED", "PAID_OUT"]
    sales = data["salesOverview"]
    assert len(sales) == 3
    this_month = timezone.localdate().strftime("%Y-%m")
    assert sales[-1]["month"] == this_month
    assert (sales[-1]["orders"], sales[-1]["units"]) == (1, 2)
    assert sales[-1]["net"]["amount"] == float(part.payout_amount)
    assert sales[0]["orders"] == 0 and sales[0]["gross"]["amount"] == 0
    # Producer B sees only its own money.
    b = gql(LEDGER, user=world.owner_b).data["myProducer"]["payouts"]
    assert b["paid"]["amount"] == 0 and b["entries"]["totalCount"] == 2


def test_workspace_lists_take_constant_queries(gql, world):
    for _ in range(3):
        shopper = UserFactory()
        place_order([sellable_variant(producer=world.producer_a)], shopper)
    with CaptureQueriesContext(connection) as first:
        gql(ORDERS, user=world.owner_a)
    place_order([sellable_variant(producer=world.producer_a)], UserFactory())
    with CaptureQueriesContext(connection) as second:
        data = gql(ORDERS, user=world.owner_a).data
    assert data["myProducer"]["orders"]["totalCount"] == 4
    assert len(second) == len(first)


IMPORT = """mutation($f: Upload!) { productImportCreate(file: $f) {
  productImport { id status progress total createdCount errors { row column message } }
  errors { field code } } }"""
IMPORT_STATUS = """query($id: ID!) { productImport(id: $id) { status progress processed total
  createdCount unchangedCount errors { row column code } } }"""


def test_import_through_the_api(upload, gql, world, django_capture_on_commit_callbacks):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["sku", "product_name_vi", "category", "variant_name_vi", "price_vnd", "weight_grams"]
    )
    writer.writerow(["IMP-1", "Miến dong", "I-3b", "gói 500g", "65000", "520"])
    writer.writerow(["IMP-2", "Miến dong", "I-3b", "gói 1kg", "120.000", "1020"])
    data = out.getvalue().encode()
    with django_capture_on_commit_callbacks(execute=True):
        started = upload(IMPORT, {}, {"f": ("mien.csv", data)}, world.owner_a).data[
            "productImportCreate"
        ]
    assert started["errors"] == []
    job_id = started["productImport"]["id"]
    status = gql(IMPORT_STATUS, {"id": job_id}, user=world.owner_a).data["productImport"]
    assert status["status"] == "SUCCESS" and status["progress"] == 1.0
    assert (status["total"], status["processed"], status["createdCount"]) == (2, 2, 2)
    assert ProductVariant.objects.filter(product__producer=world.producer_a, sku="IMP-2").exists()
    # Other producers' members and shoppers don't see the job.
    assert gql(IMPORT_STATUS, {"id": job_id}, user=world.owner_b).data["productImport"] is None
    assert gql(IMPORT_STATUS, {"id": job_id}, user=world.shopper).data["productImport"] is None

    bad = data + "IMP-3,Miến dong,I-3b,gói,abc,10\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        failed = upload(IMPORT, {}, {"f": ("mien.csv", bad)}, world.owner_a).data[
            "productImportCreate"
        ]
    status = gql(IMPORT_STATUS, {"id": failed["productImport"]["id"]}, user=world.owner_a).data[
        "productImport"
    ]
    assert status["status"] == "FAILED"
    assert status["errors"] == [{"row": 4, "column": "price_vnd", "code": "invalid"}]
    assert not ProductVariant.objects.filter(sku="IMP-3").exists()


def test_expiry_digest(world, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    today = timezone.localdate()
    soon = OcopCertificateFactory(
        product=world.product_a,
        decision_date=today - datetime.timedelta(days=3 * 365),
        expires_on=today + datetime.timedelta(days=20),
    )
    OcopCertificateFactory(product=world.product_b)  # far from expiry
    ProducerDocumentFactory(
        producer=world.producer_a,
        kind="HALAL",
        number="HALAL-9",
        expires_on=today + datetime.timedelta(days=60),
    )
    ProducerDocumentFactory(
        producer=world.producer_b, number="OLD", expires_on=today - datetime.timedelta(days=1)
    )
    ProducerDocumentFactory(
        producer=world.producer_b, number="LATER", expires_on=today + datetime.timedelta(days=61)
    )
    sent = send_expiry_digests.delay().get()
    assert sent == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.owner_a.email]  # owners, not staff members
    assert soon.decision_number in message.body and "HALAL-9" in message.body
    assert "còn 20 ngày" in message.body and "20 days left" in message.body
    # A retry the same day does not send it twice.
    assert send_expiry_digests.delay().get() == 0
    assert len(mail.outbox) == 1


def test_owner_of_b_sees_nothing_of_a(gql, world):
    ProducerMemberFactory(producer=world.producer_b, role="STAFF")
    data = gql(
        """{ myProducer { producer { name } products(first: 10) { edges { node { name } } } } }""",
        user=world.owner_b,
    ).data["myProducer"]
    assert data["producer"]["name"] == "HTX B"
    assert [e["node"]["name"] for e in data["products"]["edges"]] == ["Nón B"]


QUEUE = """{ moderationQueue {
  products(first: 10) { totalCount edges { node { name } } }
  producers(first: 10) { totalCount }
  certificates(first: 10) { totalCount } } }"""


def test_moderation_queue_is_for_staff(gql, world):
    from backend.catalogue.models import ModerationStatus, Product

    Product.objects.filter(pk=world.product_a.pk).update(
        moderation_status=ModerationStatus.PENDING_REVIEW
    )
    OcopCertificateFactory(product=world.product_b, status="PENDING")
    queue = gql(QUEUE, user=world.staff).data["moderationQueue"]
    assert [e["node"]["name"] for e in queue["products"]["edges"]] == ["Chè A"]
    assert queue["certificates"]["totalCount"] == 1
    assert queue["producers"]["totalCount"] == 0
    for user in (None, world.shopper, world.owner_a, world.partner):
        result = gql(QUEUE, user=user)
        assert result.data["moderationQueue"] is None
        assert result.error_codes == ["PERMISSION_DENIED"]


def test_staff_decisions_are_emailed_to_the_owners(gql, world, django_capture_on_commit_callbacks):
    product = to_global_id("Product", world.product_a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        gql(
            """mutation($id: ID!) { productReject(id: $id, note: "Ảnh sản phẩm bị mờ") {
              errors { code } } }""",
            {"id": product},
            user=world.staff,
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.owner_a.email]  # owners, not staff members
    assert "Chè A" in mail.outbox[0].subject and "Ảnh sản phẩm bị mờ" in mail.outbox[0].body
    reviews = gql(
        "{ myProducer { reviews(first: 5) { edges { node { product { name } status note } } } } }",
        user=world.staff_member_a,
    ).data["myProducer"]["reviews"]["edges"]
    assert [e["node"] for e in reviews] == [
        {"product": {"name": "Chè A"}, "status": "REJECTED", "note": "Ảnh sản phẩm bị mờ"}
    ]

    certificate = OcopCertificateFactory(product=world.product_a, status="PENDING", stars=5)
    with django_capture_on_commit_callbacks(execute=True):
        gql(
            "mutation($id: ID!) { ocopCertificateVerify(id: $id) { errors { code } } }",
            {"id": to_global_id("OcopCertificate", certificate.pk)},
            user=world.staff,
        )
    assert len(mail.outbox) == 2 and "5-star" in mail.outbox[1].body

    with django_capture_on_commit_callbacks(execute=True):
        refused = gql(
            """mutation($id: ID!) { productReject(id: $id, note: "x") { errors { code } } }""",
            {"id": product},
            user=world.owner_b,
        ).data["productReject"]
    assert [e["code"] for e in refused["errors"]] == ["PERMISSION_DENIED"]
    assert len(mail.outbox) == 2


WORKSPACE = """{ myProducer { role members { email }
  products(first: 20) { totalCount edges { node { name moderationStatus variants { sku } } } }
  documents(first: 20) { edges { node { kind products fileUrl } } }
  certificates(first: 20) { edges { node { status } } }
  lowStock(threshold: 100) { sku } salesOverview(months: 2) { month } } }"""


def test_workspace_query_count_does_not_grow_with_the_data(gql, world):
    from tests.factories import ProductFactory, ProductVariantFactory

    def add(n: int) -> None:
        for _ in range(n):
            product = ProductFactory(producer=world.producer_a)
            ProductVariantFactory(product=product)
            OcopCertificateFactory(product=product)
            ProducerDocumentFactory(producer=world.producer_a).products.add(product)

    add(1)
    with CaptureQueriesContext(connection) as few:
        gql(WORKSPACE, user=world.owner_a)
    add(4)
    with CaptureQueriesContext(connection) as more:
        data = gql(WORKSPACE, user=world.owner_a).data["myProducer"]
    assert data["products"]["totalCount"] == 6
    assert len(data["documents"]["edges"]) == 5
    assert len(more) == len(few)
