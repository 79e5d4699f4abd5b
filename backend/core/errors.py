"""The error type every service raises.

Services raise `ServiceError` with a code from the domain's error-code enum and, where it
applies, the input field that is wrong. The GraphQL layer turns it into
`errors { field code message }` on the mutation payload.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class FieldError:
    code: enum.Enum
    message: str
    field: str | None = None


class ServiceError(Exception):
    def __init__(self, errors: FieldError | Iterable[FieldError]):
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        super().__init__("; ".join(e.message for e in self.errors))

    @classmethod
    def single(cls, code: enum.Enum, message: str, field: str | None = None) -> ServiceError:
        return cls(FieldError(code=code, message=message, field=field))
