#!/usr/bin/env python3
"""Writes the synthetic demo data of data/demo/.

Every value written here is made up by a seeded pseudo-random generator: the files
illustrate the formats and the features of dti and are NOT official results.  The
output is deterministic (same files on every run); the build does not need this
script, it is kept so that the demo files can be regenerated or extended.

    python3 data/demo/generate.py          # from the repository root

Inputs:  none; the 63 province names are listed below (the usual Vietnamese
         names, by statistical code).
Outputs: pdti-2022-demo.csv, example-units.csv, example-groups.csv,
         example-2025.csv, example-2025-long.csv (next to this script).
"""
import csv
import io
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

NOTE = ("# note: Dữ liệu mô phỏng để minh họa, không phải kết quả chính thức / "
        "Synthetic demo values, not official results\n")


def header(extra=()):
    s = "# synthetic: yes\n" + NOTE
    for line in extra:
        s += "# " + line + "\n"
    return s


def write(name, text):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="") as f:
        f.write(text)


def clamp(x, lo=0.0, hi=1.0):
    return max(lo, min(hi, x))


# ---------------------------------------------------------------------------
# 1. pdti-2022-demo.csv: 63 provinces x 9 main indicators x 2 years

# (code, name_vi, region, development level in [0, 1]: a rough, made-up
# propensity; big cities and industrial provinces higher)
PROVINCES = [
    ("01", "Hà Nội", "DBSH", 0.92), ("02", "Hà Giang", "TDMNPB", 0.22),
    ("04", "Cao Bằng", "TDMNPB", 0.25), ("06", "Bắc Kạn", "TDMNPB", 0.24),
    ("08", "Tuyên Quang", "TDMNPB", 0.38), ("10", "Lào Cai", "TDMNPB", 0.45),
    ("11", "Điện Biên", "TDMNPB", 0.24), ("12", "Lai Châu", "TDMNPB", 0.26),
    ("14", "Sơn La", "TDMNPB", 0.30), ("15", "Yên Bái", "TDMNPB", 0.40),
    ("17", "Hòa Bình", "TDMNPB", 0.36), ("19", "Thái Nguyên", "TDMNPB", 0.62),
    ("20", "Lạng Sơn", "TDMNPB", 0.40), ("22", "Quảng Ninh", "DBSH", 0.86),
    ("24", "Bắc Giang", "TDMNPB", 0.55), ("25", "Phú Thọ", "TDMNPB", 0.50),
    ("26", "Vĩnh Phúc", "DBSH", 0.62), ("27", "Bắc Ninh", "DBSH", 0.72),
    ("30", "Hải Dương", "DBSH", 0.55), ("31", "Hải Phòng", "DBSH", 0.80),
    ("33", "Hưng Yên", "DBSH", 0.50), ("34", "Thái Bình", "DBSH", 0.46),
    ("35", "Hà Nam", "DBSH", 0.50), ("36", "Nam Định", "DBSH", 0.45),
    ("37", "Ninh Bình", "DBSH", 0.52), ("38", "Thanh Hóa", "BTBDHMT", 0.55),
    ("40", "Nghệ An", "BTBDHMT", 0.50), ("42", "Hà Tĩnh", "BTBDHMT", 0.52),
    ("44", "Quảng Bình", "BTBDHMT", 0.45), ("45", "Quảng Trị", "BTBDHMT", 0.40),
    ("46", "Thừa Thiên Huế", "BTBDHMT", 0.80), ("48", "Đà Nẵng", "BTBDHMT", 0.95),
    ("49", "Quảng Nam", "BTBDHMT", 0.50), ("51", "Quảng Ngãi", "BTBDHMT", 0.45),
    ("52", "Bình Định", "BTBDHMT", 0.60), ("54", "Phú Yên", "BTBDHMT", 0.40),
    ("56", "Khánh Hòa", "BTBDHMT", 0.66), ("58", "Ninh Thuận", "BTBDHMT", 0.38),
    ("60", "Bình Thuận", "BTBDHMT", 0.45), ("62", "Kon Tum", "TN", 0.32),
    ("64", "Gia Lai", "TN", 0.36), ("66", "Đắk Lắk", "TN", 0.40),
    ("67", "Đắk Nông", "TN", 0.30), ("68", "Lâm Đồng", "TN", 0.50),
    ("70", "Bình Phước", "DNB", 0.40), ("72", "Tây Ninh", "DNB", 0.48),
    ("74", "Bình Dương", "DNB", 0.78), ("75", "Đồng Nai", "DNB", 0.64),
    ("77", "Bà Rịa - Vũng Tàu", "DNB", 0.66), ("79", "Hồ Chí Minh", "DNB", 0.93),
    ("80", "Long An", "DBSCL", 0.55), ("82", "Tiền Giang", "DBSCL", 0.45),
    ("83", "Bến Tre", "DBSCL", 0.45), ("84", "Trà Vinh", "DBSCL", 0.46),
    ("86", "Vĩnh Long", "DBSCL", 0.50), ("87", "Đồng Tháp", "DBSCL", 0.56),
    ("89", "An Giang", "DBSCL", 0.45), ("91", "Kiên Giang", "DBSCL", 0.42),
    ("92", "Cần Thơ", "DBSCL", 0.78), ("93", "Hậu Giang", "DBSCL", 0.40),
    ("94", "Sóc Trăng", "DBSCL", 0.35), ("95", "Bạc Liêu", "DBSCL", 0.36),
    ("96", "Cà Mau", "DBSCL", 0.38),
]

