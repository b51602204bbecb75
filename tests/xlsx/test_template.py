#!/usr/bin/env python3
"""The input form of `dti template`, read by a second reader (openpyxl),
filled in programmatically, and read back by dti.

Usage: test_template.py DTI SRCDIR

1. The form of one unit (example-province-internal, Sở Tài chính): three
   sheets (data first); "# framework:", "# cycle:", "# layout: long" rows;
   the header the data reader knows; a row for every indicator a unit
   fills in and none for those reviewers score (listed in the
   instructions instead); every node on the indicators sheet; the sheets
   protected, only the value, evidence and note cells unlocked; each value
   cell's validation what its rule takes (yes/no list, whole numbers >= 0
   for counts, a share within 0..1 shown as a percentage, a survey mean
   within its scale, points within 0..max, thresholds suggested in a
   non-strict list); the instructions in Vietnamese.
2. Filled as an officer would (có, 85 %, counts, thresholds, text
   evidence), the form gives exactly the result of the same figures
   written as a long CSV file (`dti compute --format csv`, compared whole).
3. The form of every unit (pdti-2022, the 63 provinces of 2022, English):
   a row per unit and a column per indicator; filled with random values
   it gives the result of the same figures as a wide CSV file.
4. In a store (tests/cli/data/wf-year.sh 3: cycle dti-2022 open), the
   editor of Đà Nẵng fills the form of his unit with the published 2022
   figures and `dti submission import` takes it as it is.
5. Refusals: a terminal, an unknown unit, a framework without registry
   given --unit.
"""
import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile

import openpyxl

DTI, SRC = os.path.abspath(sys.argv[1]), sys.argv[2]
failures = []


def run(*args, env=None, ok=True):
    p = subprocess.run([DTI, *args], cwd=SRC, capture_output=True,
                       env=dict(os.environ, NO_COLOR="1", **(env or {})))
    if ok and p.returncode != 0:
        raise SystemExit("dti %s: exit %d: %s" % (
            " ".join(args), p.returncode, p.stderr.decode()))
    return p


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def header_row(ws, first):
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == first:
            return r
    raise SystemExit("no header row starting with %r" % first)


def validation_of(ws, ref):
    for dv in ws.data_validations.dataValidation:
        if ref in str(dv.sqref).split():
            return dv
        for rng in dv.sqref.ranges:
            if ref in rng:
                return dv
    return None


def fill_value(rule, fmt, rnd):
    """What an officer types for a rule (as shown in the form)."""
    if rule.startswith(("Có/Không", "Yes/No")):
        return rnd.choice(["có", "không"]) if rule.startswith("Có") \
            else rnd.choice(["yes", "no"])
    if fmt == "0%":
        return round(rnd.uniform(0.2, 1), 2)
    if rule.startswith(("Số lượng", "Count")):
        return rnd.randint(0, 6)
    if rule.startswith(("Ngưỡng", "Thresholds")):
        return rnd.choice([20, 60, 150, 400, 1200])
    if rule.startswith(("Điểm khảo sát", "Survey")):
        return round(rnd.uniform(1, 5), 1)
    if rule.startswith(("Tỷ lệ", "Ratio")):
        return round(rnd.uniform(0, 60), 1)
    if rule.startswith(("Điểm tự chấm", "Self-assessed")):
        return 5
    if rule.startswith(("Giá trị", "The indicator")):
        return round(rnd.random(), 4)
    return round(rnd.uniform(0, 100), 2)


def as_csv_value(v, fmt):
    if isinstance(v, str):
        return v
    if fmt == "0%":
        return "%s%%" % repr(round(v * 100, 10)).rstrip("0").rstrip(".")
    return repr(v)


def result_json(args):
    """Every node of every unit, and the data's hash."""
    return json.loads(run("compute", *args, "--format", "json").stdout)


