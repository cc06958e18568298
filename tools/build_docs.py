#!/usr/bin/env python3
"""Build the documentation site into `_docs/` without Quarto (which `nbdev_docs` needs and our machines lack).

1. nbdev's own processing (`nbdev.serve.proc_nbs`, what `nbdev_proc_nbs` runs) writes `_proc/`: the notebooks as the
   site shows them, with a `show_doc` cell after every exported definition and only the export, import and
   `show_doc` cells executed, so the API sections are rendered markdown. Nothing else is executed.
   (We call the API rather than the `nbdev_proc_nbs` command: without Quarto that command first tries to install
   Quarto and then runs `pip install -e .[dev]`.)
2. Every processed notebook becomes one HTML page, rendered with nbconvert's markdown renderer (mistune) and
   Pygments, with the navigation of `nbs/sidebar.yml` (titles from the notebooks' front matter), an "on this page"
   table of contents, `nbs/styles.css`, and the page names Quarto uses (`output-file`: `00_core.ipynb` -> `core.html`,
   `index.ipynb` -> `index.html`). LaTeX becomes MathML when `latex2mathml` is installed (no JavaScript, works
   offline); otherwise the page loads MathJax.
3. Checks: every notebook has its page, every sidebar entry exists, every module notebook shows at least one API
   section. The exit code is 1 when a notebook fails to process or a page fails to render or check.

Usage: python tools/build_docs.py [--force] [--workers N] [--no-proc] [--allow-missing-sidebar]
"""
from __future__ import annotations
import argparse, html, os, re, shutil, sys, tempfile, time, traceback
from pathlib import Path

import yaml
import nbformat
from bs4 import BeautifulSoup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer, get_lexer_by_name
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

try:
    from latex2mathml.converter import convert as _latex2mathml
except ImportError:  # the page falls back to MathJax
    _latex2mathml = None

ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".mp4", ".webm", ".pdf", ".css", ".js"}
MATHJAX = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"
_ANSI = re.compile(r"\x1B(?:[@-Z\\-_]|\[[0-?]*[ -/]*[@-~])")
_DIRECTIVE = re.compile(r"^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$")


# ---------------------------------------------------------------- markdown
class PageRenderer(IPythonRenderer):
    "nbconvert's markdown renderer, with LaTeX turned into MathML (or left for MathJax) and no pilcrow anchors."
    def __init__(self):
        super().__init__(escape=False, exclude_anchor_links=True)
        self.math_fallbacks = []   # TeX that latex2mathml could not convert (rendered by MathJax instead)

    def _math(self, tex: str, display: bool) -> str:
        if _latex2mathml is not None:
            try: return _latex2mathml(tex.strip(), display="block" if display else "inline")
            except Exception as e: self.math_fallbacks.append(f"{tex.strip()[:60]!r}: {type(e).__name__}")
        else: self.math_fallbacks.append(tex.strip()[:60])
        t = html.escape(tex)
        return f'<span class="math display">\\[{t}\\]</span>' if display else f'<span class="math inline">\\({t}\\)</span>'

    def block_math(self, body: str) -> str: return self._math(body, True)
    def inline_math(self, body: str) -> str: return self._math(body, False)
    def latex_environment(self, name: str, body: str) -> str:
        return self._math(f"\\begin{{{name}}}{body}\\end{{{name}}}", True)
    def block_code(self, code: str, info: str | None = None) -> str:
        lang = (info or "").strip().split(" ")[0] or None
        try: lexer = get_lexer_by_name(lang) if lang else None
        except Exception: lexer = None
        if lexer is None: return f'<div class="sourceCode"><pre><code>{html.escape(code)}</code></pre></div>\n'
        return f'<div class="sourceCode">{highlight(code, lexer, HtmlFormatter(cssclass="highlight"))}</div>\n'


_QLINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)\{([^}\n]*)\}")   # Quarto link attributes: [t](url){target=...}
_FENCE_OPEN = re.compile(r"^:::+\s*\{([^}]*)\}\s*$", re.M)
_FENCE_CLOSE = re.compile(r"^:::+\s*$", re.M)