# main indicator: (mean at level 0.5, slope with the level, noise sd, step)
# step > 0 rounds the value to multiples of it (institutions are scored in
# tenths in the published tables).
INDICATORS = [
    ("awareness", 0.86, 0.20, 0.05, 0.0),
    ("institutions", 0.74, 0.30, 0.08, 0.1),
    ("infrastructure", 0.62, 0.35, 0.06, 0.0),
    ("human_resources", 0.55, 0.45, 0.09, 0.0),
    ("cybersecurity", 0.50, 0.40, 0.10, 0.0),
    ("smart_city", 0.18, 0.60, 0.08, 0.0),
    ("gov_activity", 0.68, 0.35, 0.06, 0.0),
    ("econ_activity", 0.55, 0.50, 0.07, 0.0),
    ("soc_activity", 0.30, 0.35, 0.07, 0.0),
]
WEIGHTS = {"awareness": 100, "institutions": 100, "infrastructure": 100,
           "human_resources": 100, "cybersecurity": 100, "smart_city": 0,
           "gov_activity": 200, "econ_activity": 150, "soc_activity": 150}


def q4(x, step=0.0):
    """Value in [0, 1] as an integer number of 1e-4 units."""
    x = clamp(x)
    if step:
        x = round(x / step) * step
    return int(round(x * 10000))


def pdti_units(row):
    """Overall value times 1e7 (an exact integer): sum of points x 1e-4 units."""
    return sum(WEIGHTS[k] * row[k] for k in WEIGHTS)


