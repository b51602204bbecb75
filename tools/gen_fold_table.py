#!/usr/bin/env python3
"""Prints the accent-folding tables of lib/base/text.c.

For every code point of the Latin ranges that Vietnamese names use, the
table holds the lower-case ASCII letter the character is built on, found by
canonical (then compatibility) decomposition.  Letters with no ASCII base
get a hand-written spelling below; '*' in a table means "see the exceptions
in fold_multi()", ' ' means "not a letter: a separator".

    python3 tools/gen_fold_table.py > /tmp/fold.c

and paste the arrays into lib/base/text.c.
"""
import unicodedata

# Letters that do not decompose to an ASCII base.
SINGLE = {
    0x00D0: "d", 0x00F0: "d",  # Eth
    0x00D8: "o", 0x00F8: "o",  # O with stroke
    0x0110: "d", 0x0111: "d",  # D with stroke: Vietnamese Đ đ
    0x0126: "h", 0x0127: "h",
    0x0131: "i",               # dotless i
    0x0138: "k",               # kra
    0x013F: "l", 0x0140: "l",  # L with middle dot
    0x0141: "l", 0x0142: "l",
    0x0149: "n",
    0x014A: "n", 0x014B: "n",  # eng
    0x0166: "t", 0x0167: "t",
    0x017F: "s",               # long s
}
MULTI = {0x00C6, 0x00E6, 0x00DE, 0x00FE, 0x00DF, 0x0132, 0x0133,
         0x0152, 0x0153}


def base(cp):
    if cp in SINGLE:
        return SINGLE[cp]
    if cp in MULTI:
        return "*"
    for form in ("NFD", "NFKD"):
        d = unicodedata.normalize(form, chr(cp))
        if d and d[0].isascii() and d[0].isalpha():
            return d[0].lower()
    return " "


def table(name, lo, hi):
    s = "".join(base(cp) for cp in range(lo, hi + 1))
    print("/* U+%04X..U+%04X */" % (lo, hi))
    print("static const char %s[%d] =" % (name, hi - lo + 2))
    rows = [s[i:i + 32] for i in range(0, len(s), 32)]
    for k, row in enumerate(rows):
        print('\t"%s"%s' % (row, ";" if k == len(rows) - 1 else ""))


table("fold_00c0", 0x00C0, 0x01B0)
table("fold_1ea0", 0x1EA0, 0x1EF9)
