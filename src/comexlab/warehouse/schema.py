"""DuckDB warehouse schema: the contract every loader writes and every analysis reads.

Tables are created idempotently by :func:`ensure_schema`. Codes are stored as digit-only strings
with leading zeros (``'8703230140'``), never as numbers. Money is USD; rates are fractions.
"""

from __future__ import annotations

import duckdb

DDL: dict[str, str] = {
    # One row per row of an official HTS edition, in file order (``row_no``). Heading rows
    # (4/6 digits) and unnumbered description rows are kept so description paths can be rebuilt.
    "hts_line": """
        CREATE TABLE IF NOT EXISTS hts_line (
            edition          VARCHAR  NOT NULL,  -- '2013', '2025', '2026r10'
            row_no           INTEGER  NOT NULL,  -- position in the official file (1-based)
            hts              VARCHAR,            -- digits only: 4, 6, 8 or 10; NULL if unnumbered
            hts_formatted    VARCHAR,            -- as printed: '8703.23.01.40'
            digits           TINYINT,            -- length of hts (NULL if unnumbered)
            indent           TINYINT  NOT NULL,
            description      VARCHAR  NOT NULL,
            description_path VARCHAR  NOT NULL,  -- ancestors' descriptions joined with ' › '
            units            VARCHAR[],          -- units of quantity ('No.', 'kg', …)
            general_text     VARCHAR,            -- column 1 general (MFN) rate as printed
            special_text     VARCHAR,            -- column 1 special, program codes in parentheses
            other_text       VARCHAR,            -- column 2 rate as printed
            footnotes        VARCHAR[],          -- footnote texts as printed
            footnote_refs    VARCHAR[],          -- chapter 99 headings the footnotes point to
            rate_hts         VARCHAR,            -- line whose printed rates apply here (itself,
                                                 -- or the 8-digit line above a 10-digit one)
            PRIMARY KEY (edition, row_no)
        )""",
    # Parsed rates: one row per line x rate column x program. ``program`` is NULL for the
    # general and column-2 rates. Unparsed texts stay, flagged ``parsed = false``.
    "hts_rate": """
        CREATE TABLE IF NOT EXISTS hts_rate (
            edition          VARCHAR  NOT NULL,
            hts              VARCHAR  NOT NULL,  -- 8 or 10 digits
            rate_column      VARCHAR  NOT NULL,  -- 'general' | 'special' | 'other'
            program          VARCHAR,            -- 'S', 'S+', 'MX', 'CA', 'A+', … (special only)
            rate_text        VARCHAR  NOT NULL,
            kind             VARCHAR  NOT NULL,  -- comexlab.tariffs.rates.RateKind value
            parsed           BOOLEAN  NOT NULL,
            ad_valorem       DOUBLE,             -- fraction
            specific_amount  DOUBLE,             -- USD per specific_unit (first component)
            specific_unit    VARCHAR,
            specific2_amount DOUBLE,             -- second specific component, if any
            specific2_unit   VARCHAR,
            rule             VARCHAR,            -- mixed rates: 'greater' | 'lesser' | …
            range_high       DOUBLE,
            -- added by the HTS loader (issue 2):
            ad_valorem_basis VARCHAR,            -- part of the value ad_valorem is charged on
            specific_basis   VARCHAR,            -- qualifier of the first specific component
            base             VARCHAR,            -- provision referred to / added to (ch. 98-99)
            note             VARCHAR,            -- printed condition kept verbatim
            components       VARCHAR             -- JSON list of every component (all parts)
        )""",
    # Tariff preference programs named in the special column (package data, loaded on setup).
    "hts_program": """
        CREATE TABLE IF NOT EXISTS hts_program (
            program      VARCHAR PRIMARY KEY,  -- 'S', 'S+', 'MX', 'CA', 'A', 'A*', 'A+', …
            name_en      VARCHAR NOT NULL,
            name_es      VARCHAR NOT NULL,
            agreement    VARCHAR NOT NULL,     -- 'USMCA', 'NAFTA', 'GSP', …
            countries    VARCHAR[] NOT NULL,   -- ISO3 codes covered ('MEX', 'CAN'); [] = many
            in_force     VARCHAR,              -- period, e.g. '1994-2020'
            general_note VARCHAR               -- HTS general note defining it, e.g. 'GN 11'
        )""",
    # Every trade flow, whatever its source. ``reporter`` is the exporting/importing side the
    # figure is about (ISO3 for countries, 'MX-GTO' style for Mexican states);
    # ``reported_by`` is whose statistics it is (mirror data: US imports stand for MX exports).
    "flow": """
        CREATE TABLE IF NOT EXISTS flow (
            source               VARCHAR NOT NULL,  -- 'usitc_dataweb', 'inegi_eaef', …
            reporter             VARCHAR NOT NULL,
            reporter_level       VARCHAR NOT NULL,  -- 'country' | 'state'
            reported_by          VARCHAR NOT NULL,  -- ISO3 of the statistical office
            partner              VARCHAR NOT NULL,  -- ISO3; 'WLD' = all partners
            flow                 VARCHAR NOT NULL,  -- 'export' | 'import'
            period               VARCHAR NOT NULL,  -- 'YYYY' or 'YYYY-MM'
            year                 SMALLINT NOT NULL,
            month                TINYINT,           -- NULL for annual data
            product_code         VARCHAR NOT NULL,  -- digits only; 'TOTAL' for all products
            classification       VARCHAR NOT NULL,  -- 'HTS' | 'HS' | 'SCIAN' | 'TOTAL'
            product_level        VARCHAR NOT NULL,  -- 'hts10','hs6','hs4','scian3','total', …
            value_usd            DOUBLE  NOT NULL,
            quantity             DOUBLE,
            quantity_unit        VARCHAR,
            preference_value_usd DOUBLE,            -- value that claimed a preference program
            preference_program   VARCHAR,           -- e.g. 'S' (USMCA)
            firms                INTEGER,           -- number of firms, where the source gives it
            revision_status      VARCHAR            -- 'definitive' | 'revised' | 'preliminary';
                                                    -- NULL: the source does not say (issue 12)
        )""",
    # Cells a source lists WITHOUT a figure (INEGI EEF: confidential, not available, under
    # 500 USD): kept so reports can say what is withheld, and out of ``flow`` so no sum ever
    # takes them as 0. Replaced together with the source's flow rows (one transaction).
    "flow_withheld": """
        CREATE TABLE IF NOT EXISTS flow_withheld (
            source          VARCHAR  NOT NULL,
            reporter        VARCHAR  NOT NULL,
            period          VARCHAR  NOT NULL,
            year            SMALLINT NOT NULL,
            product_code    VARCHAR  NOT NULL,
            cell_status     VARCHAR  NOT NULL,  -- 'confidential' | 'not_available' |
                                                -- 'not_significant' | 'not_applicable'
            revision_status VARCHAR
        )""",
    # HTS10 → NAICS6 concordance (Budget Lab's metal-content file, BEA/Census codes) with the
    # SCIAN subsector (first 3 NAICS digits; NULL for Census special codes 9xx). Bridges
    # line-level HS flows and INEGI's SCIAN subsectors.
    "hts_naics": """
        CREATE TABLE IF NOT EXISTS hts_naics (
            hts10   VARCHAR PRIMARY KEY,
            naics6  VARCHAR NOT NULL,
            scian3  VARCHAR
        )""",
    # CEPII BACI (issue 16): one row per year x exporter x importer x HS6 of a loaded file
    # (``dataset`` = the file's name, e.g. 'BACI_HS92_Y2021_V202301'); countries as ISO3 (or
    # 'X490' for BACI's "nes" areas), values in USD (BACI's thousands x 1000), tonnes or NULL.
    "baci_flow": """
        CREATE TABLE IF NOT EXISTS baci_flow (
            dataset     VARCHAR  NOT NULL,
            release     VARCHAR  NOT NULL,  -- 'V202301' ('' when the file does not say)
            hs_revision VARCHAR  NOT NULL,  -- 'HS92', 'HS12', …
            year        SMALLINT NOT NULL,
            exporter    VARCHAR  NOT NULL,
            importer    VARCHAR  NOT NULL,
            hs6         VARCHAR  NOT NULL,
            value_usd   DOUBLE   NOT NULL,
            quantity_t  DOUBLE
        )""",
    # The country dictionary a BACI dataset was read with (names of 'X…' areas, re-codings).
    "baci_country": """
        CREATE TABLE IF NOT EXISTS baci_country (
            dataset VARCHAR NOT NULL,
            code    INTEGER,            -- BACI numeric code (NULL for ISO3-coded copies)
            iso3    VARCHAR NOT NULL,
            name    VARCHAR NOT NULL
        )""",
    # SEMARNAT RETC establishments, one row per establishment and reporting year
    # (sources/semarnat_retc.py). Coordinates in decimal degrees (west negative); NULL with
    # ``coord_problem`` when the printed DMS could not be read.
    "retc_establishment": """
        CREATE TABLE IF NOT EXISTS retc_establishment (
            year            SMALLINT NOT NULL,
            nra             VARCHAR  NOT NULL,  -- SEMARNAT environmental registry number
            legal_name      VARCHAR  NOT NULL,
            establishment   VARCHAR,
            scian           VARCHAR  NOT NULL,  -- 6 digits
            scian_label     VARCHAR,
            industrial_park VARCHAR,
            state_code      VARCHAR  NOT NULL,  -- INEGI '01'–'32'
            municipality    VARCHAR,
            latitude        DOUBLE,
            longitude       DOUBLE,
            coord_problem   VARCHAR,
            PRIMARY KEY (year, nra)
        )""",
    # Secretaría de Economía FDI by state × type × quarter (sources/se_fdi.py), USD (the file's
    # millions × 1e6); value NULL with ``confidential`` where SE withholds it ("C").
    "fdi_state_quarter": """
        CREATE TABLE IF NOT EXISTS fdi_state_quarter (
            state_code      VARCHAR  NOT NULL,  -- INEGI '01'–'32'
            investment_type VARCHAR  NOT NULL,  -- new | reinvested | intercompany
            year            SMALLINT NOT NULL,
            quarter         TINYINT  NOT NULL,
            value_usd       DOUBLE,
            confidential    BOOLEAN  NOT NULL,
            PRIMARY KEY (state_code, investment_type, year, quarter)
        )""",
    # INEGI DENUE establishments (sources/inegi_denue.py), replaced as a whole on each load.
    "denue_establishment": """
        CREATE TABLE IF NOT EXISTS denue_establishment (
            id                BIGINT PRIMARY KEY,
            name              VARCHAR NOT NULL,
            legal_name        VARCHAR,
            scian             VARCHAR NOT NULL,
            employees_band    VARCHAR NOT NULL,
            employees_min     INTEGER,
            state_code        VARCHAR NOT NULL,
            municipality_code VARCHAR NOT NULL,
            municipality      VARCHAR,
            latitude          DOUBLE  NOT NULL,
            longitude         DOUBLE  NOT NULL,
            registered        VARCHAR NOT NULL   -- 'YYYY-MM'
        )""",
    # SE SIAVI top ~100 tariff lines by partner country (sources/se_siavi.py), national,
    # 2008–2020; fraccion 'TOTAL' = all of Mexico's trade with that country that year.
    "siavi_top_line": """
        CREATE TABLE IF NOT EXISTS siavi_top_line (
            flow            VARCHAR  NOT NULL,  -- 'import' | 'export'
            country_se      VARCHAR  NOT NULL,  -- SE's 2-character code
            country_name_se VARCHAR,
            iso3            VARCHAR,            -- NULL where siavi_country_iso3.csv has none
            fraccion        VARCHAR  NOT NULL,  -- 8 digits, or 'TOTAL'
            hs6             VARCHAR,
            hs4             VARCHAR,
            description     VARCHAR,
            year            SMALLINT NOT NULL,
            value_usd       DOUBLE   NOT NULL
        )""",
    # Scenario runs of the web app, kept so a run's page and downloads outlive a restart
    # (issue 13). One row per finished run; later columns in ADDED_COLUMNS.
    "web_scenario_run": """
        CREATE TABLE IF NOT EXISTS web_scenario_run (
            run_id      VARCHAR PRIMARY KEY,
            scenario    VARCHAR NOT NULL,
            username    VARCHAR NOT NULL,
            status      VARCHAR NOT NULL,   -- 'done' | 'failed'
            started_at  TIMESTAMP NOT NULL,
            finished_at TIMESTAMP NOT NULL,
            headline    JSON                -- headline figures as the page showed them
        )""",
    # What was loaded, from which file, when: the provenance every report footer cites.
    "load_log": """
        CREATE TABLE IF NOT EXISTS load_log (
            dataset     VARCHAR NOT NULL,          -- 'hts:2026r10', 'flow:usitc_dataweb', …
            file        VARCHAR NOT NULL,
            sha256      VARCHAR NOT NULL,
            rows        BIGINT  NOT NULL,
            loaded_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
        )""",
}