def make_pdti_demo():
    rnd = random.Random(20220720)
    years = {}
    for code, name, region, lvl in PROVINCES:
        r21 = {}
        r22 = {}
        for key, mean, slope, sd, step in INDICATORS:
            base = mean + slope * (lvl - 0.5)
            v21 = base + rnd.gauss(0, sd)
            # a year of progress, faster for some provinces than others
            growth = rnd.gauss(0.035, 0.03)
            v22 = v21 + growth + rnd.gauss(0, sd / 3)
            r21[key] = q4(v21, step)
            r22[key] = q4(v22, step)
        years.setdefault("2021", []).append((name, r21))
        years.setdefault("2022", []).append((name, r22))

    # One tie at 4 decimals in 2022 (competition ranking shares the rank):
    # the closest pair in the middle of the table is made equal by moving
    # the second province's awareness and economy values a little.
    rows = years["2022"]
    order = sorted(rows, key=lambda r: -pdti_units(r[1]))
    best = None
    for i in range(10, 40):
        a, b = order[i], order[i + 1]
        d = pdti_units(a[1]) - pdti_units(b[1])
        if best is None or d < best[0]:
            best = (d, a, b)
    d, a, b = best
    # every weight is a multiple of 50, so d is too: solve
    # 100*da + 150*de = d for small whole da, de.
    rb = b[1]
    k = d // 50  # 50 * k = 100 * da + 150 * de  ->  2 da + 3 de = k
    de = k % 2
    da = (k - 3 * de) // 2
    rb["awareness"] += da
    rb["econ_activity"] += de
    assert pdti_units(a[1]) == pdti_units(rb)
    assert all(0 <= v <= 10000 for v in rb.values())

    out = io.StringIO()
    out.write(header(["source: data/demo/generate.py (seed 20220720)",
                      "framework: pdti-2022"]))
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["year", "unit"] + [k for k, *_ in INDICATORS])
    for year in ("2021", "2022"):
        for name, r in years[year]:
            w.writerow([year, name] + ["%.4f" % (r[k] / 10000)
                                       for k, *_ in INDICATORS])
    write("pdti-2022-demo.csv", out.getvalue())
    return a[0], b[0]


# ---------------------------------------------------------------------------
# 2. example-units.csv, example-groups.csv: departments and communes of a
#    fictional province

DEPARTMENTS = [
    ("vp-ubnd", "S01", "Văn phòng UBND tỉnh", "Van phong UBND tinh",
     "Văn phòng Ủy ban nhân dân tỉnh;VP UBND tỉnh"),
    ("so-noi-vu", "S02", "Sở Nội vụ", "So Noi vu", "SNV"),
    ("so-tai-chinh", "S03", "Sở Tài chính", "So Tai chinh", "STC"),
    ("so-tu-phap", "S04", "Sở Tư pháp", "So Tu phap", "STP"),
    ("so-khcn", "S05", "Sở Khoa học và Công nghệ", "So Khoa hoc va Cong nghe",
     "Sở KH&CN;Sở KHCN"),
    ("so-xay-dung", "S06", "Sở Xây dựng", "So Xay dung", "SXD"),
    ("so-nnmt", "S07", "Sở Nông nghiệp và Môi trường",
     "So Nong nghiep va Moi truong", "Sở NN&MT;Sở NNMT"),
    ("so-cong-thuong", "S08", "Sở Công Thương", "So Cong Thuong", "SCT"),
    ("so-y-te", "S09", "Sở Y tế", "So Y te", "SYT"),
    ("so-gddt", "S10", "Sở Giáo dục và Đào tạo", "So Giao duc va Dao tao",
     "Sở GD&ĐT;Sở GDĐT"),
    ("so-vhttdl", "S11", "Sở Văn hóa, Thể thao và Du lịch",
     "So Van hoa, The thao va Du lich", "Sở VHTTDL"),
    ("thanh-tra", "S12", "Thanh tra tỉnh", "Thanh tra tinh", ""),
]

# fictional communes and wards: (id, code, kind, name, ascii name, population)
COMMUNES = [
    ("p-dong-thanh", "X01", "Phường", "Đông Thành", "Dong Thanh", 58200),
    ("p-bac-son", "X02", "Phường", "Bắc Sơn", "Bac Son", 46900),
    ("p-nam-giang", "X03", "Phường", "Nam Giang", "Nam Giang", 39400),
    ("p-tan-lap", "X04", "Phường", "Tân Lập", "Tan Lap", 33100),
    ("x-minh-hoa", "X05", "Xã", "Minh Hòa", "Minh Hoa", 24800),
    ("x-phu-loc", "X06", "Xã", "Phú Lộc", "Phu Loc", 21300),
    ("x-thanh-binh", "X07", "Xã", "Thanh Bình", "Thanh Binh", 18700),
    ("x-an-khanh", "X08", "Xã", "An Khánh", "An Khanh", 16500),
    ("x-hung-dao", "X09", "Xã", "Hưng Đạo", "Hung Dao", 15200),
    ("x-quang-phu", "X10", "Xã", "Quảng Phú", "Quang Phu", 12900),
    ("x-hoa-thuan", "X11", "Xã", "Hòa Thuận", "Hoa Thuan", 10400),
    ("x-tien-son", "X12", "Xã", "Tiên Sơn", "Tien Son", 8600),
]


