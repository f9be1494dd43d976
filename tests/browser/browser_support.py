"""Files the browser tests upload."""

from __future__ import annotations

import io

from openpyxl import Workbook

FIRM_HEADER = ["rfc", "legal_name", "state_code", "municipality_code", "employees", "activity",
               "chain_role", "sectors", "processes", "exporter", "export_destinations",
               "website", "is_demo"]
_TAIL = ["industry", None, None, None, "no", None, None, "no"]


def XLSX_BAD_ROWS() -> bytes:
    """A firms sheet: one good row (row 2) and three bad ones (rows 3–5)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "firms"
    ws.append(FIRM_HEADER)
    ws.append(["TME140101AB1", "Troqueles Modelo SA de CV", "11", "020", 40, *_TAIL])
    ws.append(["NOT-AN-RFC", "Mala 1", "11", "020", 10, *_TAIL])
    ws.append(["BBB140101AB2", "Mala 2", "99", None, 10, *_TAIL])
    ws.append(["CCC140101AB3", "Mala 3", "14", None, -5, *_TAIL])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