def quarto_to_commonmark(md: str) -> str:
    "The bits of Quarto markdown that nbdev emits: link attributes and fenced divs, as plain HTML."
    md = _QLINK.sub(lambda m: f'<a href="{m[2]}" {m[3]}>{m[1]}</a>', md)
    def div(m):
        classes = " ".join(t[1:] for t in m[1].split() if t.startswith("."))
        return f'<div class="{html.escape(classes)}">\n'
    md = _FENCE_OPEN.sub(div, md)
    return _FENCE_CLOSE.sub("\n</div>\n", md)

def render_markdown(md: str, renderer: PageRenderer) -> str:
    return MarkdownWithMath(renderer=renderer).render(quarto_to_commonmark(md))


# ---------------------------------------------------------------- cells
def directives(src: str) -> tuple[dict, str]:
    "Leading `#| key: value` lines of a code cell -> ({key: value}, source without them)."
    d, lines = {}, src.splitlines()
    body = []
    for i, line in enumerate(lines):
        m = _DIRECTIVE.match(line)
        if m and not body: d[m[1]] = m[2] or True
        else: body.append(line)
    return d, "\n".join(body).strip("\n")

def _false(v) -> bool: return str(v).strip().lower() in ("false", "no", "0")

def render_output(o, renderer: PageRenderer, asis: bool) -> str:
    kind = o.get("output_type")
    if kind == "stream":
        text = _ANSI.sub("", "".join(o.get("text", "")))
        if asis: return f'<div class="cell-output cell-output-markdown">{render_markdown(text, renderer)}</div>'
        return f'<div class="cell-output cell-output-{o.get("name", "stdout")}"><pre><code>{html.escape(text)}</code></pre></div>'
    if kind == "error":
        tb = _ANSI.sub("", "\n".join(o.get("traceback", [])))
        return f'<div class="cell-output cell-output-error"><pre><code>{html.escape(tb)}</code></pre></div>'
    data = o.get("data", {})
    if "text/markdown" in data:
        md = "".join(data["text/markdown"])
        cls = "doc-section" if re.search(r"^#{2,4} ", md, re.M) and "[source](" in md else "cell-output-markdown"
        return f'<div class="cell-output cell-output-display {cls}">{render_markdown(md, renderer)}</div>'
    if "text/html" in data:
        return f'<div class="cell-output cell-output-display">{"".join(data["text/html"])}</div>'
    for mime in ("image/png", "image/jpeg", "image/gif"):
        if mime in data:
            b64 = "".join(data[mime]).replace("\n", "")
            return f'<div class="cell-output cell-output-display"><img src="data:{mime};base64,{b64}"></div>'
    if "image/svg+xml" in data:
        return f'<div class="cell-output cell-output-display">{"".join(data["image/svg+xml"])}</div>'
    if "text/plain" in data:
        if asis: return f'<div class="cell-output cell-output-markdown">{render_markdown("".join(data["text/plain"]), renderer)}</div>'
        return f'<div class="cell-output cell-output-display"><pre><code>{html.escape("".join(data["text/plain"]))}</code></pre></div>'
    return ""

def render_code_cell(cell, renderer: PageRenderer) -> str:
    d, src = directives(cell.get("source", ""))
    if _false(d.get("include", True)): return ""
    parts = []
    if src and not _false(d.get("echo", True)):
        code = highlight(src, PythonLexer(), HtmlFormatter(cssclass="highlight"))
        code = f'<div class="sourceCode cell-code">{code}</div>'
        if "code-fold" in d:
            summary = str(d.get("code-summary", "Code")).strip('"\'')
            code = f'<details class="code-fold"{" open" if d["code-fold"] == "show" else ""}><summary>{html.escape(summary)}</summary>{code}</details>'
        parts.append(code)
    if not _false(d.get("output", True)):
        parts += [render_output(o, renderer, d.get("output") == "asis") for o in cell.get("outputs", [])]
    parts = [p for p in parts if p]
    return f'<div class="cell">{"".join(parts)}</div>' if parts else ""


# ---------------------------------------------------------------- pages
def strip_number(stem: str) -> str: return re.sub(r"^\d+[a-zA-Z]*_", "", stem)

