"""Every producer-workspace mutation x every role, table-driven.

Roles: anonymous, shopper, member of A, member of B, export partner, staff. The variables
always name producer A's objects, so "member of B" is B's member sending A's IDs: it must fail
(NOT_FOUND, as for an ID that does not exist), return no data and change nothing of A's.
Denied calls carry a typed code; allowed calls return no errors."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from graphql_relay import to_global_id

from backend.catalogue.models import ProductMedia
from backend.catalogue.services import product_media_create
from backend.certification.models import CertificateStatus, OcopCertificate, ProducerDocument
from backend.producers.models import ProducerMember
from backend.traceability.models import Batch
from tests.factories import (
    BatchFactory,
    OcopCertificateFactory,
    ProducerDocumentFactory,
    UserFactory,
    product_set,
)

from .conftest import PDF, World, png_bytes

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "shopper", "member_a", "member_b", "export_partner", "staff"]
OK, PD, NF = "OK", "PERMISSION_DENIED", "NOT_FOUND"
POLICIES: dict[str, list[str]] = {
    # an object of producer A, changed by its members only
    "member_own": [PD, PD, OK, NF, PD, PD],
    # something new for the caller's own producer (no ID of A's)
    "member_new": [PD, PD, OK, OK, PD, PD],
    # member management: owners of the producer (both test members are owners)
    "owner_own": [PD, PD, OK, NF, PD, PD],
    "owner_new": [PD, PD, OK, OK, PD, PD],
    # moderation
    "staff": [PD, PD, PD, PD, PD, OK],
    # applying for a producer account: any account that does not work for a producer yet
    "apply": [PD, OK, "MEMBER_OF_OTHER_PRODUCER", "MEMBER_OF_OTHER_PRODUCER", OK, OK],
}


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def media_of(w: World) -> ProductMedia:
    return product_media_create(product=w.product_a, file=png_bytes())


def pending_certificate(w: World) -> OcopCertificate:
    return OcopCertificateFactory(product=w.product_a, status=CertificateStatus.PENDING)


def document_of(w: World) -> ProducerDocument:
    document = ProducerDocumentFactory(producer=w.producer_a)
    document.file.save("haccp.pdf", ContentFile(PDF))
    return document


def batch_of(w: World) -> Batch:
    return BatchFactory(product=w.product_a)


def order_part_of(w: World) -> Any:
    from backend.checkout import services
    from backend.payments.services import payment_create_for_checkout
    from tests.checkout.factories import ready_checkout, sellable_variant

    shopper = UserFactory()
    info = ready_checkout([(sellable_variant(producer=w.producer_a), 1)], user=shopper)
    payment_create_for_checkout(
        token=info.checkout.token, user=shopper, gateway_id="ocop.payments.demo", amount=info.total
    )
    order = services.checkout_complete(token=info.checkout.token, user=shopper)
    return order.producer_orders.get()


def invitee() -> dict[str, Any]:
    UserFactory(email="new.member@example.com")  # a registered account to invite
    return {}


def today() -> str:
    return (datetime.date.today() - datetime.timedelta(days=5)).isoformat()


Case = tuple[str, str, Callable[[World], dict[str, Any]], dict[str, tuple[str, bytes]], str]

CSV = (
    "sku,product_name_vi,category,variant_name_vi,price_vnd,weight_grams\n"
    "M-1,Mật ong,I-2b,chai 500ml,180000,700\n"
).encode()

CASES: list[Case] = [
    (
        "producerApply",
        """mutation($input: ProducerApplyInput!, $doc: Upload!) {
          producerApply(input: $input, businessRegistrationDocument: $doc) {
            producer { id contactEmail } errors { field code } } }""",
        lambda w: {"input": {"name": "HTX Mới", "kind": "HOUSEHOLD_BUSINESS", "province": "01"}},
        {"doc": ("dkkd.pdf", PDF)},
        "apply",
    ),
    (
        "producerApprove",
        "mutation($id: ID!) { producerApprove(id: $id) { producer { id } errors { code } } }",
        lambda w: {"id": gid("Producer", w.producer_a.pk)},
        {},
        "staff",
    ),
    (
        "producerReject",
        """mutation($id: ID!) { producerReject(id: $id, reason: "Thiếu giấy tờ") {
          producer { id rejectionReason } errors { code } } }""",
        lambda w: {"id": gid("Producer", w.producer_a.pk)},
        {},
        "staff",
    ),
    (
        "producerMemberInvite",
        """mutation { producerMemberInvite(email: "new.member@example.com") {
          member { id email } errors { field code } } }""",
        lambda w: invitee(),
        {},
        "owner_new",
    ),
    (
        "producerMemberRemove",
        "mutation($id: ID!) { producerMemberRemove(id: $id) { member { email } errors { code } } }",
        lambda w: {"id": gid("ProducerMember", w.staff_member_a.producer_membership.pk)},
        {},
        "owner_own",
    ),
    (
        "producerMemberUpdate",
        """mutation($id: ID!) { producerMemberUpdate(id: $id, role: OWNER) {
          member { email role } errors { code } } }""",
        lambda w: {"id": gid("ProducerMember", w.staff_member_a.producer_membership.pk)},
        {},
        "owner_own",
    ),
    (
        "productCreate",
        """mutation($input: ProductCreateInput!) { productCreate(input: $input) {
          product { id } errors { field code } } }""",
        lambda w: {"input": {"name": "Mật ong", "category": gid("Category", product_set().pk)}},
        {},
        "member_new",
    ),
    (
        "productUpdate",
        """mutation($id: ID!) { productUpdate(id: $id, input: {nameEn: "Changed"}) {
          product { id name } errors { field code } } }""",
        lambda w: {"id": gid("Product", w.product_a.pk)},
        {},
        "member_own",
    ),
    (
        "productDelete",
        "mutation($id: ID!) { productDelete(id: $id) { product { id } errors { code } } }",
        lambda w: {"id": gid("Product", w.product_a.pk)},
        {},
        "member_own",
    ),
    (
        "productApprove",
        "mutation($id: ID!) { productApprove(id: $id) { product { id } errors { code } } }",
        lambda w: {"id": gid("Product", w.product_a.pk)},
        {},
        "staff",
    ),
    (
        "productReject",
        """mutation($id: ID!) { productReject(id: $id, note: "Ảnh mờ") {
          product { id } errors { code } } }""",
        lambda w: {"id": gid("Product", w.product_a.pk)},
        {},
        "staff",
    ),
    (
        "productVariantCreate",
        """mutation($input: ProductVariantCreateInput!) { productVariantCreate(input: $input) {
          productVariant { id } errors { field code } } }""",
        lambda w: {
            "input": {
                "product": gid("Product", w.product_a.pk),
                "sku": "NEW-1",
                "name": "hộp",
                "price": "1000",
                "weightGrams": 100,
            }
        },
        {},
        "member_own",
    ),
    (
        "productVariantUpdate",
        """mutation($id: ID!) { productVariantUpdate(id: $id, input: {price: "99000"}) {
          productVariant { id sku } errors { field code } } }""",
        lambda w: {"id": gid("ProductVariant", w.variant_a.pk)},
        {},
        "member_own",
    ),
    (
        "productVariantDelete",
        """mutation($id: ID!) { productVariantDelete(id: $id) {
          productVariant { sku } errors { code } } }""",
        lambda w: {"id": gid("ProductVariant", w.variant_a.pk)},
        {},
        "member_own",
    ),
    (
        "stocksUpdate",
        """mutation($s: [StockInput!]!) { stocksUpdate(stocks: $s) {
          productVariants { sku quantityAvailable } errors { field code } } }""",
        lambda w: {"s": [{"variant": gid("ProductVariant", w.variant_a.pk), "quantity": 3}]},
        {},
        "member_own",
    ),
    (
        "productMediaCreate",
        """mutation($input: ProductMediaCreateInput!) { productMediaCreate(input: $input) {
          media { id url } errors { field code } } }""",
        lambda w: {"input": {"product": gid("Product", w.product_a.pk)}},
        {"input.image": ("p.png", png_bytes())},
        "member_own",
    ),
    (
        "productMediaDelete",
        """mutation($id: ID!) { productMediaDelete(id: $id) {
          media { id } product { id } errors { code } } }""",
        lambda w: {"id": gid("ProductMedia", media_of(w).pk)},
        {},
        "member_own",
    ),
    (
        "ocopCertificateCreate",
        """mutation($input: OcopCertificateCreateInput!) { ocopCertificateCreate(input: $input) {
          certificate { id } errors { field code } } }""",
        lambda w: {
            "input": {
                "product": gid("Product", w.product_a.pk),
                "decisionNumber": "1/QĐ-UBND",
                "issuingAuthority": "UBND",
                "decisionDate": today(),
                "stars": 3,
            }
        },
        {"input.document": ("c.pdf", PDF)},
        "member_own",
    ),
    (
        "ocopCertificateVerify",
        """mutation($id: ID!) { ocopCertificateVerify(id: $id) {
          certificate { id } errors { code } } }""",
        lambda w: {"id": gid("OcopCertificate", pending_certificate(w).pk)},
        {},
        "staff",
    ),
    (
        "ocopCertificateReject",
        """mutation($id: ID!) { ocopCertificateReject(id: $id, note: "Sai số") {
          certificate { id } errors { code } } }""",
        lambda w: {"id": gid("OcopCertificate", pending_certificate(w).pk)},
        {},
        "staff",
    ),
    (
        "producerDocumentCreate",
        """mutation($input: ProducerDocumentCreateInput!) { producerDocumentCreate(input: $input) {
          document { id fileUrl } errors { field code } } }""",
        lambda w: {"input": {"kind": "HALAL", "number": "H-1"}},
        {"input.file": ("h.pdf", PDF)},
        "member_new",
    ),
    (
        "producerDocumentUpdate",
        """mutation($id: ID!) { producerDocumentUpdate(id: $id, input: {number: "X-2"}) {
          document { id number fileUrl } errors { field code } } }""",
        lambda w: {"id": gid("ProducerDocument", document_of(w).pk)},
        {},
        "member_own",
    ),
    (
        "producerDocumentDelete",
        """mutation($id: ID!) { producerDocumentDelete(id: $id) {
          document { number } errors { code } } }""",
        lambda w: {"id": gid("ProducerDocument", document_of(w).pk)},
        {},
        "member_own",
    ),
    (
        "batchCreate",
        """mutation($input: BatchCreateInput!) { batchCreate(input: $input) {
          batch { id code } errors { field code } } }""",
        lambda w: {
            "input": {
                "product": gid("Product", w.product_a.pk),
                "code": "lot-new",
                "productionDate": today(),
            }
        },
        {},
        "member_own",
    ),
    (
        "batchUpdate",
        """mutation($id: ID!) { batchUpdate(id: $id, input: {quantity: 7}) {
          batch { id quantity } errors { field code } } }""",
        lambda w: {"id": gid("Batch", batch_of(w).pk)},
        {},
        "member_own",
    ),
    (
        "producerOrderShip",
        """mutation($id: ID!) { producerOrderShip(id: $id, carrier: "GHN", trackingNumber: "1") {
          producerOrder { id status trackingNumber } errors { field code } } }""",
        lambda w: {"id": gid("ProducerOrder", order_part_of(w).pk)},
        {},
        "member_own",
    ),
    (
        "productImportCreate",
        """mutation($f: Upload!) { productImportCreate(file: $f) {
          productImport { id status } errors { field code } } }""",
        lambda w: {},
        {"f": ("listings.csv", CSV)},
        "member_new",
    ),
]

MATRIX = [
    pytest.param(case, role, POLICIES[case[4]][i], id=f"{case[0]}-{role}")
    for case in CASES
    for i, role in enumerate(ROLES)
]


def snapshot_a(w: World) -> dict[str, Any]:
    """What producer A has: a denied call must not change any of it."""
    w.product_a.refresh_from_db()
    w.producer_a.refresh_from_db()
    return {
        "producer": (w.producer_a.verification_status, w.producer_a.rejection_reason),
        "product": (w.product_a.name_en, w.product_a.moderation_status, w.product_a.updated_at),
        "variants": sorted(
            w.product_a.variants.values_list("sku", "price_amount", "quantity", "updated_at")
        ),
        "media": ProductMedia.objects.filter(product=w.product_a).count(),
        "certificates": sorted(
            OcopCertificate.objects.filter(product=w.product_a).values_list("pk", "status")
        ),
        "documents": sorted(
            ProducerDocument.objects.filter(producer=w.producer_a).values_list("pk", "number")
        ),
        "batches": sorted(
            Batch.objects.filter(product=w.product_a).values_list("code", "quantity")
        ),
        "members": sorted(
            ProducerMember.objects.filter(producer=w.producer_a).values_list("user_id", "role")
        ),
        "parts": sorted(w.producer_a.producer_orders.values_list("pk", "status")),
    }


def test_every_mutation_is_in_the_matrix():
    from graphene.utils.str_converters import to_camel_case

    from backend.graphql.producer.schema import ProducerMutations

    names = set(ProducerMutations._meta.fields)
    assert {to_camel_case(n) for n in names} == {case[0] for case in CASES}


@pytest.mark.parametrize(("case", "role", "expected"), MATRIX)
def test_permission_matrix(case: Case, role: str, expected: str, world, gql, upload):
    name, query, variables_of, files, _ = case
    user = world.user(role)
    variables = variables_of(world)
    before = snapshot_a(world)
    if files:
        result = upload(query, variables, dict(files), user)
    else:
        result = gql(query, variables, user=user)
    assert result.status_code == 200, result.content
    assert not result.errors, result.errors
    payload = result.data[name]
    codes = [e["code"] for e in payload["errors"]]
    if expected == OK:
        assert codes == [], payload["errors"]
        return
    assert codes == [expected], payload["errors"]
    # Denied: no data comes back and nothing of A's changed.
    assert all(value is None for key, value in payload.items() if key != "errors"), payload
    if role == "member_b" or expected == PD:
        assert snapshot_a(world) == before


def test_staff_role_members_cannot_manage_members(world, gql):
    result = gql(
        """mutation { producerMemberInvite(email: "x@example.com") { errors { code } } }""",
        user=world.staff_member_a,
    ).data["producerMemberInvite"]
    assert [e["code"] for e in result["errors"]] == [PD]
