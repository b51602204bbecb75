#!/usr/bin/env python3
"""Checks the layering of libdti from its compiled objects.

Usage: check-layers.py NM SRCDIR LIB.a [LIB.a ...]   (lowest layer first)

Reads the symbols each object file of the layers' static libraries defines
and uses (nm), and fails when
  - a module calls a module of a layer above its own (the linker refuses
    this too, in the per-layer link checks; this names the call);
  - the modules call each other in a cycle, inside a layer or across;
  - a source file includes the private header of another layer
    (engine/model.h, store/store_internal.h, store/db/db_impl.h) or the
    header of a layer above its own.
Prints the module graph, one line per module, on success.
"""
import os
import re
import subprocess
import sys


def objects(nm, lib):
    out = subprocess.run([nm, "-A", lib], capture_output=True, text=True,
                         check=True).stdout
    defs, uses = {}, {}
    for line in out.splitlines():
        # libdti_base.a:error.c.o:                 U memcpy
        m = re.match(r"^[^:]+:([^:]+\.o):\s*(?:[0-9a-f]+\s+)?(\w)\s+(\S+)$",
                     line)
        if not m:
            continue
        obj, kind, sym = m.groups()
        mod = os.path.basename(obj).rsplit(".", 2)[0]
        uses.setdefault(mod, set())
        if kind == "U":
            uses[mod].add(sym)
        elif kind in "TDBR":
            defs[sym] = mod
    return defs, uses


def main():
    nm, srcdir, libs = sys.argv[1], sys.argv[2], sys.argv[3:]
    layer_of, defs, uses = {}, {}, {}
    layer_names = []
    for rank, lib in enumerate(libs):
        name = os.path.basename(lib)[len("libdti_"):-len(".a")]
        layer_names.append(name)
        d, u = objects(nm, lib)
        for sym, mod in d.items():
            defs[sym] = (name, mod)
        for mod, syms in u.items():
            uses[(name, mod)] = syms
            layer_of[(name, mod)] = rank
    bad = []
    graph = {m: set() for m in uses}
    for m, syms in uses.items():
        for sym in syms:
            if sym not in defs or defs[sym] == m:
                continue
            t = defs[sym]
            graph[m].add(t)
            if layer_of[t] > layer_of[m]:
                bad.append("%s/%s calls %s of %s/%s, a layer above" %
                           (m[0], m[1], sym, t[0], t[1]))
    # cycles: depth-first search with colours
    colour, stack = {}, []

    def visit(m):
        colour[m] = 1
        stack.append(m)
        for t in sorted(graph[m]):
            if colour.get(t) == 1:
                cyc = stack[stack.index(t):] + [t]
                bad.append("cycle: " + " -> ".join("%s/%s" % c for c in cyc))
            elif t not in colour:
                visit(t)
        stack.pop()
        colour[m] = 2

    for m in sorted(graph):
        if m not in colour:
            visit(m)
    # headers
    dirs = {"base": "lib/base", "engine": "lib/engine", "db": "lib/store/db",
            "store": "lib/store"}
    allowed = {
        "base": {"base/base.h"},
        "engine": {"base/base.h", "engine/model.h", "engine/sobol.h"},
        "db": {"base/base.h", "store/db/db.h", "store/db/db_impl.h"},
        "store": {"base/base.h", "store/db/db.h", "store/store_internal.h"},
    }
    for layer, d in dirs.items():
        full = os.path.join(srcdir, d)
        for f in sorted(os.listdir(full)):
            if not f.endswith((".c", ".h")):
                continue
            for n, line in enumerate(open(os.path.join(full, f),
                                          encoding="utf-8"), 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m or m.group(1).startswith("dti/"):
                    continue
                if m.group(1) not in allowed[layer]:
                    bad.append("%s/%s:%d includes %s, outside its layer" %
                               (d, f, n, m.group(1)))
    if bad:
        for b in bad:
            print("layers: " + b)
        print("layers: %d problem(s)" % len(bad))
        return 1
    for m in sorted(graph, key=lambda m: (layer_of[m], m[1])):
        print("%s/%s -> %s" % (m[0], m[1], ", ".join(
            "%s/%s" % t for t in sorted(graph[m])) or "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