def front_matter(nb) -> dict:
    "The YAML front matter nbdev's processing puts in a raw first cell (title, description, output-file)."
    for c in nb.cells[:2]:
        if c.cell_type == "raw" and c.source.strip().startswith("---"):
            return yaml.safe_load(c.source.strip().strip("-")) or {}
    return {}

def pandoc_id(text: str) -> str:
    "Pandoc's auto identifier (what Quarto gives a heading, and what nbdev's doc links point at)."
    s = "".join(ch for ch in text.strip().lower() if ch.isalnum() or ch in "_-. \n")
    s = re.sub(r"\s+", "-", s)
    s = re.sub(r"^[^a-z]+", "", s)
    return s or "section"

class Site:
    def __init__(self, root: Path, nbs: Path, proc: Path, out: Path):
        self.root, self.nbs, self.proc, self.out = root, nbs, proc, out
        q = {}
        for name in ("_quarto.yml", "nbdev.yml"):
            p = nbs / name
            if p.exists(): q = _merge(q, yaml.safe_load(p.read_text()) or {})
        self.quarto = q
        web = q.get("website", {})
        self.title = web.get("title", root.name)
        self.site_url = str(web.get("site-url", "")).rstrip("/")
        self.repo_url = web.get("repo-url", "")
        sb = nbs / "sidebar.yml"
        self.sidebar = (yaml.safe_load(sb.read_text()) or {}).get("website", {}).get("sidebar", {}).get("contents", []) if sb.exists() else []
        self.pages = {}   # notebook relative path -> dict(out=..., title=..., nb=...)

    def nb_paths(self) -> list[Path]:
        return sorted(p.relative_to(self.nbs) for p in self.nbs.rglob("*.ipynb")
                      if not any(part.startswith(("_", ".")) for part in p.relative_to(self.nbs).parts))

    def load(self):
        errors = []
        for rel in self.nb_paths():
            p = self.proc / rel
            if not p.exists(): errors.append(f"{rel}: not processed (no {p.relative_to(self.root)})"); continue
            try: nb = nbformat.read(p, as_version=4)
            except Exception as e: errors.append(f"{rel}: unreadable processed notebook ({e})"); continue
            fm = front_matter(nb)
            outname = fm.get("output-file") or ("index.html" if rel.stem == "index" else strip_number(rel.stem) + ".html")
            self.pages[str(rel)] = dict(rel=rel, out=rel.parent / outname, title=str(fm.get("title") or rel.stem),
                                        description=fm.get("description", ""), nb=nb)
        return errors

    # navigation ---------------------------------------------------------
    def nav_items(self, contents, errors, allow_missing):
        items = []
        for e in contents:
            if isinstance(e, str): e = {"href": e}
            if "section" in e:
                items.append(dict(section=e["section"], items=self.nav_items(e.get("contents", []), errors, allow_missing)))
                continue
            href = e.get("href") or e.get("file")
            page = self.pages.get(str(Path(href))) if href else None
            if page is None:
                if href and href.startswith(("http://", "https://")): items.append(dict(href=href, text=e.get("text", href)))
                elif not allow_missing: errors.append(f"sidebar.yml: {href!r} is not a notebook in {self.nbs.name}/")
                else: print(f"warning: sidebar.yml: {href!r} is not a notebook in {self.nbs.name}/ (skipped)")
                continue
            items.append(dict(page=page, text=e.get("text", page["title"])))
        return items

    def sidebar_html(self, items, current, depth=0) -> str:
        out = []
        for it in items:
            if "section" in it:
                out.append(f'<li class="sidebar-section"><span>{html.escape(it["section"])}</span><ul>{self.sidebar_html(it["items"], current, depth + 1)}</ul></li>')
            elif "page" in it:
                href = os.path.relpath(it["page"]["out"], current["out"].parent)
                active = ' class="active"' if it["page"] is current else ""
                out.append(f'<li><a href="{href}"{active}>{html.escape(it["text"])}</a></li>')
            else:
                out.append(f'<li><a href="{it["href"]}">{html.escape(it["text"])}</a></li>')
        return "".join(out)

    # one page -------------------------------------------------------------
    def render_page(self, page, nav) -> dict:
        renderer = PageRenderer()
        body = []
        for c in page["nb"].cells:
            if c.cell_type == "markdown":
                if c.source.strip() and not c.source.strip().startswith("<!-- WARNING"):
                    body.append(render_markdown(c.source, renderer))
            elif c.cell_type == "code":
                body.append(render_code_cell(c, renderer))
        soup = BeautifulSoup("<div>" + "\n".join(b for b in body if b) + "</div>", "html.parser")
        self._fix_links(soup, page)
        toc, seen = [], {}
        for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
            hid = h.get("id") or pandoc_id(h.get_text(" "))
            if hid in seen: seen[hid] += 1; hid = f"{hid}-{seen[hid]}"
            else: seen[hid] = 0
            h["id"] = hid
            a = soup.new_tag("a", href=f"#{hid}", attrs={"class": "anchor"}); a.string = "#"
            h.append(a)
            if h.name in ("h2", "h3"): toc.append((h.name, hid, h.get_text(" ").rstrip("#").strip()))
        n_api = len(soup.select(".doc-section"))
        desc = page["description"]
        desc_html = f'<div class="description">{render_markdown(desc, renderer).strip()}</div>' if desc else ""
        toc_html = "".join(f'<li class="toc-{lvl}"><a href="#{i}">{html.escape(t)}</a></li>' for lvl, i, t in toc)
        needs_mathjax = bool(renderer.math_fallbacks)
        depth = len(page["out"].parent.parts)
        up = "../" * depth
        doc = PAGE.format(
            title=html.escape(page["title"]), site=html.escape(self.title), up=up,
            head_extra=f'<script async src="{MATHJAX}"></script>' if needs_mathjax else "",
            repo=f'<a class="repo" href="{self.repo_url}">source repository</a>' if self.repo_url else "",
            sidebar=self.sidebar_html(nav, page), h1=html.escape(page["title"]), description=desc_html,
            body=soup.div.decode_contents(), toc=f'<nav class="toc"><h2>On this page</h2><ul>{toc_html}</ul></nav>' if toc else "",
            src=html.escape(str(page["rel"])))
        return dict(html=doc, n_api=n_api, math_fallbacks=renderer.math_fallbacks)

    def _fix_links(self, soup, page):
        "Links to the published site and to notebooks -> relative links between the pages of this build."
        by_nb = {str(p["rel"]): p for p in self.pages.values()}
        by_out = {str(p["out"]): p for p in self.pages.values()}
        here = page["out"].parent
        for a in soup.find_all("a", href=True):
            href = a["href"]
            if self.site_url and href.startswith(self.site_url + "/"):
                path, _, frag = href[len(self.site_url) + 1:].partition("#")
                if path in by_out: a["href"] = os.path.relpath(path, here) + (f"#{frag}" if frag else "")
                continue
            if "://" in href or href.startswith(("#", "mailto:")): continue
            path, _, frag = href.partition("#")
            target = (page["rel"].parent / path).as_posix() if path else ""
            target = os.path.normpath(target) if target else ""
            if target in by_nb: a["href"] = os.path.relpath(by_nb[target]["out"], here) + (f"#{frag}" if frag else "")

    def copy_assets(self):
        n = 0
        for p in self.proc.rglob("*"):
            rel = p.relative_to(self.proc)
            if p.is_file() and p.suffix.lower() in ASSET_SUFFIXES and not any(x.startswith(".") for x in rel.parts):
                dst = self.out / rel; dst.parent.mkdir(parents=True, exist_ok=True); shutil.copy2(p, dst); n += 1
        return n