#: Columns added after a table's first release: (table, column, type). Nullable, so a
#: warehouse built before them gains them empty and its rows keep their meaning.
ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("flow", "revision_status", "VARCHAR"),
    # what makes a kept scenario run reloadable after a restart (issue 13)
    ("web_scenario_run", "owner_id", "INTEGER"),  # the user id that started it (runs stay private)
    ("web_scenario_run", "reporter", "VARCHAR"),  # the chosen reporter (ISO3 or state), NULL: all
    ("web_scenario_run", "title", "VARCHAR"),  # the title as shown
    ("web_scenario_run", "scenario_text", "VARCHAR"),  # the uploaded YAML (NULL: a shipped one)
    ("web_scenario_run", "result", "JSON"),  # the page's RunResult: headline, groups, notes
    ("web_scenario_run", "lines", "BLOB"),  # the line table as Parquet (what downloads carry)
    ("web_scenario_run", "percent_columns", "VARCHAR[]"),  # which line columns are rates
)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create any missing table or added column; existing rows are left as they are.

    Every read-write open of the warehouse passes here, and each DDL statement costs a catalog
    transaction even when it changes nothing, so the catalog is read once and only what is
    missing is created.
    """
    present = set(con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = current_schema()"
    ).fetchall())
    tables = {table for table, _column in present}
    for table, ddl in DDL.items():
        if table not in tables:
            con.execute(ddl)
    for table, column, kind in ADDED_COLUMNS:
        if (table, column) not in present:
            con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
