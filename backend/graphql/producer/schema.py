"""The producer workspace: `myProducer` (private data of the member's producer: listings, order
parts, ledger, sales ...), document access for export partners, import jobs, and the workspace
mutations. Order parts are also listed by the checkout API's `producerOrders`."""

from __future__ import annotations

from typing import Any

import graphene

from backend.catalogue.bulk_import import import_job_get
from backend.core.errors import ServiceError
from backend.graphql.core.connection import ConnectionField, connection_from_queryset
from backend.graphql.core.mutations import (
    CommonErrorCode,
    current_user,
    decode_global_id,
    is_member_of,
    producer_membership,
    require_login,
    require_staff,
)
from backend.producers import workspace
from backend.producers.models import Producer

from . import mutations as m
from .types import (
    ModerationQueue,
    ProducerDocumentCountableConnection,
    ProducerWorkspace,
    ProductImport,
)


class WorkspaceRoot:
    def __init__(self, producer: Producer, role: str) -> None:
        self.producer = producer
        self.producer_id = producer.pk
        self.role = role


class ProducerQueries(graphene.ObjectType):
    my_producer = graphene.Field(
        ProducerWorkspace,
        description="The producer you work for, with its private data (null if none).",
    )
    producer_documents = ConnectionField(
        ProducerDocumentCountableConnection,
        producer=graphene.ID(required=True),
        description="A producer's certificates and documents with signed file links "
        "(export partners, staff and the producer's members).",
    )
    moderation_queue = graphene.Field(
        ModerationQueue, description="What waits for staff review (staff only)."
    )
    product_import = graphene.Field(
        ProductImport,
        id=graphene.ID(required=True),
        description="An import job of your producer: status, progress and errors.",
    )

    @staticmethod
    def resolve_my_producer(root: Any, info: Any) -> Any:
        membership = producer_membership(current_user(info))
        if membership is None:
            return None
        producer = Producer.objects.select_related("province").get(pk=membership.producer_id)
        return WorkspaceRoot(producer, membership.role)

    @staticmethod
    def resolve_producer_documents(root: Any, info: Any, producer: str, **kwargs: Any) -> Any:
        user = require_login(info)
        producer_id = decode_global_id(producer, "Producer", "producer")
        if not (user.is_staff or user.is_export_partner or is_member_of(user, producer_id)):
            raise ServiceError.single(
                CommonErrorCode.PERMISSION_DENIED,
                "Only export partners, staff and the producer's members see its documents.",
                "producer",
            )
        return connection_from_queryset(
            workspace.own_documents(producer_id=producer_id),
            kwargs,
            ProducerDocumentCountableConnection,
        )

    @staticmethod
    def resolve_moderation_queue(root: Any, info: Any) -> Any:
        require_staff(info)
        return ModerationQueue()

    @staticmethod
    def resolve_product_import(root: Any, info: Any, id: str) -> Any:
        user = require_login(info)
        job = import_job_get(str(id))
        if job is None or not (user.is_staff or is_member_of(user, job.producer_id)):
            return None
        return job


class ProducerMutations(graphene.ObjectType):
    producer_apply = m.ProducerApply.Field()
    producer_approve = m.ProducerApprove.Field()
    producer_reject = m.ProducerReject.Field()
    producer_member_invite = m.ProducerMemberInvite.Field()
    producer_member_remove = m.ProducerMemberRemove.Field()
    producer_member_update = m.ProducerMemberUpdate.Field()
    product_create = m.ProductCreate.Field()
    product_update = m.ProductUpdate.Field()
    product_delete = m.ProductDelete.Field()
    product_approve = m.ProductApprove.Field()
    product_reject = m.ProductReject.Field()
    product_variant_create = m.ProductVariantCreate.Field()
    product_variant_update = m.ProductVariantUpdate.Field()
    product_variant_delete = m.ProductVariantDelete.Field()
    stocks_update = m.StocksUpdate.Field()
    product_media_create = m.ProductMediaCreate.Field()
    product_media_delete = m.ProductMediaDelete.Field()
    ocop_certificate_create = m.OcopCertificateCreate.Field()
    ocop_certificate_verify = m.OcopCertificateVerify.Field()
    ocop_certificate_reject = m.OcopCertificateReject.Field()
    producer_document_create = m.ProducerDocumentCreate.Field()
    producer_document_update = m.ProducerDocumentUpdate.Field()
    producer_document_delete = m.ProducerDocumentDelete.Field()
    batch_create = m.BatchCreate.Field()
    batch_update = m.BatchUpdate.Field()
    producer_order_ship = m.ProducerOrderShip.Field()
    product_import_create = m.ProductImportCreate.Field()
