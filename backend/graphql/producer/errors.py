"""Typed errors of the producer workspace: one `<X>Error` type per kind of mutation, whose code
enum holds the common codes and the codes of the domain service behind it."""

from __future__ import annotations

import enum

from backend.catalogue.bulk_import import ImportErrorCode
from backend.catalogue.error_codes import CatalogueErrorCode
from backend.certification.error_codes import CertificationErrorCode
from backend.graphql.core.mutations import CommonErrorCode, error_type
from backend.orders.error_codes import OrderErrorCode
from backend.producers.error_codes import ProducerErrorCode as ProducerServiceErrorCode
from backend.traceability.error_codes import TraceabilityErrorCode


def merged(name: str, *sources: type[enum.Enum]) -> type[enum.Enum]:
    members: dict[str, str] = {}
    all_sources: tuple[type[enum.Enum], ...] = (CommonErrorCode, *sources)
    for source in all_sources:
        for member in source:
            members.setdefault(member.name, str(member.value))
    return enum.Enum(name, members)  # type: ignore[return-value]


ProducerErrorCode = merged("ProducerErrorCode", ProducerServiceErrorCode)
ProductErrorCode = merged("ProductErrorCode", CatalogueErrorCode)
OcopCertificateErrorCode = merged("OcopCertificateErrorCode", CertificationErrorCode)
ProducerDocumentErrorCode = merged(
    "ProducerDocumentErrorCode", CertificationErrorCode, ProducerServiceErrorCode
)
BatchErrorCode = merged("BatchErrorCode", TraceabilityErrorCode)
ProducerOrderErrorCode = merged("ProducerOrderErrorCode", OrderErrorCode)
ProductImportErrorCode = merged("ProductImportErrorCode", ImportErrorCode)

ProducerError = error_type("ProducerError", ProducerErrorCode, "An error of a producer mutation.")
ProductError = error_type("ProductError", ProductErrorCode, "An error of a listing mutation.")
OcopCertificateError = error_type(
    "OcopCertificateError", OcopCertificateErrorCode, "An error of a certificate mutation."
)
ProducerDocumentError = error_type(
    "ProducerDocumentError", ProducerDocumentErrorCode, "An error of a document mutation."
)
BatchError = error_type("BatchError", BatchErrorCode, "An error of a batch mutation.")
ProducerOrderError = error_type(
    "ProducerOrderError", ProducerOrderErrorCode, "An error of a fulfilment mutation."
)
ProductImportError = error_type(
    "ProductImportError", ProductImportErrorCode, "An error of an import mutation."
)
