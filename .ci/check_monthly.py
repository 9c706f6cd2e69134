#!/usr/bin/env python3
"""Checks the monthly report package that `monthly_report` wrote, against its text report.

    check_monthly.py OUT_DIR [DOM_FILE PDF_PAGES EXPECTED_PAGES]

- report.xlsx (read with openpyxl): every sheet's header and cells equal the text report's
  table of the same name, figure by figure as printed; amounts carry #,##0.00, rates a
  percentage format; the title is merged, the header frozen, columns widened.
- report.csv: UTF-8 with BOM, CRLF, Chinese headers, the cells of the text's 明细 table.
- report.json: parses, every row has the figures as decimal strings, rows add up.
- With DOM_FILE (Chromium's --dump-dom of report.html): the title, the bulletin and every
  cell of the text tables are in the page; no script. With PDF_PAGES: the PDF's page count
  (from pdfinfo) equals EXPECTED_PAGES.
"""

import json
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl


def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def cut(line, spans):
    """Splits a text-table line at the display columns of the dashes line."""
    cells, col, buf, out = [], 0, [], []
    positions = []
    for ch in line:
        positions.append((col, ch))
        col += width(ch)
    for start, end in spans:
        text = "".join(ch for c, ch in positions if start <= c < end)
        out.append(text.strip())
    return out


def text_tables(path):
    """The tables of report.txt: name -> (header, rows), each row a list of cell texts."""
    lines = path.read_text(encoding="utf-8").split("\n")
    tables = {}
    i = 0
    while i < len(lines):
        if i + 2 < len(lines) and set(lines[i + 2].replace(" ", "")) == {"-"} and lines[i + 2]:
            name, header, dashes = lines[i], lines[i + 1], lines[i + 2]
            spans, col = [], 0
            for part in dashes.split("  "):
                spans.append((col, col + len(part)))
                col += len(part) + 2
            rows = []
            j = i + 3
            while j < len(lines) and lines[j].strip():
                if set(lines[j].replace(" ", "")) != {"-"}:
                    rows.append(cut(lines[j], spans))
                j += 1
            tables[name] = (cut(header, spans), rows)
            i = j
        else:
            i += 1
    return tables


def shown(cell):
    """A workbook cell as the text report prints it."""
    v, fmt = cell.value, cell.number_format
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    d = Decimal(repr(v))
    if fmt.endswith("%"):
        places = len(fmt.split(".")[1]) - 1 if "." in fmt else 0
        return f"{(d * 100).quantize(Decimal(1).scaleb(-places))}%"
    places = len(fmt.split(";")[0].split(".")[1]) if "." in fmt else 0
    q = d.quantize(Decimal(1).scaleb(-places))
    if fmt.startswith("+"):
        return f"+{q}" if q >= 0 else f"{q}"
    return f"{q}"


def fail(msg):
    print(f"check_monthly: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    out = Path(sys.argv[1])
    tables = text_tables(out / "report.txt")
    if not tables:
        fail("no tables in report.txt")

    wb = openpyxl.load_workbook(out / "report.xlsx")
    if wb.sheetnames != list(tables):
        fail(f"sheets {wb.sheetnames} != text tables {list(tables)}")
    checked = 0
    for ws in wb.worksheets:
        header, rows = tables[ws.title]
        if not any(str(r).startswith("A1:") for r in ws.merged_cells.ranges):
            fail(f"{ws.title}: title not merged")
        if "年" not in str(ws["A2"].value):
            fail(f"{ws.title}: no period under the title")
        if ws.freeze_panes != "A4":
            fail(f"{ws.title}: header not frozen ({ws.freeze_panes})")
        got_header = [ws.cell(row=3, column=c + 1).value for c in range(len(header))]
        if got_header != header:
            fail(f"{ws.title}: header {got_header} != {header}")
        for r, row in enumerate(rows):
            for c, want in enumerate(row):
                cell = ws.cell(row=4 + r, column=c + 1)
                if shown(cell) != want:
                    fail(f"{ws.title}!{cell.coordinate}: {cell.value!r} ({cell.number_format}) shows {shown(cell)!r}, text says {want!r}")
                if isinstance(cell.value, float):
                    fmt = cell.number_format
                    if not (fmt == "#,##0.00" or fmt.endswith("%") or fmt.startswith("+")):
                        fail(f"{ws.title}!{cell.coordinate}: number format {fmt}")
                checked += 1
        for c in range(len(header)):
            letter = openpyxl.utils.get_column_letter(c + 1)
            w = ws.column_dimensions[letter].width
            if not w or w < width(header[c]) / 2:
                fail(f"{ws.title}: column {letter} width {w}")
    print(f"check_monthly: workbook: {len(wb.worksheets)} sheets, {checked} cells equal the text report")

    raw = (out / "report.csv").read_bytes()
    if not raw.startswith(b"\xef\xbb\xbf"):
        fail("report.csv has no UTF-8 BOM")
    if b"\n" in raw.replace(b"\r\n", b""):
        fail("report.csv has a line end that is not CRLF")
    csv_rows = [line.split(",") for line in raw[3:].decode("utf-8").split("\r\n") if line]
    main_name = "明细" if "明细" in tables else list(tables)[1]
    header, rows = tables[main_name]
    if csv_rows != [header] + rows:
        fail("report.csv differs from the text's table " + main_name)
    print(f"check_monthly: CSV for Excel: {len(rows)} rows equal the text's {main_name}")

    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for key in ["as_of", "period", "schedule", "rounding", "total", "rows"]:
        if key not in doc:
            fail(f"report.json has no {key}")
    detail = [r for r in doc["rows"] if r["subtotal"] is None]
    for field in ["allocated", "spent", "month_spent"]:
        s = sum(Decimal(r[field]) for r in detail)
        if s != Decimal(doc["total"][field]):
            fail(f"report.json: detail rows' {field} add to {s}, total says {doc['total'][field]}")
    print(f"check_monthly: JSON: {len(doc['rows'])} rows; detail rows add up to the total to the 分")

    if len(sys.argv) > 2:
        dom = Path(sys.argv[2]).read_text(encoding="utf-8")
        if "<script" in dom.lower():
            fail("the page has a script")
        first = (out / "report.txt").read_text(encoding="utf-8").split("\n")[0]
        if first not in dom:
            fail(f"the page has no title {first}")
        missing = [cell for _, rows in tables.values() for row in rows for cell in row if cell and cell not in dom]
        if missing:
            fail(f"the page lacks {len(missing)} figures, e.g. {missing[:5]}")
        print("check_monthly: page: Chromium's DOM holds the title and every figure of the text tables")
    if len(sys.argv) > 4:
        pages, expected = int(sys.argv[3]), int(sys.argv[4])
        if pages != expected:
            fail(f"the PDF has {pages} pages, expected {expected}")
        print(f"check_monthly: PDF: {pages} pages as expected")


if __name__ == "__main__":
    main()
