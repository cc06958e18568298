#!/usr/bin/env python3
"""Check that every internal link of a built site resolves: each `href`/`src` to a file of the site exists, and each
`#anchor` names an element `id` (or `<a name>`) of its target page. External links (`http:`, `https:`, `mailto:`,
`data:`, ...) are not fetched. tools/build_docs.py runs this on every build; it can also be run on its own.

Usage: python tools/check_links.py [SITE_DIR (default _docs)] [--self-test]
  --self-test  first builds a small site in a temp folder with planted broken links and checks that each is reported
               (and that the good links are not), so a checker that silently passes everything fails CI.
Exit code 1 (each problem printed as `page: broken link 'href' (why)`) when a link does not resolve.
"""
from __future__ import annotations
import argparse, sys, tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from html.parser import HTMLParser

_LINK_ATTRS = {"a": "href", "area": "href", "link": "href", "img": "src", "script": "src", "source": "src",
               "video": "src", "iframe": "src"}

class _Scan(HTMLParser):
    "One pass over a page: its element ids (and `<a name>`), and its links as (tag, attribute, value)."
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.links = set(), []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"): self.ids.add(a["id"])
        if tag == "a" and a.get("name"): self.ids.add(a["name"])
        attr = _LINK_ATTRS.get(tag)
        if attr and attr in a: self.links.append((tag, attr, a[attr] or ""))
    handle_startendtag = handle_starttag

def scan(text: str) -> _Scan:
    p = _Scan(); p.feed(text); p.close(); return p

def check_site(site: Path) -> list[str]:
    "-> one message per broken internal link or anchor in the .html files under `site` (empty: all resolve)."
    site = Path(site).resolve()
    scans = {p: scan(p.read_text(encoding="utf-8")) for p in sorted(site.rglob("*.html"))}
    problems = []
    for page, sc in scans.items():
        name = page.relative_to(site).as_posix()
        for tag, attr, href in sc.links:
            href = href.strip()
            if not href: problems.append(f"{name}: empty {attr} on <{tag}>"); continue
            u = urlsplit(href)
            if u.scheme or u.netloc: continue                  # external (http, https, mailto, data, javascript...)
            if u.path.startswith("/"):
                problems.append(f"{name}: broken link {href!r} (absolute path: breaks off the site root)"); continue
            target = (page.parent / unquote(u.path)).resolve() if u.path else page
            if target.is_dir(): target = target / "index.html"
            try: target.relative_to(site)
            except ValueError: problems.append(f"{name}: broken link {href!r} (points outside the site)"); continue
            if not target.exists():
                problems.append(f"{name}: broken link {href!r} (no file {target.relative_to(site).as_posix()})"); continue
            if u.fragment and tag in ("a", "area") and target.suffix == ".html":
                frag = unquote(u.fragment)
                if frag not in scans[target].ids:
                    problems.append(f"{name}: broken link {href!r} (no id {frag!r} in {target.relative_to(site).as_posix()})")
    return problems

def self_test() -> None:
    "Plant broken links in a small site and check that exactly those are reported."
    with tempfile.TemporaryDirectory() as d:
        d = Path(d); (d / "sub").mkdir()
        (d / "a.html").write_text('<h2 id="intro">x</h2><a name="old"></a><img src="fig.png">'
                                  '<a href="#intro">ok</a><a href="#old">ok</a><a href="b.html#api">ok</a><a href="sub/">ok</a>'
                                  '<a href="https://example.org/x#y">external</a><a href="mailto:a@b.c">mail</a>'
                                  '<a href="#nope">PLANT1</a><a href="missing.html">PLANT2</a><a href="b.html#gone">PLANT3</a>'
                                  '<img src="nofig.png"><a href="/abs.html">PLANT5</a><a href="../out.html">PLANT6</a>')
        (d / "b.html").write_text('<div id="api"></div><a href="a.html#intro">ok</a><a href="a.html?q=1#intro">ok</a>')
        (d / "sub" / "index.html").write_text('<a href="../a.html#old">ok</a><a href="../a.html#Intro">PLANT7</a>')
        (d / "fig.png").write_bytes(b"")
        got = check_site(d)
        want = ["a.html: broken link '#nope' (no id 'nope' in a.html)",
                "a.html: broken link 'missing.html' (no file missing.html)",
                "a.html: broken link 'b.html#gone' (no id 'gone' in b.html)",
                "a.html: broken link '/abs.html' (absolute path: breaks off the site root)",
                "a.html: broken link '../out.html' (points outside the site)",
                "a.html: broken link 'nofig.png' (no file nofig.png)",
                "sub/index.html: broken link '../a.html#Intro' (no id 'Intro' in a.html)"]
        assert sorted(got) == sorted(want), f"check_links self-test: expected\n  " + "\n  ".join(sorted(want)) + \
            "\ngot\n  " + "\n  ".join(sorted(got))
    print(f"check_links self-test: the {len(want)} planted broken links are reported, the 10 good ones are not")

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("site", nargs="?", default="_docs")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args(argv)
    if a.self_test: self_test()
    site = Path(a.site)
    if not site.is_dir(): print(f"check_links: no folder {site}", file=sys.stderr); return 1
    problems = check_site(site)
    for p in problems: print("LINK ERROR:", p, file=sys.stderr)
    n = len(list(site.rglob("*.html")))
    if problems: print(f"check_links: {len(problems)} broken internal link(s) in {site}/", file=sys.stderr); return 1
    print(f"check_links: every internal link and anchor of the {n} pages in {site}/ resolves")
    return 0

if __name__ == "__main__":
    sys.exit(main())
