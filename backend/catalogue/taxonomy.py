"""The OCOP taxonomy of criteria 148/2023 (QĐ 148/QĐ-TTg): 6 groups and 26 product sets."""

from __future__ import annotations

from typing import Any

from backend.core.text import vi_slugify

CRITERIA_VERSION = "148/2023"

# (code, Vietnamese, English, shippable, [(set code, Vietnamese, English)])
GROUPS: list[tuple[str, str, str, bool, list[tuple[str, str, str]]]] = [
    (
        "I",
        "Thực phẩm",
        "Food",
        True,
        [
            ("I-1a", "Rau, quả, hạt tươi", "Fresh vegetables, fruit and nuts"),
            ("I-1b", "Thịt, thủy hải sản, trứng, sữa tươi", "Fresh meat, seafood, eggs and milk"),
            ("I-2a", "Gạo, ngũ cốc", "Rice and cereals"),
            (
                "I-2b",
                "Mật ong, sản phẩm từ mật ong, nông sản thô khác",
                "Honey and other raw farm produce",
            ),
            ("I-3a", "Thực phẩm ăn liền", "Fast food"),
            ("I-3b", "Chế biến từ gạo, ngũ cốc", "Processed from rice and cereals"),
            ("I-3c", "Chế biến từ rau, quả, hạt", "Processed from vegetables, fruit and nuts"),
            (
                "I-3d",
                "Chế biến từ thịt, thủy hải sản, trứng, sữa, mật ong",
                "Processed from meat, seafood, eggs, milk and honey",
            ),
            (
                "I-4a",
                "Tương, nước mắm, gia vị dạng lỏng",
                "Sauces, fish sauce and liquid condiments",
            ),
            ("I-4b", "Gia vị khác", "Other condiments"),
            ("I-5a", "Chè (trà)", "Tea"),
            ("I-5b", "Trà từ thực vật khác", "Herbal teas from other plants"),
            ("I-6", "Cà phê, ca cao", "Coffee and cocoa"),
        ],
    ),
    (
        "II",
        "Đồ uống",
        "Beverages",
        True,
        [
            ("II-1a", "Rượu trắng", "Spirits"),
            ("II-1b", "Đồ uống có cồn khác", "Other alcoholic drinks"),
            ("II-2a", "Nước khoáng, nước uống đóng chai", "Mineral and bottled water"),
            ("II-2b", "Đồ uống không cồn khác", "Other non-alcoholic drinks"),
        ],
    ),
    (
        "III",
        "Dược liệu và sản phẩm từ dược liệu",
        "Medicinal herbs and herbal products",
        True,
        [
            (
                "III-1",
                "Thực phẩm chức năng, thuốc từ dược liệu, thuốc y học cổ truyền",
                "Supplements, herbal and traditional medicines",
            ),
            ("III-2", "Mỹ phẩm từ dược liệu", "Herbal cosmetics"),
            ("III-3", "Tinh dầu và dược liệu khác", "Essential oils and other herbs"),
        ],
    ),
    (
        "IV",
        "Hàng thủ công mỹ nghệ",
        "Handicrafts",
        True,
        [
            (
                "IV-1",
                "Thủ công mỹ nghệ gia dụng, trang trí",
                "Household and decorative handicrafts",
            ),
            ("IV-2", "Dệt may", "Textiles and garments"),
        ],
    ),
    (
        "V",
        "Sinh vật cảnh",
        "Ornamentals",
        True,
        [
            ("V-1", "Hoa", "Flowers"),
            ("V-2", "Cây cảnh", "Ornamental plants"),
            ("V-3", "Động vật cảnh", "Ornamental animals"),
        ],
    ),
    (
        "VI",
        "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
        "Community and eco-tourism services",
        False,
        [
            (
                "VI-1",
                "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
                "Community and eco-tourism services and destinations",
            ),
        ],
    ),
]


def set_code_for(csv_code: str) -> str:
    """The brief's catalogue writes group VI's only set as 'VI'."""
    return "VI-1" if csv_code == "VI" else csv_code


def load_taxonomy(Category: Any) -> None:
    """Create or update the taxonomy. Idempotent; takes the model class for data migrations."""
    order = 0
    for code, name_vi, name_en, shippable, sets in GROUPS:
        order += 1
        group, _ = Category.objects.update_or_create(
            code=code,
            defaults={
                "parent": None,
                "level": 0,
                "name_vi": name_vi,
                "name_en": name_en,
                "slug": f"{code.lower()}-{vi_slugify(name_en)}",
                "criteria_version": CRITERIA_VERSION,
                "is_shippable": shippable,
                "sort_order": order,
            },
        )
        for set_code, set_vi, set_en in sets:
            order += 1
            Category.objects.update_or_create(
                code=set_code,
                defaults={
                    "parent": group,
                    "level": 1,
                    "name_vi": set_vi,
                    "name_en": set_en,
                    "slug": f"{set_code.lower()}-{vi_slugify(set_en)}",
                    "criteria_version": CRITERIA_VERSION,
                    "is_shippable": shippable,
                    "sort_order": order,
                },
            )
