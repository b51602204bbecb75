"""tests/cli/data/svgread.py - a chart of dti read back, for the CLI cases.

The cases import it (sys.path.insert(0, "tests/cli/data")) and check what
a chart shows against numbers they take elsewhere: dti's CSV or JSON, or
COINr's fixtures in tests/data/coinr-asem.  load() parses the file with
Python's own XML parser (so the document is well-formed XML) and checks
what every chart must be: an <svg> root of SVG 1.1 with role="img", its
<title> and <desc> first and named by aria-labelledby, every id once,
nothing that runs, styles or loads.
"""

import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def load(path):
    root = ET.parse(path).getroot()
    assert root.tag == SVG + "svg", root.tag
    assert root.get("version") == "1.1"
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 %s %s" % (root.get("width"),
                                                 root.get("height"))
    first = list(root)[:2]
    assert [e.tag for e in first] == [SVG + "title", SVG + "desc"], first
    assert root.get("aria-labelledby") == "%s %s" % (first[0].get("id"),
                                                     first[1].get("id"))
    seen = set()
    for e in root.iter():
        tag = e.tag[len(SVG):]
        assert tag not in ("script", "style", "foreignObject", "image", "a"), tag
        for k, v in e.attrib.items():
            assert not k.startswith("on") and k != "style", k
            assert "href" not in k, k
            assert "url(" not in v or "url(#" in v, v
        i = e.get("id")
        if i is not None:
            assert i not in seen, i
            seen.add(i)
    return root


def title(root):
    return root.find(SVG + "title").text


def desc(root):
    return root.find(SVG + "desc").text or ""


def by_id(root, ident):
    for e in root.iter():
        if e.get("id") == ident:
            return e
    raise AssertionError("no element " + ident)


def with_prefix(root, prefix):
    """Elements whose id starts with prefix, in document order."""
    return [e for e in root.iter() if (e.get("id") or "").startswith(prefix)]


def tip(el):
    """The <title> of an element (its tooltip)."""
    t = el.find(SVG + "title")
    return t.text if t is not None else None


def texts(root):
    return [e.text for e in root.iter(SVG + "text") if e.text is not None]


def text_x(root, label):
    """The x of the first <text> that reads label (a tick)."""
    for e in root.iter(SVG + "text"):
        if e.text == label:
            return float(e.get("x"))
    raise AssertionError("no text " + repr(label))


def number(text):
    """A value as a chart writes it: decimal comma or point."""
    return float(text.replace(",", "."))
