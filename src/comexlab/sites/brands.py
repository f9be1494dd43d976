"""Vehicle brands from the legal names of assembly plants (RETC publishes firms, not brands).

An investor asks "is Toyota near?", not "is TOYOTA MOTOR MANUFACTURING DE GUANAJUATO, S.A. DE
C.V. near?". Each rule is a word of the legal name → the brand it makes; the first rule that
matches wins (order matters: COOPERATION MANUFACTURING PLANT AGUASCALIENTES is the
Nissan–Daimler joint venture COMPAS before any generic rule). A name no rule knows keeps its
legal name and is flagged ``known=False`` so the table shows it unchanged, never guessed.
"""

from __future__ import annotations

import re
import unicodedata

#: (pattern on the normalised legal name, brand) — first match wins
RULES: tuple[tuple[str, str], ...] = (
    (r"\bCOOPERATION MANUFACTURING PLANT\b", "COMPAS (Nissan–Mercedes-Benz)"),
    (r"\bGENERAL MOTORS\b", "GM"), (r"\bHONDA\b", "Honda"), (r"\bMAZDA\b", "Mazda"),
    (r"\bTOYOTA\b", "Toyota"), (r"\bNISSAN\b", "Nissan"), (r"\bBMW\b", "BMW"),
    (r"\bAUDI\b", "Audi"), (r"\bKIA\b", "KIA"), (r"\bHYUNDAI\b", "Hyundai"),
    (r"\bFORD\b", "Ford"), (r"\bSTELLANTIS\b|\bFCA\b|\bCHRYSLER\b", "Stellantis"),
    (r"\bVOLKSWAGEN TRUCK\b", "Volkswagen Truck & Bus"), (r"\bVOLKSWAGEN\b", "Volkswagen"),
    (r"\bMERCEDES\b", "Mercedes-Benz"), (r"\bDAIMLER\b", "Daimler Truck"),
    (r"\bNAVISTAR\b", "International (Navistar)"), (r"\bKENWORTH\b", "Kenworth (PACCAR)"),
    (r"\bVOLVO\b", "Volvo"), (r"\bIRIZAR\b", "Irizar"), (r"\bTESLA\b", "Tesla"),
    (r"\bJAC\b", "JAC"), (r"\bISUZU\b", "Isuzu"), (r"\bHINO\b", "Hino"),
    (r"\bOSHKOSH\b", "Oshkosh"), (r"\bBRP\b", "BRP (Can-Am)"),
)
_COMPILED = tuple((re.compile(p), b) for p, b in RULES)


def normalise(name: str) -> str:
    """Upper case, accents and punctuation removed, spaces collapsed."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    return " ".join(re.sub(r"[^A-Z0-9&]+", " ", text).split())


def brand(legal_name: str) -> tuple[str, bool]:
    """(brand, known): the brand of a plant's legal name, or the name itself when unknown."""
    key = normalise(legal_name)
    for pattern, name in _COMPILED:
        if pattern.search(key):
            return name, True
    return legal_name, False
