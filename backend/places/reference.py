"""Reference data for places: the 34 provinces of the 2025 two-level structure, their regions,
English names and former names. Province and commune names and codes come from the
`vietnam-provinces` package; the former names come from the domain brief (resolution
202/2025/QH15, effective 2025-07-01)."""

from __future__ import annotations

from typing import Any

from backend.core.text import fold

MERGER_SOURCE = "Nghị quyết 202/2025/QH15 (effective 2025-07-01)"

# code: (English name, region, former provinces merged into it)
PROVINCES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "01": ("Hanoi", "north", ()),
    "04": ("Cao Bang", "north", ()),
    "08": ("Tuyen Quang", "north", ("Hà Giang",)),
    "11": ("Dien Bien", "north", ()),
    "12": ("Lai Chau", "north", ()),
    "14": ("Son La", "north", ()),
    "15": ("Lao Cai", "north", ("Yên Bái",)),
    "19": ("Thai Nguyen", "north", ("Bắc Kạn",)),
    "20": ("Lang Son", "north", ()),
    "22": ("Quang Ninh", "north", ()),
    "24": ("Bac Ninh", "north", ("Bắc Giang",)),
    "25": ("Phu Tho", "north", ("Vĩnh Phúc", "Hòa Bình")),
    "31": ("Hai Phong", "north", ("Hải Dương",)),
    "33": ("Hung Yen", "north", ("Thái Bình",)),
    "37": ("Ninh Binh", "north", ("Hà Nam", "Nam Định")),
    "38": ("Thanh Hoa", "central", ()),
    "40": ("Nghe An", "central", ()),
    "42": ("Ha Tinh", "central", ()),
    "44": ("Quang Tri", "central", ("Quảng Bình",)),
    "46": ("Hue", "central", ("Thừa Thiên Huế",)),
    "48": ("Da Nang", "central", ("Quảng Nam",)),
    "51": ("Quang Ngai", "central", ("Kon Tum",)),
    "52": ("Gia Lai", "central", ("Bình Định",)),
    "56": ("Khanh Hoa", "central", ("Ninh Thuận",)),
    "66": ("Dak Lak", "central", ("Phú Yên",)),
    "68": ("Lam Dong", "central", ("Đắk Nông", "Bình Thuận")),
    "75": ("Dong Nai", "south", ("Bình Phước",)),
    "79": ("Ho Chi Minh City", "south", ("Bình Dương", "Bà Rịa–Vũng Tàu")),
    "80": ("Tay Ninh", "south", ("Long An",)),
    "82": ("Dong Thap", "south", ("Tiền Giang",)),
    "86": ("Vinh Long", "south", ("Bến Tre", "Trà Vinh")),
    "91": ("An Giang", "south", ("Kiên Giang",)),
    "92": ("Can Tho", "south", ("Sóc Trăng", "Hậu Giang")),
    "96": ("Ca Mau", "south", ("Bạc Liêu",)),
}

_PREFIXES = ("Thành phố ", "Tỉnh ")


def short_name(full_name: str) -> str:
    for prefix in _PREFIXES:
        if full_name.startswith(prefix):
            return full_name[len(prefix) :]
    return full_name


def load_reference_places(Province: Any, ProvinceAlias: Any, Commune: Any) -> None:
    """Create or update provinces, aliases and communes. Idempotent; takes the model classes so
    that data migrations can pass their historical models."""
    from vietnam_provinces import Province as VP
    from vietnam_provinces import Ward

    by_code = {}
    for vp in VP.iter_all():
        code = f"{int(vp.code):02d}"
        name_en, region, former = PROVINCES[code]
        name = short_name(vp.name)
        province, _ = Province.objects.update_or_create(
            code=code,
            defaults={
                "name": vp.name,
                "short_name": name,
                "name_en": name_en,
                "codename": vp.codename,
                "division_type": vp.division_type.value,
                "region": region,
                "folded_name": fold(name),
            },
        )
        by_code[int(vp.code)] = province
        for alias in former:
            ProvinceAlias.objects.update_or_create(
                folded_name=fold(alias),
                defaults={"province": province, "name": alias, "source": MERGER_SOURCE},
            )

    existing = set(Commune.objects.values_list("code", flat=True))
    new = []
    for ward in Ward.iter_all():
        code = f"{int(ward.code):05d}"
        if code in existing:
            continue
        new.append(
            Commune(
                code=code,
                province=by_code[int(ward.province_code)],
                name=ward.name,
                division_type=ward.division_type.value,
                codename=ward.codename,
                folded_name=fold(ward.name),
            )
        )
    Commune.objects.bulk_create(new, batch_size=1000)