def commune_name(kind, name):
    return "%s %s (mô phỏng)" % (kind, name)


def commune_ascii(kind, name_ascii):
    k = {"Phường": "Phuong", "Xã": "Xa"}[kind]
    return "%s %s (mo phong)" % (k, name_ascii)


def make_units():
    out = io.StringIO()
    out.write(header([
        "title: Đơn vị của một tỉnh mô phỏng (sở, ban, ngành; xã, phường) / "
        "Units of a fictional province (departments; communes and wards)"]))
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["id", "code", "name_vi", "name_ascii", "aliases", "group",
                "valid_from", "valid_to", "successors", "population"])
    for uid, code, name, ascii_, aliases in DEPARTMENTS:
        w.writerow([uid, code, name, ascii_, aliases, "so-nganh", "", "", "", ""])
    for uid, code, kind, name, ascii_, pop in COMMUNES:
        w.writerow([uid, code, commune_name(kind, name),
                    commune_ascii(kind, ascii_), "%s %s" % (kind, name),
                    "xa-phuong", "", "", "", pop])
    write("example-units.csv", out.getvalue())

    out = io.StringIO()
    out.write(header())
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["group", "name_vi", "name_en"])
    w.writerow(["so-nganh", "Sở, ban, ngành", "Departments and agencies"])
    w.writerow(["xa-phuong", "Xã, phường", "Communes and wards"])
    write("example-groups.csv", out.getvalue())


# ---------------------------------------------------------------------------
# 3. example-2025.csv (wide) and example-2025-long.csv: raw figures for every
#    leaf of frameworks/example-province-internal.csv

LEAVES = [
    "aw_plan", "aw_leadership.steering", "aw_leadership.meetings",
    "aw_leadership.targets", "aw_understanding", "aw_news",
    "in_rules", "in_budget", "in_plan_done",
    "if_computers", "if_network", "if_bandwidth", "if_platforms", "if_paper",
    "hr_it_staff", "hr_trained", "hr_courses", "hr_confidence",
    "cs_level_approved", "cs_incidents", "cs_drill", "cs_patch_days",
    "ga_online_apps", "ga_processing_days", "ga_late", "ga_reports",
    "ga_satisfaction",
]
STATISTICS = ["st_online_services", "st_smartphone", "st_tech_team"]


def yes(rnd, p):
    return "có" if rnd.random() < p else "không"


