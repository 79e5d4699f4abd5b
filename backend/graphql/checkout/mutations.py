"""Checkout mutations (Saleor's names and shapes), thin over backend.checkout.services and
backend.payments.services."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

import graphene

from backend.checkout import services
from backend.checkout.addresses import AddressInput as AddressData
from backend.checkout.error_codes import CheckoutErrorCode
from backend.checkout.selectors import checkout_line_variant_ids, parse_token
from backend.core.errors import ServiceError
from backend.graphql.core.mutations import (
    BaseMutation,
    current_user,
    decode_global_id,
    error_type,
)
from backend.graphql.core.types import LanguageCodeEnum
from backend.payments import services as payment_services
from backend.payments.models import Payment as PaymentModel

from .types import Checkout, Order, Payment, decode_checkout_token

CheckoutError = error_type("CheckoutError", CheckoutErrorCode, "An error of a checkout mutation.")


# --- Inputs -------------------------------------------------------------------------------------


class CheckoutLineInput(graphene.InputObjectType):
    variant_id = graphene.ID(required=True)
    quantity = graphene.Int(required=True)


class CheckoutLineUpdateInput(graphene.InputObjectType):
    variant_id = graphene.ID(description="The variant whose line to change.")
    line_id = graphene.ID(description="Or the line to change.")
    quantity = graphene.Int(required=True, description="New quantity; 0 removes the line.")


class AddressInput(graphene.InputObjectType):
    full_name = graphene.String(required=True)
    company_name = graphene.String()
    phone = graphene.String(required=True)
    country = graphene.String(required=True, description="ISO 3166-1 alpha-2, e.g. VN, US, JP.")
    province_code = graphene.String(description="Vietnam: province code (two-level structure).")
    commune_code = graphene.String(description="Vietnam: commune/ward code.")
    street_address_1 = graphene.String(required=True)
    street_address_2 = graphene.String()
    city = graphene.String(description="Abroad: city.")
    country_area = graphene.String(description="Abroad: state or region.")
    postal_code = graphene.String()


class CheckoutCreateInput(graphene.InputObjectType):
    lines = graphene.List(graphene.NonNull(CheckoutLineInput), required=True)
    email = graphene.String()
    shipping_address = AddressInput()
    billing_address = AddressInput()
    language_code = LanguageCodeEnum()


class PaymentInput(graphene.InputObjectType):
    gateway = graphene.String(required=True, description="Id from availablePaymentGateways.")
    token = graphene.String(description="Client token (Stripe: a PaymentMethod id).")
    amount = graphene.Decimal(description="Must equal the checkout's total.")


# --- Helpers ------------------------------------------------------------------------------------


def _token(value: Any) -> uuid.UUID:
    return parse_token(decode_checkout_token(value), "id")


def _address(data: Any) -> AddressData:
    return AddressData.from_mapping(dict(data))


def _lines(lines: Any) -> list[services.LineInput]:
    return [
        services.LineInput(
            variant_id=decode_global_id(line.variant_id, "ProductVariant", f"lines.{i}.variant_id"),
            quantity=int(line.quantity),
        )
        for i, line in enumerate(lines or [])
    ]


def _language(value: Any) -> str:
    return str(getattr(value, "value", value) or "vi")


# --- Mutations ----------------------------------------------------------------------------------


class CheckoutCreate(BaseMutation):
    checkout = graphene.Field(Checkout)

    class Arguments:
        input = CheckoutCreateInput(required=True)

    class Meta:
        description = "Create a checkout. A signed-in shopper's checkout belongs to the account."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        input = data["input"]
        checkout = services.checkout_create(
            user=current_user(info),
            lines=_lines(input.lines),
            email=(input.email or "").strip().lower(),
            language_code=_language(input.language_code),
            shipping_address=_address(input.shipping_address) if input.shipping_address else None,
            billing_address=_address(input.billing_address) if input.billing_address else None,
        )
        return cls(checkout=checkout)


class CheckoutLinesAdd(BaseMutation):
    checkout = graphene.Field(Checkout)

    class Arguments:
        id = graphene.ID(required=True, description="The checkout's ID (or token).")
        lines = graphene.List(graphene.NonNull(CheckoutLineInput), required=True)

    class Meta:
        description = "Add variants to a checkout (quantities add up)."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        id = data["id"]
        lines = data["lines"]
        checkout = services.checkout_lines_add(
            token=_token(id), user=current_user(info), lines=_lines(lines)
        )
        return cls(checkout=checkout)


class CheckoutLinesUpdate(BaseMutation):
    checkout = graphene.Field(Checkout)

    class Arguments:
        id = graphene.ID(required=True)
        lines = graphene.List(graphene.NonNull(CheckoutLineUpdateInput), required=True)

    class Meta:
        description = "Set line quantities (0 removes a line)."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        id = data["id"]
        lines = data["lines"]
        token = _token(id)
        user = current_user(info)
        wanted: list[services.LineInput] = []
        line_ids: dict[int, int] = {}
        for i, line in enumerate(lines):
            if line.variant_id:
                variant_id = decode_global_id(
                    line.variant_id, "ProductVariant", f"lines.{i}.variant_id"
                )
            elif line.line_id:
                line_ids[i] = decode_global_id(line.line_id, "CheckoutLine", f"lines.{i}.line_id")
                continue
            else:
                raise ServiceError.single(
                    CheckoutErrorCode.REQUIRED, "Give variantId or lineId.", f"lines.{i}"
                )
            wanted.append(services.LineInput(variant_id, int(line.quantity)))
        if line_ids:
            variants = checkout_line_variant_ids(token=token, user=user, line_ids=line_ids)
            for i, variant_id in variants.items():
                wanted.append(services.LineInput(variant_id, int(lines[i].quantity)))
        checkout = services.checkout_lines_update(token=token, user=user, lines=wanted)
        return cls(checkout=checkout)


class CheckoutLinesDelete(BaseMutation):
    checkout = graphene.Field(Checkout)

    class Arguments:
        id = graphene.ID(required=True)
        lines_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    class Meta:
        description = "Remove lines from a checkout."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        id = data["id"]
        lines_ids = data["lines_ids"]
        ids = [decode_global_id(gid, "CheckoutLine", "lines_ids") for gid in lines_ids]
        checkout = services.checkout_lines_delete(
            token=_token(id), user=current_user(info), line_ids=ids
        )
        return cls(checkout=checkout)


class CheckoutEmailUpdate(BaseMutation):
    checkout = graphene.Field(Checkout)

    class Arguments:
        id = graphene.ID(required=True)
        email = graphene.String(required=True)

    class Meta:
        description = "Set the e-mail the order confirmation goes to."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        id = data["id"]
        email = data["email"]
        checkout = services.checkout_email_update(
            token=_token(id), user=current_user(info), email=email
        )
        return cls(checkout=checkout)


class CheckoutShippingAddressUpdate(BaseMutation):
    checkout = graphene.Field(Checkout)

    class Arguments:
        id = graphene.ID(required=True)
        shipping_address = AddressInput(required=True)

    class Meta:
        description = "Set where to deliver. A delivery method that no longer applies is unset."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        id = data["id"]
        shipping_address = data["shipping_address"]
        checkout = services.checkout_shipping_address_update(
            token=_token(id), user=current_user(info), address=_address(shipping_address)
        )
        return cls(checkout=checkout)


class CheckoutBillingAddressUpdate(BaseMutation):
    checkout = graphene.Field(Checkout)

    class Arguments:
        id = graphene.ID(required=True)
        billing_address = AddressInput(required=True)

    class Meta:
        description = "Set the billing address."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        id = data["id"]
        billing_address = data["billing_address"]
        checkout = services.checkout_billing_address_update(
            token=_token(id), user=current_user(info), address=_address(billing_address)
        )
        return cls(checkout=checkout)


class CheckoutDeliveryMethodUpdate(BaseMutation):
    checkout = graphene.Field(Checkout)

    class Arguments:
        id = graphene.ID(required=True)
        delivery_method_id = graphene.ID(
            required=True, description="Id from availableShippingMethods."
        )

    class Meta:
        description = "Choose one of availableShippingMethods."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        id = data["id"]
        delivery_method_id = data["delivery_method_id"]
        checkout = services.checkout_delivery_method_update(
            token=_token(id), user=current_user(info), delivery_method_id=str(delivery_method_id)
        )
        return cls(checkout=checkout)


class CheckoutPaymentCreate(BaseMutation):
    checkout = graphene.Field(Checkout)
    payment = graphene.Field(Payment)

    class Arguments:
        id = graphene.ID(required=True)
        input = PaymentInput(required=True)

    class Meta:
        description = (
            "Open a payment for the checkout's total with one of availablePaymentGateways; "
            "its stock is held for CHECKOUT_RESERVATION_MINUTES meanwhile."
        )
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        id = data["id"]
        input = data["input"]
        amount = None
        if input.amount is not None:
            try:
                amount = Decimal(input.amount)
            except (InvalidOperation, TypeError):
                raise ServiceError.single(
                    CheckoutErrorCode.INVALID, "Not an amount.", "input.amount"
                ) from None
        token = _token(id)
        user = current_user(info)
        payment = payment_services.payment_create_for_checkout(
            token=token,
            user=user,
            gateway_id=str(input.gateway),
            customer_token=str(input.token or ""),
            amount=amount,
        )
        from backend.checkout.fetch import fetch_checkout_info
        from backend.checkout.selectors import checkout_get

        checkout = fetch_checkout_info(checkout_get(token=token, user=user))
        return cls(checkout=checkout, payment=payment)


class CheckoutComplete(BaseMutation):
    order = graphene.Field(Order)
    confirmation_needed = graphene.Boolean(
        required=True, description="The card needs 3-D Secure: confirm with Stripe.js, retry."
    )
    confirmation_data = graphene.JSONString()

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = (
            "Pay and place the order. Idempotent: a retry returns the same order and never "
            "charges twice. A declined card leaves the checkout as it was."
        )
        error_type_class = CheckoutError

    @staticmethod
    def resolve_confirmation_needed(root: Any, info: Any) -> bool:
        return bool(root.confirmation_needed)

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        id = data["id"]
        token = _token(id)
        try:
            order = services.checkout_complete(token=token, user=current_user(info))
        except ServiceError as error:
            if error.errors[0].code == CheckoutErrorCode.PAYMENT_ACTION_REQUIRED:
                payment = (
                    PaymentModel.objects.filter(checkout_token=token, is_active=True)
                    .order_by("-pk")
                    .first()
                )
                data = {"client_secret": payment.client_secret} if payment else {}
                return cls(order=None, confirmation_needed=True, confirmation_data=data)
            raise
        return cls(order=order, confirmation_needed=False)


class CheckoutCustomerAttach(BaseMutation):
    checkout = graphene.Field(Checkout)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Attach an anonymous checkout to the signed-in shopper's account."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        checkout = services.checkout_customer_attach(
            token=_token(data["id"]), user=current_user(info)
        )
        return cls(checkout=checkout)
