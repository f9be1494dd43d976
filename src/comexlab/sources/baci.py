"""CEPII BACI: bilateral trade of every country pair by HS6 product (values in thousands of USD).

Two layouts are read into one shape (:data:`BACI_SCHEMA`, the warehouse table ``baci_flow``):

* **native** — CEPII's yearly files ``BACI_HS92_Y2021_V202301.csv`` with columns
  ``t, i, j, k, v, q``: ``t`` year; ``i`` exporter and ``j`` importer as BACI *numeric* country
  codes, translated through the release's country dictionary (``country_codes_V*.csv``,
  columns ``country_code, …, iso_3digit_alpha``); ``k`` the HS6 code as an integer (the
  leading zero is lost: 10111 = 010111, restored here); ``v`` value in thousands of current
  USD (× 1000 → USD); ``q`` metric tonnes written as right-aligned text with ``NA`` where
  missing (→ NULL, never 0).
* **standardized** — the ARTIS project's filtered copy (``exporter_iso3c, importer_iso3c,
  hs6, year, hs_version, total_q, total_v``; ISO3 already, values still in thousands of USD).

Country dictionaries of different releases disagree: Italy is 381 in V202201 and 380 in
V202301 (France 251, India 699, USA 842 are BACI's own groupings in every release). A code is
looked up in the dictionary given first; a code the dictionary does not have is accepted only
when its ISO 3166 numeric meaning names a country the dictionary *has under another code*
(a re-coding between releases, as Italy's); the mapping is reported in the audit notes. Any
other unknown code is an error naming file, row and field. Dictionary rows without an ISO3
(490 "Other Asia, nes", 697, 849) become ``X`` + code ('X490'), named from the dictionary.

CEPII ships older dictionaries in latin-1 ('Côte d'Ivoire' with ô as one byte): a dictionary
that is not UTF-8 is read as latin-1, and the note says so.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pycountry

from comexlab.errors import AuditNote, InputError
from comexlab.i18n import Msg
from comexlab.sources import flowtable as ft
from comexlab.sources import http

NATIVE_COLUMNS = ("t", "i", "j", "k", "v", "q")
STANDARDIZED_COLUMNS = ("exporter_iso3c", "importer_iso3c", "hs6", "year", "hs_version",
                        "total_q", "total_v")
DICTIONARY_COLUMNS = ("country_code", "iso_3digit_alpha")
UNIT = 1000.0  # v is in thousands of USD
#: One HS6 line of one pair in one year above this (in USD) is impossible: world trade is
#: about US$25 trillion a year.
MAX_VALUE_USD = 1e12
NO_ISO = frozenset({"", "N/A", "NA", "NAN"})
_RELEASE = re.compile(r"V(\d{6}[a-z]?)", re.IGNORECASE)
_HS = re.compile(r"(HS\d{2})", re.IGNORECASE)
DEFAULT_BASE_URL = "https://www.cepii.fr/DATA_DOWNLOAD/baci/data"
PUBLISHER = http.Publisher("CEPII (BACI)", min_interval=2.0, timeout=600.0)

BACI_SCHEMA = pa.schema([
    ("dataset", pa.string()), ("release", pa.string()), ("hs_revision", pa.string()),
    ("year", pa.int16()), ("exporter", pa.string()), ("importer", pa.string()),
    ("hs6", pa.string()), ("value_usd", pa.float64()), ("quantity_t", pa.float64()),
])
COUNTRY_SCHEMA = pa.schema([
    ("dataset", pa.string()), ("code", pa.int32()), ("iso3", pa.string()),
    ("name", pa.string()),
])


@dataclass(frozen=True, slots=True)
class Dictionary:
    """A release's country dictionary: numeric code → ISO3 (or 'X<code>') and name."""

    path: Path
    iso3: dict[int, str]
    names: dict[int, str]
    encoding: str = "utf-8"

    def codes_of(self, iso3: str) -> list[int]:
        """Every code the dictionary gives this ISO3 (one, for a real country)."""
        return [c for c, i in self.iso3.items() if i == iso3]