def fmt(x, nd):
    s = "%.*f" % (nd, x)
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def unit_figures(rnd, m, commune, pop):
    """Raw figures of one unit of maturity m in [0, 1]."""
    g = rnd.gauss
    f = {}
    f["aw_plan"] = yes(rnd, 0.55 + 0.45 * m)
    f["aw_leadership.steering"] = yes(rnd, 0.5 + 0.5 * m)
    f["aw_leadership.meetings"] = str(max(0, int(round(g(1 + 4 * m, 1)))))
    f["aw_leadership.targets"] = yes(rnd, 0.2 + 0.7 * m)
    f["aw_understanding"] = fmt(clamp(g(2.6 + 2.0 * m, 0.25), 1, 5), 2)
    f["aw_news"] = str(max(0, int(round(g(6 + 26 * m, 4)))))
    f["in_rules"] = yes(rnd, 0.35 + 0.6 * m)
    f["in_budget"] = fmt(clamp(g(0.4 + 1.8 * m, 0.3), 0.05, 4), 2)
    f["in_plan_done"] = fmt(clamp(round(g(25 + 35 * m, 5) * 2) / 2, 0, 60), 1)
    f["if_computers"] = fmt(clamp(g(0.7 + 0.3 * m, 0.05), 0.3, 1), 2)
    f["if_network"] = yes(rnd, 0.6 + 0.4 * m)
    bw = [20, 30, 50, 80, 100, 150, 200, 300, 500, 1000]
    f["if_bandwidth"] = str(bw[int(clamp(g(1 + 8 * m, 1.2), 0, 9))])
    f["if_platforms"] = fmt(clamp(round(g(15 + 25 * m, 4) * 2) / 2, 0, 40), 1)
    f["if_paper"] = fmt(clamp(g(38 - 34 * m, 4), 1, 60), 1)
    f["hr_it_staff"] = yes(rnd, 0.5 + 0.5 * m)
    f["hr_trained"] = fmt(clamp(g(30 + 65 * m, 8), 0, 100), 1)
    f["hr_courses"] = str(max(0, int(round(g(1 + 6 * m, 1.2)))))
    f["hr_confidence"] = fmt(clamp(g(2.5 + 2.0 * m, 0.25), 1, 5), 2)
    f["cs_level_approved"] = fmt(clamp(g(0.2 + 0.8 * m, 0.12)), 2)
    f["cs_incidents"] = str(max(0, int(round(g(4 - 4 * m, 1)))))
    f["cs_drill"] = yes(rnd, 0.3 + 0.65 * m)
    f["cs_patch_days"] = fmt(clamp(g(34 - 30 * m, 4), 1, 60), 1)
    f["ga_online_apps"] = fmt(clamp(g(25 + 70 * m, 8), 0, 100), 1)
    f["ga_processing_days"] = fmt(clamp(g(11 - 9 * m, 1), 0.5, 20), 1)
    f["ga_late"] = fmt(clamp(g(12 - 11 * m, 2), 0, 30), 1)
    f["ga_reports"] = fmt(clamp(g(45 + 55 * m, 8), 0, 100), 1)
    f["ga_satisfaction"] = fmt(clamp(g(3.0 + 1.6 * m, 0.2), 1, 5), 2)
    if commune:
        f["st_online_services"] = str(int(round(g(180 + 250 * m, 30))))
        f["st_smartphone"] = fmt(clamp(g(68 + 25 * m, 4), 0, 100), 1)
        f["st_tech_team"] = str(int(round(pop / 1000 * g(4 + 3 * m, 0.8))))
    else:
        f["st_online_services"] = str(int(round(g(40 + 120 * m, 20))))
        f["st_smartphone"] = ""
        f["st_tech_team"] = ""
    return f


# figures left empty on purpose (not yet entered or not yet reviewed)
MISSING = {
    ("so-tu-phap", "in_plan_done"),
    ("thanh-tra", "ga_satisfaction"),
    ("x-hoa-thuan", "aw_understanding"),
    ("x-tien-son", "in_plan_done"),
    ("x-tien-son", "if_platforms"),
    ("p-tan-lap", "cs_patch_days"),
}

LONG_UNITS = ["so-tai-chinh", "x-minh-hoa"]

# notes of the long file for figures that are "no"
NO_NOTES = {
    "aw_leadership.targets": "Chưa giao chỉ tiêu cho từng phòng, bộ phận",
    "cs_drill": "Không tham gia do trùng lịch tiếp công dân",
    "hr_it_staff": "Chưa bố trí được công chức kiêm nhiệm",
}


def meeting_evidence(uid, n):
    """Conclusion notices of n meetings chaired by the head (synthetic)."""
    issuer = "STC" if uid.startswith("so-") else "UBND"
    months = ["03", "06", "09", "11", "12", "02"]
    docs = ["Thông báo kết luận %d/TB-%s ngày %02d/%s/2025"
            % (40 + 37 * i, issuer, 10 + 3 * i, months[i]) for i in range(n)]
    return "; ".join(docs), "%d cuộc họp chuyên đề" % n


