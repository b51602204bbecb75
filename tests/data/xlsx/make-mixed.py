#!/usr/bin/env python3
"""Writes example-2025-mixed.xlsx with openpyxl from data/demo/example-2025.csv.

Usage: make-mixed.py EXAMPLE-2025.CSV OUT.xlsx

The same figures as the CSV, in the forms a workbook holds them that a
LibreOffice conversion does not produce:
  - a first sheet of instructions, so that the data sheet, 'Dữ liệu' (a
    Vietnamese name with a space), must be chosen by name;
  - strings as inline strings (openpyxl writes no shared strings);
  - numbers as numbers; "có"/"không" of the first yes/no column as
    booleans (TRUE/FALSE, which dti reads as yes/no);
  - the metadata "# date:" as a key in A and a real date in B;
  - one figure as a formula with its cached value (openpyxl writes no
    cached values: the <v> is added to the sheet's XML afterwards, as a
    spreadsheet that computed the formula would save it);
  - sparse rows and cells: empty cells are not written, and a blank row
    separates the header from the data, so cells keep their columns (AF, ...)
    and rows their numbers.
"""
import csv
import datetime
import re
import shutil
import sys
import tempfile
import zipfile

from openpyxl import Workbook


def number(text):
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        lines = f.read().splitlines()
    meta = [l for l in lines if l.startswith("#")]
    rows = list(csv.reader(l for l in lines if not l.startswith("#")))

    wb = Workbook()
    guide = wb.active
    guide.title = "Hướng dẫn"
    guide["A1"] = "Dữ liệu ở trang 'Dữ liệu'; mỗi dòng một đơn vị."
    guide["C3"] = "Figures are on the sheet 'Dữ liệu', one row per unit."

    ws = wb.create_sheet("Dữ liệu")
    r = 1
    for m in meta:
        ws.cell(row=r, column=1, value=m)
        r += 1
    ws.cell(row=r, column=1, value="# date:")
    ws.cell(row=r, column=2, value=datetime.date(2025, 12, 31))
    ws.cell(row=r, column=2).number_format = "yyyy-mm-dd"
    r += 1
    header = rows[0]
    for j, h in enumerate(header):
        ws.cell(row=r, column=j + 1, value=h)
    r += 2  # a blank row after the header
    plan = header.index("aw_plan")
    news = header.index("aw_news")
    formula_at = None
    for row in rows[1:]:
        for j, v in enumerate(row):
            if v == "":
                continue
            if j == plan and v in ("có", "không"):
                value = v == "có"
            elif j == 1:
                value = v  # unit names stay text
            else:
                n = number(v)
                value = n if n is not None else v
            ws.cell(row=r, column=j + 1, value=value)
        if formula_at is None and row[news].isdigit() and int(row[news]) > 1:
            a = int(row[news])
            cell = ws.cell(row=r, column=news + 1)
            cell.value = "=%d+1" % (a - 1)
            formula_at = (cell.coordinate, a)
        r += 1
    tmp = tempfile.mkdtemp()
    path = tmp + "/book.xlsx"
    wb.save(path)

    # the formula's cached value, as a computing spreadsheet saves it
    coord, value = formula_at
    with zipfile.ZipFile(path) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                text = data.decode("utf-8")
                pat = r'(<c r="%s"[^>]*>)<f>([^<]*)</f><v\s*/>' % coord
                new, n = re.subn(pat, r"\1<f>\2</f><v>%d</v>" % value, text)
                if n != 1:
                    pat = r'(<c r="%s"[^>]*>)<f>([^<]*)</f>(<v></v>)?' % coord
                    new, n = re.subn(pat, r"\1<f>\2</f><v>%d</v>" % value,
                                     text)
                assert n == 1, "formula cell not found"
                data = new.encode("utf-8")
            zout.writestr(item, data)
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
