"""Stored cross-site scripting: a real PubMed file with markup in its text, and what of a page would run.

The markup goes where PubMed puts text (the title, the abstract, a reference, a keyword, an author's name, the
journal), escaped as XML escapes it, so the reader reads it as the text of the article, the way a hostile or careless
record would bring it.
"""

import io
from html.parser import HTMLParser
from pathlib import Path

from lxml import etree

REAL_FILE = Path(__file__).resolve().parent / "data" / "pubmed" / "metapub" / "25364329.xml"
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
LINK = '<a href="javascript:alert(1)">free full text</a>'
HOSTILE_TITLE = f"{SCRIPT} L4 and L5 spondylectomy {IMAGE}"
# Words a search finds, so that the list shows a highlighted passage of the abstract with the markup in it.
HOSTILE_ABSTRACT = f"A 58-year-old woman {SCRIPT} underwent a spondylectomy {IMAGE} {LINK} of L4 and L5."
HOSTILE_REFERENCE = (
    f"Turcotte R E. Giant cell tumor {SCRIPT}{IMAGE} javascript:alert(1). Orthop Clin North Am. 2006;37:35."
)


def hostile_pubmed_file() -> bytes:
    """metapub's 25364329.xml with markup in the title, the abstract, the first references, a keyword, the first
    author's last name and the journal's title."""
    tree = etree.parse(REAL_FILE, etree.XMLParser(resolve_entities=False, no_network=True))
    texts = {
        ".//ArticleTitle": HOSTILE_TITLE,
        ".//AbstractText": HOSTILE_ABSTRACT,
        ".//Reference/Citation": HOSTILE_REFERENCE,
        ".//Keyword": f"{IMAGE} giant cell tumor",
        ".//Author/LastName": f"Santiago{SCRIPT}",
        ".//Journal/Title": f"Evidence-based spine-care journal {SCRIPT}",
    }
    for path, text in texts.items():
        tree.find(path).text = text
    out = io.BytesIO()
    tree.write(out, xml_declaration=True, encoding="UTF-8")
    return out.getvalue()


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = (value or "").strip()
            # What the file put there calls alert(); the page's own attributes (the admin's) are not looked at.
            if "alert" not in value:
                continue
            if name.startswith("on") or value.lower().startswith(("javascript:", "data:", "vbscript:")):
                self.live.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.live.append("<img src=x>")
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert" in data:
            self.live.append(f"<script>{data}</script>")


def live_markup(html: str) -> list[str]:
    """The elements and attributes of the page that a browser would run: script that calls alert, event handler
    attributes, javascript: addresses, the hostile image. [] for a page that shows the markup only as text."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.live