def _merge(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items(): out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


BASE_CSS = """
:root { --fg:#212529; --muted:#6c757d; --accent:#2780e3; --border:#dee2e6; --bg2:#f8f9fa; }
* { box-sizing: border-box; }
body { margin:0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color:var(--fg); line-height:1.5; font-size:16px; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
header.navbar { position:sticky; top:0; z-index:10; background:var(--accent); color:#fff; padding:.6rem 1.2rem;
                display:flex; align-items:center; gap:1.5rem; }
header.navbar a { color:#fff; } header.navbar .brand { font-weight:600; font-size:1.15rem; }
header.navbar .repo { margin-left:auto; font-size:.9rem; opacity:.9; }
.layout { display:grid; grid-template-columns: 230px minmax(0, 1fr) 220px; gap:2rem; max-width:1500px; margin:0 auto; padding:0 1rem; }
nav.sidebar { position:sticky; top:3.2rem; align-self:start; max-height:calc(100vh - 3.5rem); overflow-y:auto; padding:1.2rem 0; font-size:.92rem; }
nav.sidebar ul { list-style:none; margin:0; padding-left:0; } nav.sidebar ul ul { padding-left:.8rem; }
nav.sidebar li a { display:block; padding:.18rem .6rem; color:var(--fg); border-radius:4px; }
nav.sidebar li a.active { background:var(--bg2); color:var(--accent); font-weight:600; }
nav.sidebar .sidebar-section > span { display:block; font-weight:600; margin:.6rem 0 .2rem .6rem; }
main { padding:1.2rem 0 4rem 0; min-width:0; }
main h1.title { margin-bottom:.2rem; }
main h2 { border-bottom:1px solid var(--border); padding-bottom:.2rem; margin-top:2rem; }
h1 a.anchor, h2 a.anchor, h3 a.anchor, h4 a.anchor { visibility:hidden; margin-left:.4rem; font-size:.8em; color:var(--muted); }
h1:hover a.anchor, h2:hover a.anchor, h3:hover a.anchor, h4:hover a.anchor { visibility:visible; }
nav.toc { position:sticky; top:3.2rem; align-self:start; max-height:calc(100vh - 3.5rem); overflow-y:auto; padding:1.2rem 0; font-size:.85rem; }
nav.toc h2 { font-size:.9rem; margin:0 0 .4rem 0; border:0; } nav.toc ul { list-style:none; padding-left:0; margin:0; }
nav.toc li.toc-h3 { padding-left:.9rem; } nav.toc a { color:var(--muted); display:block; padding:.1rem 0; }
pre { background:var(--bg2); padding:.6rem .8rem; border-radius:4px; overflow-x:auto; font-size:.85rem; line-height:1.4; }
code { font-family: SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size:.9em; }
p code, li code, td code { background:var(--bg2); padding:.05rem .25rem; border-radius:3px; color:#7d12ba; }
.highlight pre { margin:0; }
table { border-collapse:collapse; margin:1rem 0; font-size:.9rem; display:block; overflow-x:auto; }
th, td { border-bottom:1px solid var(--border); padding:.3rem .6rem; text-align:left; vertical-align:top; }
thead th { border-bottom:2px solid var(--border); }
img { max-width:100%; height:auto; }
details.code-fold > summary { cursor:pointer; color:var(--muted); font-size:.9rem; }
.doc-section { border:1px solid var(--border); border-radius:6px; padding:.2rem 1rem .4rem 1rem; margin:1rem 0 1.5rem 0;
               box-shadow: 0 1px 2px rgba(0,0,0,.05); }
.doc-section > hr:first-child { display:none; }
.doc-section h3, .doc-section h4 { margin-top:.3rem; }
math[display="block"] { margin:.8rem 0; overflow-x:auto; }
footer { color:var(--muted); font-size:.8rem; border-top:1px solid var(--border); margin-top:3rem; padding-top:.6rem; }
@media (max-width: 1100px) { .layout { grid-template-columns: 200px minmax(0,1fr); } nav.toc { display:none; } }
"""

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – {site}</title>
<link rel="stylesheet" href="{up}site.css"><link rel="stylesheet" href="{up}styles.css">
{head_extra}
</head><body>
<header class="navbar"><a class="brand" href="{up}index.html">{site}</a>{repo}</header>
<div class="layout">
<nav class="sidebar"><ul>{sidebar}</ul></nav>
<main>
<h1 class="title">{h1}</h1>
{description}
{body}
<footer>Rendered from <code>{src}</code> by <code>tools/build_docs.py</code> (nbdev processing, nbconvert; no Quarto).</footer>
</main>
{toc}
</div>
</body></html>
"""


def process_notebooks(nbs: Path, workers: int, force: bool) -> None:
    "nbdev's docs processing of every notebook into `_proc/` (show_doc cells added and executed, nothing else run)."
    from nbdev.serve import proc_nbs
    proc_nbs(str(nbs), n_workers=workers, force=force)


def write_atomic(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as f: f.write(text)
    os.replace(tmp, path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--force", action="store_true", help="re-process every notebook (ignore nbdev's _proc cache)")
    ap.add_argument("--workers", type=int, default=2, help="processes for nbdev's notebook processing")
    ap.add_argument("--no-proc", action="store_true", help="render the existing _proc/ without re-processing")
    ap.add_argument("--allow-missing-sidebar", action="store_true", help="warn (not fail) on sidebar entries without a notebook")
    args = ap.parse_args(argv)

    from nbdev.config import get_config
    cfg = get_config()
    root, nbs, out = Path(cfg.config_path), Path(cfg.nbs_path), Path(cfg.doc_path)
    proc = root / "_proc"
    t0 = time.time()
    if not args.no_proc:
        try: process_notebooks(nbs, args.workers, args.force)
        except Exception as e:
            traceback.print_exc()
            print(f"DOCS FAILED: nbdev could not process the notebooks: {e}", file=sys.stderr)
            return 1
        print(f"processed notebooks into {proc.relative_to(root)}/ in {time.time() - t0:.0f}s")

    site = Site(root, nbs, proc, out)
    errors = site.load()
    nav = site.nav_items(site.sidebar, errors, args.allow_missing_sidebar)
    in_nav = set()
    def _collect(items):
        for it in items:
            if "section" in it: _collect(it["items"])
            elif "page" in it: in_nav.add(str(it["page"]["rel"]))
    _collect(nav)
    for k in site.pages:
        if k not in in_nav: print(f"warning: {k} is not in sidebar.yml (page written, not linked from the navigation)")

    if out.exists(): shutil.rmtree(out)
    out.mkdir(parents=True)
    write_atomic(out / "site.css", BASE_CSS + "\n" + HtmlFormatter(cssclass="highlight").get_style_defs(".highlight"))
    css = nbs / "styles.css"
    write_atomic(out / "styles.css", css.read_text() if css.exists() else "")
    n_assets = site.copy_assets()
    (out / ".nojekyll").write_text("")

    exported = {}
    try:
        import importlib
        d = importlib.import_module(f"{cfg.lib_name}._modidx").d
        for mod, syms in d["syms"].items(): exported[mod.split(".", 1)[-1]] = syms
    except Exception: pass

    rows = []
    for key, page in site.pages.items():
        try:
            res = site.render_page(page, nav)
            write_atomic(out / page["out"], res["html"])
        except Exception as e:
            traceback.print_exc()
            errors.append(f"{key}: page failed to render ({type(e).__name__}: {e})"); continue
        src = (nbs / page["rel"]).read_text(encoding="utf-8")
        m = re.search(r"#\|\s*default_exp\s+(\S+)", src)
        if m and exported.get(m[1]) and res["n_api"] == 0:
            errors.append(f"{key}: exports {len(exported[m[1]])} names from {m[1]} but its page shows no API section")
        if res["math_fallbacks"]:
            why = "latex2mathml is not installed" if _latex2mathml is None else "latex2mathml could not convert them"
            print(f"note: {key}: {len(res['math_fallbacks'])} formulas left to MathJax ({why})"
                  + "".join(f"\n    {fb}" for fb in res["math_fallbacks"] if _latex2mathml is not None))
        rows.append((key, str(page["out"]), res["n_api"]))

    print(f"{'notebook':<24} {'page':<22} API sections")
    for k, o, n in rows: print(f"{k:<24} {o:<22} {n}")
    print(f"{len(rows)} pages, {sum(r[2] for r in rows)} API sections, {n_assets} assets written to "
          f"{out.relative_to(root)}/ in {time.time() - t0:.0f}s")
    if errors:
        for e in errors: print("DOCS ERROR:", e, file=sys.stderr)
        print(f"DOCS FAILED: {len(errors)} problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