@dataclass(frozen=True, slots=True)
class BaciLoad:
    """A parsed BACI file: ``baci_flow`` rows, the countries it names, and what was mapped."""

    dataset: str
    table: pa.Table
    countries: pa.Table
    file: Path
    notes: tuple[AuditNote, ...] = field(default_factory=tuple)

    @property
    def total_usd(self) -> float:
        """Sum of ``value_usd``: the figure an independent sum of the raw file must give."""
        return float(pc.sum(self.table["value_usd"]).as_py() or 0.0)


# --------------------------------------------------------------------------- dictionary
def _read_dictionary_frame(path: Path) -> tuple[pd.DataFrame, str]:
    try:
        return ft.read_strings(path, DICTIONARY_COLUMNS), "utf-8"
    except InputError as exc:
        if exc.msg is None or exc.msg.key != "error.not_utf8":
            raise
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="latin-1")
    missing = [c for c in DICTIONARY_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(Msg("error.baci.dictionary_columns", columns=", ".join(missing)),
                         file=path, row=1, field=missing[0])
    return df, "latin-1"


def read_dictionary(path: Path) -> Dictionary:
    """Read ``country_codes_V*.csv`` (UTF-8, or latin-1 as CEPII ships older ones)."""
    path = Path(path)
    df, encoding = _read_dictionary_frame(path)
    ft.fail_at_first(df, ~df["country_code"].str.strip().str.fullmatch(r"\d{1,3}"), path,
                     "country_code", Msg("error.baci.country_code"))
    ft.check_unique(df, ("country_code",), path)
    name_col = next((c for c in ("country_name_abbreviation", "country_name_full")
                     if c in df.columns), "iso_3digit_alpha")
    iso3: dict[int, str] = {}
    names: dict[int, str] = {}
    for i, code_text, iso, name in zip(df.index, df["country_code"], df["iso_3digit_alpha"],
                                       df[name_col], strict=True):
        code = int(code_text)
        iso = iso.strip().upper()
        if iso in NO_ISO:
            iso = f"X{code}"
        elif not re.fullmatch(r"[A-Z]{3}", iso):
            raise InputError(Msg("error.baci.iso3"), file=path, row=ft.file_row(i),
                             field="iso_3digit_alpha", value=iso)
        iso3[code] = iso
        names[code] = name.strip() or iso
    return Dictionary(path, iso3, names, encoding)


def _recoded(code: int, dictionary: Dictionary) -> str | None:
    """ISO3 of a code missing from the dictionary when it is a re-coding (Italy 380 ↔ 381)."""
    country = pycountry.countries.get(numeric=f"{code:03d}")
    if country is None or not dictionary.codes_of(country.alpha_3):
        return None
    return str(country.alpha_3)


def _countries(df: pd.DataFrame, column: str, path: Path, dictionary: Dictionary,
               recoded: dict[int, str]) -> pd.Series:
    """Numeric codes of ``column`` → ISO3 through the dictionary (re-codings recorded)."""
    raw = df[column].str.strip()
    ft.fail_at_first(df, ~raw.str.fullmatch(r"\d{1,3}"), path, column,
                     Msg("error.baci.country_code"))
    codes = raw.astype(int)
    mapping = dict(dictionary.iso3)
    for code in set(codes.unique()) - set(mapping):
        iso = _recoded(int(code), dictionary)
        if iso is not None:
            mapping[int(code)] = iso
            recoded[int(code)] = iso
    out = codes.map(mapping)
    ft.fail_at_first(df, out.isna(), path, column,
                     Msg("error.baci.unknown_country", dictionary=dictionary.path.name))
    return out


# --------------------------------------------------------------------------- numbers
def _values(df: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """``v`` (thousands of USD) → USD; non-numeric, negative, infinite or absurd refused."""
    values = ft.parse_numbers(df, column, path) * UNIT
    ft.check_amounts(df, values, column, path, maximum=MAX_VALUE_USD)
    return values.astype(float)


def _quantities(df: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """``q``: padded text; ``NA`` or blank → missing (NULL), else tonnes ≥ 0."""
    raw = df[column].str.strip()
    missing = raw.str.upper().isin({"NA", ""})
    values = pd.to_numeric(raw.where(~missing, "0"), errors="coerce")
    ft.fail_at_first(df, values.isna(), path, column, Msg("error.baci.quantity"))
    ft.fail_at_first(df, ~np.isfinite(values.to_numpy(dtype=float)) | (values < 0), path,
                     column, Msg("error.baci.quantity"))
    return values.where(~missing).astype(float)


def _hs6(df: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """``k`` as CEPII writes it (an integer, 10111) → the 6-digit code ('010111')."""
    raw = df[column].str.strip()
    ft.fail_at_first(df, ~raw.str.fullmatch(r"\d{4,6}"), path, column,
                     Msg("error.baci.hs6"))
    return raw.str.zfill(6)


def _year(df: pd.DataFrame, column: str, path: Path) -> pd.Series:
    raw = df[column].str.strip()
    ft.fail_at_first(df, ~raw.str.fullmatch(r"(19|20)\d\d"), path, column,
                     Msg("error.baci.year"))
    return raw.astype(int)


def _check_pairs(df: pd.DataFrame, out: pd.DataFrame, path: Path, field_name: str) -> None:
    """A (year, exporter, importer, hs6) twice would be counted twice: refused.

    Exporter = importer is kept: BACI records re-imports (China → China, 37 shrimp rows in
    2018); the market finder never offers an exporter its own market.
    """
    dup = out.duplicated(["year", "exporter", "importer", "hs6"], keep="first")
    ft.fail_at_first(df, dup, path, field_name, Msg("error.baci.duplicate"))


# --------------------------------------------------------------------------- files
def release_of(path: Path) -> str:
    """'V202301' from a CEPII file name ('' when the name does not say)."""
    found = _RELEASE.search(Path(path).name)
    return f"V{found.group(1)}" if found else ""


def hs_of(path: Path) -> str:
    """'HS92' from a CEPII file name ('' when the name does not say)."""
    found = _HS.search(Path(path).name)
    return found.group(1).upper() if found else ""


def dataset_name(path: Path) -> str:
    """The dataset a file loads as: its name without extensions ('BACI_HS92_Y2021_V202301')."""
    name = Path(path).name
    for suffix in (".gz", ".csv", ".zip"):
        name = name.removesuffix(suffix)
    return name


def _frame(out: pd.DataFrame, dataset: str, release: str, hs: str) -> pa.Table:
    df = out.copy()
    df.insert(0, "hs_revision", hs)
    df.insert(0, "release", release)
    df.insert(0, "dataset", dataset)
    return pa.Table.from_pandas(df[[f.name for f in BACI_SCHEMA]], schema=BACI_SCHEMA,
                                preserve_index=False)


def _no_rows(df: pd.DataFrame, path: Path) -> None:
    if df.empty:
        raise InputError(Msg("error.baci.no_rows"), file=path, row=2)


def read_native(path: Path, dictionary: Dictionary | Path, *, dataset: str | None = None
                ) -> BaciLoad:
    """A native BACI yearly file (``t,i,j,k,v,q``) with its release's country dictionary."""
    path = Path(path)
    dico = dictionary if isinstance(dictionary, Dictionary) else read_dictionary(dictionary)
    df = ft.read_strings(path, NATIVE_COLUMNS)
    _no_rows(df, path)
    recoded: dict[int, str] = {}
    out = pd.DataFrame({
        "year": _year(df, "t", path),
        "exporter": _countries(df, "i", path, dico, recoded),
        "importer": _countries(df, "j", path, dico, recoded),
        "hs6": _hs6(df, "k", path),
        "value_usd": _values(df, "v", path),
        "quantity_t": _quantities(df, "q", path),
    })
    _check_pairs(df, out, path, "k")
    name = dataset or dataset_name(path)
    table = _frame(out, name, release_of(path), hs_of(path))
    notes = _native_notes(path, dico, recoded, out)
    return BaciLoad(name, table, _country_table(name, dico, recoded), path, notes)


def _native_notes(path: Path, dico: Dictionary, recoded: dict[int, str],
                  out: pd.DataFrame) -> tuple[AuditNote, ...]:
    notes = [AuditNote("unit_converted", len(out),
                       Msg("note.baci.unit")),
             AuditNote("quantity_missing", int(out["quantity_t"].isna().sum()),
                       Msg("note.baci.quantity_missing"))]
    data_release, dico_release = release_of(path), release_of(dico.path)
    if data_release and dico_release and data_release != dico_release:
        notes.append(AuditNote("dictionary_release", 1, Msg(
            "note.baci.dictionary_release", data=data_release, dictionary=dico_release)))
    if recoded:
        examples = tuple(f"{code}→{iso}" for code, iso in sorted(recoded.items()))
        notes.append(AuditNote("country_recoded", len(recoded), Msg(
            "note.baci.recoded", codes=", ".join(examples), dictionary=dico.path.name),
            examples))
    if dico.encoding != "utf-8":
        notes.append(AuditNote("dictionary_encoding", 1,
                               Msg("note.baci.latin1", file=dico.path.name)))
    return tuple(notes)


def _country_table(dataset: str, dico: Dictionary, recoded: dict[int, str]) -> pa.Table:
    rows = [{"dataset": dataset, "code": code, "iso3": iso, "name": dico.names[code]}
            for code, iso in dico.iso3.items()]
    rows += [{"dataset": dataset, "code": code, "iso3": iso,
              "name": dico.names[dico.codes_of(iso)[0]]} for code, iso in recoded.items()]
    return pa.Table.from_pylist(rows, schema=COUNTRY_SCHEMA)


def read_standardized(path: Path, *, dataset: str | None = None) -> BaciLoad:
    """The ARTIS copy of BACI (ISO3 codes, ``hs6`` with its zero, values in thousands)."""
    path = Path(path)
    df = ft.read_strings(path, STANDARDIZED_COLUMNS)
    _no_rows(df, path)
    iso = {}
    for column in ("exporter_iso3c", "importer_iso3c"):
        iso[column] = df[column].str.strip().str.upper()
        ft.fail_at_first(df, ~iso[column].str.fullmatch(r"[A-Z]{3}"), path, column,
                         Msg("error.baci.iso3"))
    ft.fail_at_first(df, ~df["hs6"].str.strip().str.fullmatch(r"\d{6}"), path, "hs6",
                     Msg("error.baci.hs6"))
    versions = df["hs_version"].str.strip().str.upper()
    ft.fail_at_first(df, ~versions.str.fullmatch(r"HS\d{2}") | (versions != versions.iloc[0]),
                     path, "hs_version", Msg("error.baci.hs_version"))
    out = pd.DataFrame({
        "year": _year(df, "year", path),
        "exporter": iso["exporter_iso3c"], "importer": iso["importer_iso3c"],
        "hs6": df["hs6"].str.strip(),
        "value_usd": _values(df, "total_v", path),
        "quantity_t": _quantities(df, "total_q", path),
    })
    _check_pairs(df, out, path, "hs6")
    name = dataset or dataset_name(path)
    table = _frame(out, name, "", str(versions.iloc[0]))
    countries = sorted(set(out["exporter"]) | set(out["importer"]))
    names = {c: df.loc[iso[col] == c, col.replace("iso3c", "country")].iloc[0]
             for col in ("exporter_iso3c", "importer_iso3c") if
             col.replace("iso3c", "country") in df.columns
             for c in countries if (iso[col] == c).any()}
    country_table = pa.Table.from_pylist(
        [{"dataset": name, "code": None, "iso3": c, "name": names.get(c, c)} for c in countries],
        schema=COUNTRY_SCHEMA)
    notes = (AuditNote("unit_converted", len(out), Msg("note.baci.unit")),
             AuditNote("standardized", 1, Msg("note.baci.standardized")))
    return BaciLoad(name, table, country_table, path, notes)


def read(path: Path, dictionary: Path | None = None) -> BaciLoad:
    """Either layout, told apart by the header (a native file needs its dictionary)."""
    path = Path(path)
    header = _header(path)
    if len(set(NATIVE_COLUMNS) & set(header)) > len(set(STANDARDIZED_COLUMNS) & set(header)):
        if dictionary is None:
            dictionary = find_dictionary(path)
        return read_native(path, dictionary)
    return read_standardized(path)


def _header(path: Path) -> list[str]:
    if not path.exists():
        return []
    try:
        return [str(c).strip() for c in pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns]
    except (ValueError, UnicodeDecodeError, OSError, EOFError):
        return []  # the full reader reports what is wrong, with file and row


def find_dictionary(path: Path) -> Path:
    """The ``country_codes_V*.csv`` beside a native file (the newest release if several)."""
    found = sorted(Path(path).parent.glob("country_codes_V*.csv"))
    if not found:
        raise InputError(Msg("error.baci.no_dictionary", folder=str(Path(path).parent)),
                         file=path)
    return found[-1]


# --------------------------------------------------------------------------- download
def release_url(hs: str, release: str, *, base_url: str | None = None) -> str:
    """Where CEPII publishes a release: ``…/BACI_HS92_V202401b.zip``."""
    return f"{(base_url or DEFAULT_BASE_URL).rstrip('/')}/BACI_{hs.upper()}_{release}.zip"


def _check_zip(path: Path) -> None:
    """A release zip must hold a country dictionary and at least one yearly file."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise InputError(Msg("error.baci.not_zip"), file=path) from exc
    if not any(Path(n).name.startswith("country_codes_") for n in names) or not any(
            re.search(r"BACI_HS\d\d_Y\d{4}_V", n) for n in names):
        raise InputError(Msg("error.baci.zip_content"), file=path)


def download(hs: str, release: str, *, cache: Path | None = None, base_url: str | None = None,
             refresh: bool = False) -> Path:
    """Fetch a BACI release zip into the cache (checked before it is kept); returns its path.

    A full release is large (2–3 GB): the shared client holds the body in memory, so run it on
    a machine with room, or put the zip in the cache by hand (it is then used as is).
    """
    from comexlab.settings import get_settings

    if not re.fullmatch(r"HS\d\d", hs.upper()) or not re.fullmatch(r"V\d{6}[a-z]?", release):
        raise InputError(Msg("error.baci.release", hs=hs, release=release), field="release",
                         value=f"{hs} {release}")
    folder = cache if cache is not None else get_settings().cache / "baci"
    url = release_url(hs, release, base_url=base_url)
    dest = folder / Path(url).name
    return http.fetch(url, dest, refresh=refresh, publisher=PUBLISHER,
                      what=f"BACI {hs.upper()} {release}", validate=_check_zip)


def extract_year(zip_path: Path, year: int, dest_dir: Path) -> tuple[Path, Path]:
    """The yearly file and the dictionary of a release zip, extracted to ``dest_dir``."""
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        data = [n for n in names if re.search(rf"_Y{year}_V", Path(n).name)]
        dico = [n for n in names if Path(n).name.startswith("country_codes_")]
        if not data or not dico:
            raise InputError(Msg("error.baci.year_missing", year=year), file=zip_path)
        out = []
        for name in (data[0], dico[0]):
            target = Path(dest_dir) / Path(name).name  # never the archive's folders
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(name) as src, target.open("wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            out.append(target)
    return out[0], out[1]


def load_many(paths: Sequence[Path]) -> list[BaciLoad]:
    """Read several files (each its own dataset); the first bad one raises."""
    return [read(Path(p)) for p in paths]