def one_unit(tmp):
    form = os.path.join(tmp, "form.xlsx")
    run("template", "-f", "example-province-internal", "--unit",
        "Sở Tài chính", "--cycle", "2025", "-o", form)
    wb = openpyxl.load_workbook(form)
    check(wb.sheetnames == ["Dữ liệu", "Chỉ số", "Hướng dẫn"],
          "sheets: %r" % wb.sheetnames)
    ws = wb.worksheets[0]
    top = [ws.cell(r, 1).value for r in range(1, 4)]
    check(top == ["# framework: example-province-internal", "# cycle: 2025",
                  "# layout: long"], "metadata rows: %r" % top)
    h = header_row(ws, "Mã đơn vị")
    head = [ws.cell(h, c).value for c in range(1, 14)]
    check(head[:3] == ["Mã đơn vị", "Đơn vị", "Mã chỉ số"] and
          head[10:] == ["Giá trị", "Tài liệu kiểm chứng", "Ghi chú"],
          "header: %r" % head)
    check(ws.protection.sheet, "the data sheet is not protected")
    check(all(w.protection.sheet for w in wb.worksheets),
          "a sheet is not protected")
    # the framework's leaves, from its own CSV
    with open(os.path.join(SRC, "frameworks",
                           "example-province-internal.csv"),
              encoding="utf-8") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    nodes = list(csv.DictReader(lines))
    parents = {p for n in nodes for p in (n["parent"] or "").split(";")}
    leaves = [n for n in nodes if n["code"] not in parents and
              n["kind"] != "index"]
    reviewer = [n["code"] for n in leaves if n["rule"] == "reviewer"]
    fill = [n["code"] for n in leaves if n["rule"] != "reviewer"]
    rows = list(range(h + 1, ws.max_row + 1))
    codes = [ws.cell(r, 3).value for r in rows]
    check(codes == fill, "rows: %r, want %r" % (codes, fill))
    check(reviewer and not set(reviewer) & set(codes),
          "reviewer indicators %r in the form" % reviewer)
    instr = "\n".join(str(c.value) for c in wb["Hướng dẫn"]["A"] if c.value)
    for code in reviewer:
        check("(%s)" % code in instr,
              "reviewer indicator %s not in the instructions" % code)
    check("Điền các ô màu vàng" in instr, "instructions not in Vietnamese")
    ref = wb["Chỉ số"]
    listed = [ref.cell(r, 1).value for r in range(2, ref.max_row + 1)]
    check(listed == [n["code"] for n in nodes],
          "indicators sheet: %d nodes of %d" % (len(listed), len(nodes)))
    by_code = {n["code"]: n for n in nodes}
    kinds = set()
    for r in rows:
        code = ws.cell(r, 3).value
        rule = by_code[code]["rule"]
        kind = by_code[code]["kind"]
        v = ws.cell(r, 11)
        check(not v.protection.locked, "%s: value cell locked" % code)
        check(not ws.cell(r, 12).protection.locked and
              not ws.cell(r, 13).protection.locked,
              "%s: evidence or note locked" % code)
        check(all(ws.cell(r, c).protection.locked for c in range(1, 11)),
              "%s: a descriptive cell is not locked" % code)
        dv = validation_of(ws, v.coordinate)
        if not check(dv is not None, "%s: no validation" % code):
            continue
        kinds.add(rule or kind)
        if rule == "yesno":
            check(dv.type == "list" and dv.formula1 == '"có,không"' and
                  dv.errorStyle in (None, "stop"),
                  "%s: yes/no validation %s %s" % (code, dv.type,
                                                    dv.formula1))
        elif rule == "count":
            check(dv.type == "whole" and dv.operator ==
                  "greaterThanOrEqual" and dv.formula1 == "0",
                  "%s: count validation" % code)
        elif rule == "steps":
            thr = [t.split(":")[0] for t in
                   by_code[code]["params"].split("=", 1)[1].split(",")]
            check(dv.type == "list" and dv.errorStyle == "warning" and
                  dv.formula1 == '"%s"' % ",".join(thr),
                  "%s: thresholds %s %s" % (code, dv.formula1,
                                            dv.errorStyle))
        elif rule == "survey":
            check(dv.type == "decimal" and (dv.formula1, dv.formula2) ==
                  ("1", "5"), "%s: survey validation" % code)
        elif rule in ("ratio", "percent"):
            if v.number_format == "0%":
                check(dv.type == "decimal" and
                      (dv.formula1, dv.formula2) == ("0", "1"),
                      "%s: share validation" % code)
            else:
                check(dv.type == "decimal", "%s: ratio validation" % code)
        elif rule == "points":
            check(dv.type == "decimal" and dv.formula1 == "0",
                  "%s: points validation" % code)
    check({"yesno", "count", "steps", "survey", "percent"} <= kinds,
          "rules covered: %r" % kinds)
    check(any(ws.cell(r, 11).number_format == "0%" for r in rows),
          "no share shown as a percentage")

    # 2. filled as an officer would, read as the same long CSV
    rnd = random.Random(7)
    lines = ["# framework: example-province-internal", "# cycle: 2025",
             "unit,indicator,value,evidence"]
    for r in rows:
        code, rule = ws.cell(r, 3).value, ws.cell(r, 6).value
        v = ws.cell(r, 11)
        v.value = fill_value(rule, v.number_format, rnd)
        ws.cell(r, 12).value = "QĐ %d/QĐ-STC, ngày 10/01/2025" % r
        lines.append('so-tai-chinh,%s,"%s","QĐ %d/QĐ-STC, ngày 10/01/2025"'
                     % (code, as_csv_value(v.value, v.number_format), r))
    filled = os.path.join(tmp, "filled.xlsx")
    wb.save(filled)
    same = os.path.join(tmp, "same.csv")
    with open(same, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    a = result_json([filled])
    b = result_json(["-f", "example-province-internal", same])
    check(a == b and len(a["units"]) == 1,
          "filled form != the same CSV:\n%s\n%s" % (a, b))


def every_unit(tmp):
    form = os.path.join(tmp, "provinces.xlsx")
    run("template", "-f", "pdti-2022", "--cycle", "2022", "--lang", "en",
        "-o", form)
    wb = openpyxl.load_workbook(form)
    check(wb.sheetnames == ["Data", "Indicators", "Instructions"],
          "English sheets: %r" % wb.sheetnames)
    ws = wb.worksheets[0]
    h = header_row(ws, "Unit code")
    codes = [ws.cell(h, c).value for c in range(3, ws.max_column)]
    check(ws.cell(h, ws.max_column).value == "Note", "last column not Note")
    names = [ws.cell(h - 2, c).value for c in range(3, ws.max_column)]
    check(names[0] == "Digital awareness" and
          ws.cell(h - 2, 1).value == "# Indicator names",
          "names row: %r" % names[:3])
    units = [ws.cell(r, 1).value for r in range(h + 1, ws.max_row + 1)]
    check(len(units) == 63 and units[0] == "01",
          "units of 2022: %d, first %r" % (len(units), units[:1]))
    check(ws.freeze_panes == "C%d" % (h + 1), "frozen at %s" %
          ws.freeze_panes)
    rnd = random.Random(11)
    lines = ["year,unit," + ",".join(codes)]
    for r in range(h + 1, ws.max_row + 1):
        vals = []
        for c in range(3, ws.max_column):
            v = round(rnd.random(), 4) if rnd.random() > 0.05 else None
            ws.cell(r, c).value = v
            vals.append("" if v is None else repr(v))
        lines.append("2022,%s,%s" % (ws.cell(r, 1).value, ",".join(vals)))
    dv = validation_of(ws, ws.cell(h + 1, 3).coordinate)
    check(dv is not None and dv.type == "decimal" and
          (dv.formula1, dv.formula2) == ("0", "1"),
          "value rule validation: %r" % ((dv and (dv.formula1,
                                                   dv.formula2)),))
    filled = os.path.join(tmp, "provinces-filled.xlsx")
    wb.save(filled)
    same = os.path.join(tmp, "provinces.csv")
    with open(same, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    a = result_json([filled])
    b = result_json(["-f", "pdti-2022", same])
    check(a == b and len(a["units"]) == 63,
          "wide form != the same CSV (%d, %d units)" % (
              len(a["units"]), len(b["units"])))


def store(tmp):
    env = {"TMP": tmp, "DTI": DTI}
    p = subprocess.run(["sh", "tests/cli/data/wf-year.sh", "3"], cwd=SRC,
                       capture_output=True, env=dict(os.environ, **env))
    if p.returncode != 0:
        raise SystemExit("wf-year.sh: %s" % p.stderr.decode())
    form = os.path.join(tmp, "dn.xlsx")
    run("template", "-f", "pdti-2022", "--units",
        "tests/cli/data/wf-provinces.csv", "--unit", "TP. Đà Nẵng",
        "--cycle", "dti-2022", "-o", form)
    wb = openpyxl.load_workbook(form)
    ws = wb.worksheets[0]
    h = header_row(ws, "Mã đơn vị")
    with open(os.path.join(SRC, "data/published/dti-2022-top5.csv"),
              encoding="utf-8") as f:
        dn = next(r for r in csv.DictReader(f)
                  if r["province"] == "TP. Đà Nẵng")
    n = 0
    for r in range(h + 1, ws.max_row + 1):
        code = ws.cell(r, 3).value
        check(ws.cell(r, 1).value == "48", "unit id %r" %
              ws.cell(r, 1).value)
        if code in dn:
            ws.cell(r, 11).value = float(dn[code])
            n += 1
        if code == "cybersecurity":
            ws.cell(r, 12).value = "Báo cáo 15/BC-STTTT"
    filled = os.path.join(tmp, "dn-filled.xlsx")
    wb.save(filled)
    db = os.path.join(tmp, "dti.db")
    env = {"DTI_NOW": "2026-01-15T09:00:00Z"}
    p = run("submission", "import", "dti-2022", filled, "--user", "ed-dn",
            "--db", db, env=env, ok=False)
    check(p.returncode == 0 and
          b"%d figures of 1 unit" % n in p.stdout,
          "import of the filled form: exit %d, %r %r" % (
              p.returncode, p.stdout, p.stderr))
    show = run("submission", "show", "dti-2022", "Đà Nẵng", "--user",
               "ed-dn", "--db", db, env=env).stdout.decode()
    check(any(ln.split()[:2] == ["cybersecurity", "0.7578"]
              for ln in show.splitlines()),
          "cybersecurity of Đà Nẵng not 0.7578 after the import:\n" + show)
    check("Báo cáo 15/BC-STTTT" in show,
          "the evidence of the form is not in the submission:\n" + show)


def refusals(tmp):
    import pty
    master, slave = pty.openpty()
    p = subprocess.run([DTI, "template", "-f", "pdti-2022"], cwd=SRC,
                       stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    os.close(master)
    check(p.returncode == 2 and b"-o FORM.xlsx" in p.stderr,
          "template to a terminal: exit %d %r" % (p.returncode, p.stderr))
    out = os.path.join(tmp, "x.xlsx")
    p = run("template", "-f", "pdti-2022", "--unit", "Atlantis", "-o", out,
            ok=False)
    check(p.returncode == 2 and b"Atlantis" in p.stderr and
          not os.path.exists(out),
          "unknown unit: exit %d %r" % (p.returncode, p.stderr))
    p = run("template", "-f", "tests/data/coinr-asem/iMeta.csv", "--unit",
            "AUT", "-o", out, ok=False)
    check(p.returncode == 2 and b"registry" in p.stderr,
          "--unit without registry: exit %d %r" % (p.returncode, p.stderr))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for step in (one_unit, every_unit, store, refusals):
            d = os.path.join(tmp, step.__name__)
            os.makedirs(d)
            step(d)
    if failures:
        for f in failures[:40]:
            print("FAIL:", f)
        print("%d of the checks failed" % len(failures))
        return 1
    print("ok: forms written, checked, filled and read back")
    return 0


if __name__ == "__main__":
    sys.exit(main())
