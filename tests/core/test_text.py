import pytest

from backend.core.text import fold, vi_slugify


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Chả cá", "cha ca"),
        ("đặc sản", "dac san"),
        ("ĐẶC SẢN", "dac san"),
        ("Nước mắm Phú Quốc 38 độ đạm", "nuoc mam phu quoc 38 do dam"),
        ("Bà Rịa–Vũng Tàu", "ba ria vung tau"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


def test_vi_slugify():
    assert (
        vi_slugify("Bộ bát đĩa hoa sen đỏ (gốm Bát Tràng)") == "bo-bat-dia-hoa-sen-do-gom-bat-trang"
    )
