"""The demo catalogue (shared/domain/demo-catalogue.csv) as product facts.

Flags map to Product facts as below; a few facts the CSV only implies are listed in EXTRA
with the reason. The HS codes are the usual headings for each product."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

CSV_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "domain" / "demo-catalogue.csv"

MARKETS = ["VN", "EU", "US", "JP", "GCC", "UK", "KR", "CN", "AU"]

STORAGE = {
    "ambient": "AMBIENT",
    "ambient_short": "AMBIENT",
    "ambient_vacuum": "AMBIENT",
    "ambient_fresh": "FRESH",
    "chilled_fresh": "CHILLED",
    "chilled": "CHILLED",
    "frozen": "FROZEN",
    "service": "AMBIENT",
}

FLAG_FACTS: dict[str, dict[str, Any]] = {
    "fish": {"contains_seafood": True},
    "pork": {"contains_pork": True, "contains_meat": True},
    "meat": {"contains_meat": True},
    "raw_fermented": {"is_raw_fermented": True},
    "shelf_life_3d": {"shelf_life_days": 3},
    "perishable_dough": {"shelf_life_days": 5},
    "alcohol": {"contains_alcohol": True, "abv_percent": Decimal("29.5"), "is_liquid": True},
    "liquid": {"is_liquid": True},
    "fresh_fruit": {"is_fresh_produce": True},
    "phyto": {"is_fresh_produce": True},
    "birds_nest": {"contains_birds_nest": True},
    "CITES_Aquilaria": {"wood_species": "Aquilaria crassna", "cites_status": "APPENDIX_II"},
    "wood": {"wood_species": "Michelia mediocris (gỗ dổi)"},
    "wood_substrate": {"wood_species": "Plywood (ván ép)"},
    "species_check": {"wood_species": "Artocarpus heterophyllus (gỗ mít)"},
    "ceramic_food_contact": {"is_food_contact": True},
    "supplement": {"is_supplement": True},
    "claims_check": {"has_health_claim": True},
    "flammable_DG": {"is_dangerous_goods": True},
    "fragile": {"is_fragile": True},
}

# Facts the CSV implies without a flag of their own.
EXTRA: dict[int, dict[str, Any]] = {
    22: {"fresh_produce_species": "bưởi năm roi"},
    23: {"fresh_produce_species": "tỏi"},
    38: {"fresh_produce_species": "mãng cầu", "shelf_life_days": 4},  # ripe: keeps days
    41: {"fresh_produce_species": "vải thiều"},
    42: {"fresh_produce_species": "nhãn lồng"},
}

HS = {
    1: "6911",
    2: "1604",
    3: "6504",
    4: "4420",
    5: "6214",
    6: "4602",
    7: "2106",
    8: "1601",
    9: "1704",
    10: "1904",
    11: "4420",
    12: "4420",
    13: "9405",
    14: "0902",
    15: "0902",
    16: "0902",
    17: "1902",
    18: "1211",
    19: "2103",
    20: "1702",
    21: "2008",
    22: "0805",
    23: "0703",
    24: "1702",
    25: "2106",
    26: "1302",
    27: "2106",
    28: "0901",
    29: "0902",
    30: "2106",
    31: "1006",
    32: "3301",
    33: "2208",
    34: "0409",
    35: "1601",
    36: "1212",
    37: "1905",
    38: "0810",
    39: "2106",
    40: "0410",
    41: "0810",
    42: "0810",
    43: "1006",
    44: "1704",
    45: "5801",
    46: "4601",
    47: "1602",
    48: "4420",
    49: "",
    50: "",
}

# Expected verdicts from the brief, in MARKETS order: E eligible, D eligible with documents,
# B blocked. Written by hand from shared/domain/README.md section 3, not from the rules file.
_E, _B = "EEEEEEEEE", "EBBBBBBBB"
FOOD = "EEDEEEEDE"  # US: FDA + prior notice; China: GACC registration
EXPECTED: dict[int, str] = {
    1: "EDDDEDEDE",  # food-contact ceramics: Pb/Cd test for EU, UK, US, JP, CN
    2: _B,  # frozen fish: never leaves Vietnam
    3: "EEEEEEEED",  # palm-leaf hat: Australian biosecurity
    4: "EEDEEEEED",  # wood: Lacey (US), biosecurity (AU); EUDR only from 2026-12-30
    5: "EDDEEDEEE",  # textile: fibre label EU, US, UK
    6: "EEEEEEEED",  # rattan: Australian biosecurity
    7: _B,  # tò he: keeps a few days
    8: _B,  # chilled pork
    9: FOOD,
    10: _B,  # cốm: shelf life 3 days
    11: "EEDEEEEED",
    12: "EEDEEEEED",
    13: _E,  # lamp: no fact marks it as rattan
    14: "EDDEEDEDE",  # tea: pesticide MRL test EU, UK
    15: "EDDEEDEDE",
    16: "EDDEEDEDE",
    17: FOOD,
    18: FOOD,
    19: "EEDEDEEDE",  # fish sauce: FDA + HACCP (US), Halal (GCC), GACC (CN)
    20: FOOD,
    21: FOOD,
    22: "EDDBDDBDD",  # pomelo: phyto; US irradiation; no protocol JP, KR
    23: "EDDDDDDDD",  # garlic: phyto everywhere
    24: FOOD,
    25: "EDDDEDDDD",  # supplement with claims
    26: "EDDDEDDDD",
    27: FOOD,
    28: FOOD,  # coffee: EUDR only from 2026-12-30
    29: "EDDEEDEDE",
    30: "EDDDEDDDD",
    31: FOOD,
    32: _E,  # essential oil: a shipping restriction (dangerous goods), not a market rule
    33: "EDDDBDEDE",  # spirits: blocked in SA, KW, QA; licensed importer AE, BH, OM
    34: FOOD,
    35: _B,  # nem chua
    36: FOOD,
    37: FOOD,
    38: _B,  # custard apple: keeps days
    39: FOOD,
    40: "EBBBDBBDB",  # bird's nest: China with GACC, Gulf with Halal
    41: "EDDDDDBDD",  # lychee
    42: "EDDDDDBDD",  # longan
    43: FOOD,
    44: FOOD,
    45: "EDDEEDEEE",
    46: "EEEEEEEED",  # sedge mat
    47: _B,  # dried buffalo meat
    48: "EDDDDDDDD",  # agarwood: CITES everywhere
    49: "BBBBBBBBB",  # services
    50: "BBBBBBBBB",
}
LETTER = {"E": "ELIGIBLE", "D": "ELIGIBLE_WITH_DOCUMENTS", "B": "BLOCKED"}


def rows() -> list[dict[str, str]]:
    with open(CSV_PATH, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def facts_for(row: dict[str, str]) -> dict[str, Any]:
    rid = int(row["id"])
    set_code = row["group_code"] if "-" in row["group_code"] else f"{row['group_code']}-1"
    out: dict[str, Any] = {
        "set_code": set_code,
        "storage_class": STORAGE[row["storage"]],
        "hs_code": HS[rid],
    }
    for flag in filter(None, row["flags"].split(";")):
        out.update(FLAG_FACTS.get(flag.strip(), {}))
    out.update(EXTRA.get(rid, {}))
    return out


def expected(rid: int) -> dict[str, str]:
    return {m: LETTER[c] for m, c in zip(MARKETS, EXPECTED[rid], strict=True)}
