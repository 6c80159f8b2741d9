"""Norway's municipal division: the counties of 2024, and municipality numbers across the 2024
county reform.

Viken (30) was split on 1 January 2024 into Østfold (31), Akershus (32) and Buskerud (33); its
municipalities got new numbers. Data carrying 2020–2023 numbers is mapped through this explicit
table (SSB Klass, "Endringer i kommuneinndelingen 2024"); a number neither current nor in the
table is reported, never silently dropped.
"""

from __future__ import annotations

from geo.errors import InputError

# The counties of 2024 (Kartverket, /fylker).
COUNTIES_2024 = {
    "03": "Oslo",
    "11": "Rogaland",
    "15": "Møre og Romsdal",
    "18": "Nordland",
    "31": "Østfold",
    "32": "Akershus",
    "33": "Buskerud",
    "34": "Innlandet",
    "39": "Vestfold",
    "40": "Telemark",
    "42": "Agder",
    "46": "Vestland",
    "50": "Trøndelag",
    "55": "Troms",
    "56": "Finnmark",
}

# 2020–2023 number -> (2024 number, name)
VIKEN_TO_2024: dict[str, tuple[str, str]] = {
    "3001": ("3101", "Halden"),
    "3002": ("3103", "Moss"),
    "3003": ("3105", "Sarpsborg"),
    "3004": ("3107", "Fredrikstad"),
    "3011": ("3110", "Hvaler"),
    "3012": ("3124", "Aremark"),
    "3013": ("3122", "Marker"),
    "3014": ("3118", "Indre Østfold"),
    "3015": ("3116", "Skiptvet"),
    "3016": ("3120", "Rakkestad"),
    "3017": ("3112", "Råde"),
    "3018": ("3114", "Våler"),
    "3019": ("3216", "Vestby"),
    "3020": ("3207", "Nordre Follo"),
    "3021": ("3218", "Ås"),
    "3022": ("3214", "Frogn"),
    "3023": ("3212", "Nesodden"),
    "3024": ("3201", "Bærum"),
    "3025": ("3203", "Asker"),
    "3026": ("3226", "Aurskog-Høland"),
    "3027": ("3224", "Rælingen"),
    "3028": ("3220", "Enebakk"),
    "3029": ("3222", "Lørenskog"),
    "3030": ("3205", "Lillestrøm"),
    "3031": ("3232", "Nittedal"),
    "3032": ("3230", "Gjerdrum"),
    "3033": ("3209", "Ullensaker"),
    "3034": ("3228", "Nes"),
    "3035": ("3240", "Eidsvoll"),
    "3036": ("3238", "Nannestad"),
    "3037": ("3242", "Hurdal"),
    "3053": ("3236", "Jevnaker"),
    "3054": ("3234", "Lunner"),
    "3005": ("3301", "Drammen"),
    "3006": ("3303", "Kongsberg"),
    "3007": ("3305", "Ringerike"),
    "3038": ("3310", "Hole"),
    "3039": ("3320", "Flå"),
    "3040": ("3322", "Nesbyen"),
    "3041": ("3324", "Gol"),
    "3042": ("3326", "Hemsedal"),
    "3043": ("3328", "Ål"),
    "3044": ("3330", "Hol"),
    "3045": ("3332", "Sigdal"),
    "3046": ("3318", "Krødsherad"),
    "3047": ("3316", "Modum"),
    "3048": ("3314", "Øvre Eiker"),
    "3049": ("3312", "Lier"),
    "3050": ("3334", "Flesberg"),
    "3051": ("3336", "Rollag"),
    "3052": ("3338", "Nore og Uvdal"),
}
DISSOLVED_COUNTIES = ("30",)  # county numbers that no longer exist in 2024


def to_2024(number: str) -> tuple[str, bool]:
    """(2024 number, known?): a mapped old number, a current number as is, or unknown."""
    number = str(number).zfill(4)
    if number in VIKEN_TO_2024:
        return VIKEN_TO_2024[number][0], True
    return number, not number.startswith(DISSOLVED_COUNTIES)


def check_county(county: str) -> str:
    """The county number if it is one of 2024, else an InputError listing them."""
    if county not in COUNTIES_2024:
        known = ", ".join(f"{n} {name}" for n, name in COUNTIES_2024.items())
        raise InputError(
            f"not a county number of 2024; use one of: {known}", value=county, setting="county"
        )
    return county