def make_example():
    rnd = random.Random(20250705)
    units = []
    for uid, code, name, ascii_, aliases in DEPARTMENTS:
        units.append((uid, name, False, 0))
    for uid, code, kind, name, ascii_, pop in COMMUNES:
        units.append((uid, commune_name(kind, name), True, pop))
    figures = {}
    out = io.StringIO()
    out.write(header(["source: data/demo/generate.py (seed 20250705)",
                      "framework: example-province-internal"]))
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["year", "unit"] + LEAVES + STATISTICS)
    for uid, name, commune, pop in units:
        m = clamp(rnd.betavariate(4, 2.5) - (0.12 if commune and pop < 16000
                                             else 0))
        f = unit_figures(rnd, m, commune, pop)
        for key in LEAVES:
            if (uid, key) in MISSING:
                f[key] = ""
        figures[uid] = f
        w.writerow(["2025", name] + [f[k] for k in LEAVES + STATISTICS])
    write("example-2025.csv", out.getvalue())

    # long format for two units, with evidence documents
    ev_dept = {
        "aw_plan": ("Kế hoạch 18/KH-STC ngày 15/01/2025", ""),
        "aw_leadership.steering": ("Quyết định 25/QĐ-STC ngày 20/01/2025", ""),
        "aw_leadership.targets": ("Quyết định 123/QĐ-STC ngày 05/03/2025", ""),
        "aw_understanding": ("", "Khảo sát trực tuyến tháng 10/2025, 86 phiếu"),
        "aw_news": ("", "Thống kê chuyên mục chuyển đổi số trên trang thông tin "
                        "điện tử của Sở"),
        "in_rules": ("Quyết định 57/QĐ-STC ngày 10/02/2025", ""),
        "in_budget": ("Báo cáo 212/BC-STC ngày 30/09/2025", ""),
        "in_plan_done": ("Biên bản thẩm định ngày 05/11/2025",
                         "Hội đồng thẩm định chấm"),
        "if_computers": ("Báo cáo 212/BC-STC ngày 30/09/2025", ""),
        "if_network": ("Biên bản nghiệm thu kết nối ngày 14/04/2025", ""),
        "if_bandwidth": ("Hợp đồng 09/2025/HĐ-DV ngày 02/01/2025", ""),
        "if_platforms": ("", "Tự chấm theo hướng dẫn"),
        "if_paper": ("", "Số liệu từ hệ thống quản lý văn bản"),
        "hr_it_staff": ("Quyết định 88/QĐ-STC ngày 01/03/2025", ""),
        "hr_trained": ("Báo cáo 230/BC-STC ngày 15/10/2025", ""),
        "hr_courses": ("Báo cáo 230/BC-STC ngày 15/10/2025", ""),
        "hr_confidence": ("", "Khảo sát trực tuyến tháng 10/2025, 86 phiếu"),
        "cs_level_approved": ("Quyết định 140/QĐ-STC ngày 22/05/2025", ""),
        "cs_incidents": ("Báo cáo 245/BC-STC ngày 31/10/2025", ""),
        "cs_drill": ("Giấy chứng nhận tham gia diễn tập ngày 26/08/2025", ""),
        "cs_patch_days": ("Báo cáo 245/BC-STC ngày 31/10/2025", ""),
        "ga_online_apps": ("", "Số liệu từ Hệ thống thông tin giải quyết thủ tục "
                               "hành chính của tỉnh"),
        "ga_processing_days": ("", "Số liệu từ Hệ thống thông tin giải quyết thủ "
                                   "tục hành chính của tỉnh"),
        "ga_late": ("", "Số liệu từ Hệ thống thông tin giải quyết thủ tục hành "
                        "chính của tỉnh"),
        "ga_reports": ("", "Số liệu từ Hệ thống thông tin báo cáo của tỉnh"),
        "ga_satisfaction": ("", "Khảo sát người dân, doanh nghiệp, 214 phiếu"),
        "st_online_services": ("", "Thông tin chung, không tính điểm"),
    }
    ev_commune = {
        "aw_plan": ("Kế hoạch 07/KH-UBND ngày 20/01/2025", ""),
        "aw_leadership.steering": ("Quyết định 123/QĐ-UBND ngày 05/03/2025", ""),
        "aw_leadership.targets": ("Quyết định 138/QĐ-UBND ngày 20/03/2025", ""),
        "aw_news": ("", "Thống kê trang thông tin điện tử của xã"),
        "in_rules": ("Quyết định 131/QĐ-UBND ngày 12/03/2025", ""),
        "in_budget": ("Báo cáo 96/BC-UBND ngày 02/10/2025", ""),
        "in_plan_done": ("Biên bản thẩm định ngày 06/11/2025",
                         "Hội đồng thẩm định chấm"),
        "if_network": ("Biên bản nghiệm thu kết nối ngày 21/07/2025", ""),
        "if_bandwidth": ("Hợp đồng 03/2025/HĐ-DV ngày 01/07/2025", ""),
        "if_paper": ("", "Số liệu từ hệ thống quản lý văn bản"),
        "hr_it_staff": ("Quyết định 15/QĐ-UBND ngày 03/07/2025",
                        "Công chức kiêm nhiệm"),
        "hr_trained": ("Báo cáo 96/BC-UBND ngày 02/10/2025", ""),
        "cs_incidents": ("Báo cáo 101/BC-UBND ngày 20/10/2025", ""),
        "cs_drill": ("Giấy chứng nhận tham gia diễn tập ngày 26/08/2025", ""),
        "ga_online_apps": ("", "Số liệu từ Hệ thống thông tin giải quyết thủ tục "
                               "hành chính của tỉnh"),
        "ga_satisfaction": ("", "Khảo sát người dân, 158 phiếu"),
        "st_online_services": ("", "Thông tin chung, không tính điểm"),
        "st_smartphone": ("", "Số liệu của doanh nghiệp viễn thông trên địa bàn"),
        "st_tech_team": ("Quyết định 142/QĐ-UBND ngày 15/08/2025",
                         "Tổ công nghệ số cộng đồng của các thôn, tổ dân phố"),
    }
    out = io.StringIO()
    out.write(header(["source: data/demo/generate.py (seed 20250705)",
                      "framework: example-province-internal", "cycle: 2025"]))
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["unit", "indicator", "value", "evidence", "note"])
    names = {uid: name for uid, name, _, _ in units}
    for uid, ev in ((LONG_UNITS[0], ev_dept), (LONG_UNITS[1], ev_commune)):
        f = figures[uid]
        for key in LEAVES + STATISTICS:
            v = f[key]
            if v == "":
                continue
            # the same figures as the wide file, typed as people type them
            if v in ("có", "không") and uid == LONG_UNITS[1]:
                v = {"có": "Có", "không": "Không"}[v]
            if key == "hr_trained" and uid == LONG_UNITS[0]:
                v = v.replace(".", ",") + "%"
            evidence, note = ev.get(key, ("", ""))
            if v.lower() == "không":
                # no document backs a "no"
                evidence, note = "", NO_NOTES.get(key, "Chưa thực hiện")
            if key == "aw_leadership.meetings" and int(v) > 0:
                evidence, note = meeting_evidence(uid, int(v))
            w.writerow([names[uid] if uid == LONG_UNITS[1] else uid, key, v,
                        evidence, note])
    write("example-2025-long.csv", out.getvalue())


if __name__ == "__main__":
    tie = make_pdti_demo()
    make_units()
    make_example()
    print("tie in 2022: %s = %s" % tie)
