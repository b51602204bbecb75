#!/usr/bin/env python3
# tests/cli/data/rewrite-history.py - a "perfect" rewrite of an SQLite
# store's audit log, as someone with write access to the database could do
# it: event SEQ gets another time, and every later hash, the links, the
# hashes quoted in later events (a publication quotes the head it
# sealed), the snapshots' recorded heads and audit_head are recomputed, so
# that the chain verifies again.  Only a checkpoint kept outside the store
# can tell.
#
#   python3 tests/cli/data/rewrite-history.py STORE.db SEQ
import hashlib
import sqlite3
import sys


def field(h, v):
    if v is None:
        h.update(b"-1:")
        return
    b = v.encode("utf-8")
    h.update(str(len(b)).encode() + b":" + b)


def event_hash(seq, row, prev):
    h = hashlib.sha256()
    field(h, "dti-audit-1")
    field(h, str(seq))
    for v in row:
        field(h, v)
    field(h, prev)
    return h.hexdigest()


db = sqlite3.connect(sys.argv[1])
start = int(sys.argv[2])
rows = db.execute(
    "SELECT seq, at, actor, action, cycle, unit, object, before_json, "
    "after_json, prev, hash FROM audit ORDER BY seq").fetchall()
renamed = {}
prev = ""
for r in rows:
    seq, fields, old = r[0], list(r[1:9]), r[10]
    if seq == start:
        fields[0] = "2000-01-01T00:00:00Z"
    for i in (6, 7):
        for a, b in renamed.items():
            if fields[i] is not None:
                fields[i] = fields[i].replace(a, b)
    new = event_hash(seq, fields, prev)
    if new != old:
        renamed[old] = new
    db.execute(
        "UPDATE audit SET at = ?, before_json = ?, after_json = ?, "
        "prev = ?, hash = ? WHERE seq = ?",
        (fields[0], fields[6], fields[7], prev, new, seq))
    prev = new
for a, b in renamed.items():
    db.execute("UPDATE snapshots SET audit_hash = ? WHERE audit_hash = ?",
               (b, a))
db.execute("UPDATE audit_head SET hash = ? WHERE id = 1", (prev,))
db.commit()
