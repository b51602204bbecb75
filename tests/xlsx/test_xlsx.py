#!/usr/bin/env python3
"""XLSX written by dti, read back by a second reader (openpyxl).

Usage: test_xlsx.py DTI SRCDIR

For the same input, the workbook of `dti compute|rank --format xlsx` must
hold, cell by cell, what `--format csv` writes: the second header row is
the CSV header, every value the same number (ranks as integers), an empty
cell where the CSV field is empty; the first header row has the nodes'
names in the language asked for; the header rows and the unit columns are
frozen; value cells carry the framework's precision as their number format.
The notes sheet carries the framework, the cycle, the data hash of the JSON
output and the synthetic label.  An explanation's workbook holds the
numbers of its JSON.  XLSX to a terminal is refused.
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

import openpyxl

DTI, SRC = os.path.abspath(sys.argv[1]), sys.argv[2]
DEMO = "data/demo/pdti-2022-demo.csv"
TOP5 = "data/published/dti-2022-top5.csv"
failures = []


def run(*args, binary=False):
    p = subprocess.run([DTI, *args], cwd=SRC, capture_output=True,
                       env=dict(os.environ, NO_COLOR="1"))
    if p.returncode != 0:
        raise SystemExit("dti %s: exit %d: %s" % (
            " ".join(args), p.returncode, p.stderr.decode()))
    return p.stdout if binary else p.stdout.decode()


def check(cond, what):
    if not cond:
        failures.append(what)


def csv_rows(text):
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    return list(csv.reader(io.StringIO("\n".join(lines))))


def workbook(args, tmp, name):
    path = os.path.join(tmp, name)
    # -o NAME.xlsx without --format: XLSX, never text
    run(*args, "-o", path)
    with open(path, "rb") as f:
        check(f.read(2) == b"PK", "%s: not a zip container" % name)
    return openpyxl.load_workbook(path)


def compare(args, tmp, name, lang, precision=4):
    """The first sheet against the CSV of the same command."""
    rows = csv_rows(run(*args, "--format", "csv"))
    header, body = rows[0], rows[1:]
    wb = workbook(args + ["--lang", lang], tmp, name)
    ws = wb.worksheets[0]
    check(ws.freeze_panes == "E3",
          "%s: frozen at %s, not E3 (2 header rows, 4 unit columns)" %
          (name, ws.freeze_panes))
    codes = [c.value for c in ws[2]]
    check(codes == header, "%s: codes %s != CSV header %s" %
          (name, codes, header))
    check(ws.max_row == len(body) + 2,
          "%s: %d rows, CSV has %d" % (name, ws.max_row - 2, len(body)))
    check(ws.max_column == len(header),
          "%s: %d columns, CSV has %d" % (name, ws.max_column, len(header)))
    ncells = 0
    for r, line in enumerate(body, start=3):
        for c, text in enumerate(line, start=1):
            cell = ws.cell(row=r, column=c)
            code = header[c - 1]
            where = "%s!%s (%s)" % (name, cell.coordinate, code)
            ncells += 1
            if text == "":
                check(cell.value is None,
                      "%s: %r where the CSV is empty" % (where, cell.value))
            elif code in ("year", "unit_id", "unit", "group"):
                check(cell.value == text.lstrip("'") and
                      isinstance(cell.value, str),
                      "%s: text %r != %r" % (where, cell.value, text))
            elif code in ("rank", "group_rank") or \
                    code.endswith("_rank") or code.endswith("_rank_change"):
                check(isinstance(cell.value, int) and
                      cell.value == int(text) and
                      cell.number_format == "0",
                      "%s: rank %r (%s) != %s" %
                      (where, cell.value, cell.number_format, text))
            else:
                digits = 2 if code.endswith("_points") else precision
                fmt = "0." + "0" * digits if digits else "0"
                check(isinstance(cell.value, (int, float)) and
                      not isinstance(cell.value, bool) and
                      cell.value == float(text),
                      "%s: value %r != %s" % (where, cell.value, text))
                check(cell.number_format == fmt,
                      "%s: format %r != %r" % (where, cell.number_format,
                                               fmt))
    return wb, ncells


def notes(wb):
    ws = wb.worksheets[-1]
    return {ws.cell(row=r, column=3).value: ws.cell(row=r, column=2).value
            for r in range(3, ws.max_row + 1)}


def main():
    fw = json.loads(run("framework", "show", "pdti-2022", "--format",
                        "json"))
    names = {n["code"]: n for n in fw["nodes"]}
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        # every column kind: values, ranks, points, group ranks
        args = ["compute", DEMO, "--ranks", "--points", "--group-ranks"]
        wb, n = compare(args, tmp, "compute-vi.xlsx", "vi")
        total += n
        ws = wb.worksheets[0]
        check(wb.sheetnames == ["Kết quả", "Ghi chú"],
              "vi sheet names: %s" % wb.sheetnames)
        heads = {ws.cell(row=2, column=c).value:
                 ws.cell(row=1, column=c).value
                 for c in range(1, ws.max_column + 1)}
        for code in ("pdti", "cqs", "kts", "xhs"):
            check(heads[code] == names[code]["name_vi"],
                  "vi header of %s: %r" % (code, heads[code]))
        check(heads["unit"] == "Đơn vị", "vi header of unit")
        js = json.loads(run("compute", DEMO, "--format", "json"))
        nt = notes(wb)
        check(nt.get("data_sha256") == js["data_sha256"],
              "data hash %r != JSON's %r" % (nt.get("data_sha256"),
                                             js["data_sha256"]))
        check(nt.get("framework_version") == "2022", "framework version")
        check(nt.get("cycle") == "2022", "cycle")
        check(nt.get("synthetic") == "có" and "synthetic_label" in nt,
              "synthetic label of the demo data: %r" % nt)
        check((nt.get("missing") or "").startswith("zero"),
              "missing-value policy %r" % nt.get("missing"))

        # English; changes since the previous cycle (rank)
        wb, n = compare(["rank", DEMO], tmp, "rank-en.xlsx", "en")
        total += n
        ws = wb.worksheets[0]
        check(wb.sheetnames == ["Results", "Notes"],
              "en sheet names: %s" % wb.sheetnames)
        heads = {c2.value: c1.value for c1, c2 in zip(ws[1], ws[2])}
        check(heads["pdti"] == names["pdti"]["name_en"],
              "en header of pdti: %r" % heads["pdti"])
        check(heads["pdti_change"].endswith("change"),
              "en header of pdti_change: %r" % heads["pdti_change"])
        check(notes(wb).get("previous_cycle") == "2021", "previous cycle")

        # published figures, not synthetic; precision 2
        wb, n = compare(["compute", "-f", "pdti-2022", TOP5, "--precision",
                         "2", "--ranks"], tmp, "top5.xlsx", "en",
                        precision=2)
        total += n
        nt = notes(wb)
        check(nt.get("synthetic") == "no" and "synthetic_label" not in nt,
              "published data labelled synthetic: %r" % nt)

        # an explanation: the numbers of its JSON
        ex = json.loads(run("explain", DEMO, "Tuyên Quang", "--format",
                            "json"))
        wb = workbook(["explain", DEMO, "Tuyên Quang"], tmp, "explain.xlsx")
        check(wb.sheetnames == ["Summary", "Indicators", "Notes"],
              "explain sheets: %s" % wb.sheetnames)
        summary = {r[2].value: r[1].value
                   for r in wb.worksheets[0].iter_rows(min_row=3)}
        for key in ("value", "rank", "median", "change", "rank_change"):
            check(summary.get(key) == ex[key],
                  "explain %s: %r != %r" % (key, summary.get(key), ex[key]))
        ws = wb.worksheets[1]
        keys = [c.value for c in ws[2]]
        for r, item in enumerate(ex["indicators"], start=3):
            row = {k: ws.cell(row=r, column=c + 1).value
                   for c, k in enumerate(keys)}
            for key in ("code", "value", "rank", "median", "lost"):
                want = item[key]
                got = row[key]
                if isinstance(want, float) and key == "lost":
                    want = round(want, 2)
                check(got == want, "explain %s of %s: %r != %r" %
                      (key, item["code"], got, want))
            total += len(keys)
    # a workbook is bytes for a file: refused on a terminal, exit 2
    import pty
    master, slave = pty.openpty()
    p = subprocess.run([DTI, "compute", DEMO, "--format", "xlsx"], cwd=SRC,
                       stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    os.close(master)
    check(p.returncode == 2 and b"-o FILE.xlsx" in p.stderr,
          "XLSX to a terminal: exit %d, %r" % (p.returncode, p.stderr))
    if failures:
        for f in failures[:40]:
            print("FAIL:", f)
        print("%d of the checks failed" % len(failures))
        return 1
    print("ok: %d cells compared with the CSV and JSON outputs" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
