import enum


class AccountErrorCode(enum.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    REQUIRED = "required"
    UNIQUE = "unique"
    INVALID_CREDENTIALS = "invalid_credentials"
    INACTIVE = "inactive"
    PASSWORD_TOO_SHORT = "password_too_short"
    PASSWORD_TOO_COMMON = "password_too_common"
    PASSWORD_ENTIRELY_NUMERIC = "password_entirely_numeric"
    PASSWORD_TOO_SIMILAR = "password_too_similar"
    INVALID_PASSWORD = "invalid_password"
    JWT_INVALID_TOKEN = "jwt_invalid_token"
    JWT_SIGNATURE_EXPIRED = "jwt_signature_expired"
    JWT_REVOKED = "jwt_revoked"
