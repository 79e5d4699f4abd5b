"""Image checks and thumbnails for product media (Pillow).

`read_image` refuses anything that is not a JPEG, PNG or WebP within the size and dimension
limits, and guards against decompression bombs; `make_thumbnail` writes a WebP copy whose
longest side is at most `size` pixels."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from backend.catalogue.error_codes import CatalogueErrorCode
from backend.core.errors import ServiceError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_SIDE = 6000
MAX_PIXELS = 24_000_000  # well below Pillow's own bomb limit
THUMBNAIL_SIZES = (128, 256, 512)


@dataclass
class CheckedImage:
    data: bytes
    format: str
    extension: str
    width: int
    height: int


def _fail(code: CatalogueErrorCode, message: str) -> ServiceError:
    return ServiceError.single(code, message, "image")


def read_image(file: IO[bytes] | bytes) -> CheckedImage:
    """Reads and checks an uploaded image; raises ServiceError(INVALID_IMAGE, ...) if unusable."""
    if isinstance(file, bytes):
        data = file
    else:
        size = getattr(file, "size", None)
        if size is not None and size > MAX_FILE_BYTES:
            raise _fail(CatalogueErrorCode.IMAGE_TOO_LARGE, "The image is larger than 10 MB.")
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _fail(CatalogueErrorCode.IMAGE_TOO_LARGE, "The image is larger than 10 MB.")
    if not data:
        raise _fail(CatalogueErrorCode.INVALID_IMAGE, "The file is empty.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format or ""
                width, height = probe.size
                if fmt not in ALLOWED_FORMATS:
                    raise _fail(
                        CatalogueErrorCode.UNSUPPORTED_IMAGE_TYPE,
                        "Only JPEG, PNG and WebP images are accepted.",
                    )
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise _fail(
                        CatalogueErrorCode.IMAGE_DIMENSIONS_TOO_LARGE,
                        f"The image is {width}x{height}; at most {MAX_SIDE} pixels a side.",
                    )
                probe.verify()
            # verify() leaves the image unusable: decode it fully once to catch truncation.
            with Image.open(io.BytesIO(data)) as full:
                full.load()
    except ServiceError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _fail(
            CatalogueErrorCode.IMAGE_DIMENSIONS_TOO_LARGE, "The image has too many pixels."
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _fail(CatalogueErrorCode.INVALID_IMAGE, "The file is not a readable image.") from exc
    return CheckedImage(data, fmt, ALLOWED_FORMATS[fmt], width, height)


def make_thumbnail(image: CheckedImage, size: int) -> bytes:
    """A WebP copy of `image` whose longest side is at most `size` pixels."""
    with Image.open(io.BytesIO(image.data)) as source:
        picture = ImageOps.exif_transpose(source)
        picture.thumbnail((size, size), Image.Resampling.LANCZOS)
        if picture.mode not in ("RGB", "RGBA"):
            picture = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
        out = io.BytesIO()
        picture.save(out, format="WEBP", quality=82, method=4)
    return out.getvalue()
