#!/usr/bin/env python3
"""Build the documentation site into `_docs/` without Quarto (which `nbdev_docs` needs and our machines lack).

1. Execute and process: every notebook of `nbs/` is run top to bottom, as `nbdev_test` runs it (the same cells skipped:
   `#| eval: false`, cells with a `tst_flags` flag of settings.ini such as `#| slow`, `nbdev_export()` calls, and the
   whole notebook when its front matter says `skip_exec`), so the pages show the outputs of the code as it is now:
   printed text, tables, and the matplotlib figures. Execution happens in a scratch copy of the repository (the files
   `git ls-files` lists, tracked or not ignored), with the notebook's folder as working directory as `nbdev_test` does,
   so nothing a notebook writes lands in the repository. Each notebook runs in its own Python process, at most 2 at
   once (`--workers`), so a crash or leftover state stays with its notebook. A cell that
   raises fails the build, naming the notebook and the cell (`--allow-failures` renders the traceback and goes on).
   The processing itself is nbdev's (`nbdev.processors.FilterDefaults`, what `nbdev_proc_nbs` / Quarto's
   `nbdev_docs` use): a `show_doc` cell after every exported definition, export cells hidden, doc links added; the one
   change is that nbdev's `exec_show_docs` (which runs only export, import and `show_doc` cells) is replaced by
   `ExecCells`, which runs every cell that `nbdev_test` runs. The sections of the test harnesses listed in
   `TEST_HELPERS` (exported so that tests and spawned test processes can import them) are left out of the pages.
2. Render: every processed notebook becomes one HTML page (nbconvert's markdown renderer (mistune), Pygments), with the
   navigation of `nbs/sidebar.yml`, an "on this page" table of contents, `nbs/styles.css`, and the page names Quarto
   uses (`00_core.ipynb` -> `core.html`). Figures are written as PNG files under `figures/`. Outputs are scrubbed of
   the build machine's paths (repository, scratch copy, virtualenv, Python, home and temp folders become `<repo>`,
   `<venv>`, `<site-packages>`, `<python>`, `~`, `$TMPDIR`). LaTeX becomes MathML when `latex2mathml` is installed.
   Every page has a search box (a JSON index written at build time as `search-index.js` and ~100 lines of vanilla
   JavaScript, `site.js`: works from the files, no server and no CDN; `site-search.html` lists all hits), copy buttons on
   code blocks, and a sidebar that folds away behind a menu button on narrow screens. nbdev's automatic links to a
   `Class.method` without its own section are pointed at the class's section (and to a private `_name`, unlinked).
3. Check: every notebook has its page, every sidebar entry exists, every module notebook shows at least one API
   section, no page contains a path of the build machine, files are 0644 and folders 0755, and every internal link and
   `#anchor` resolves (`tools/check_links.py`). Any problem -> exit code 1, with the page and the problem named.

Usage: python tools/build_docs.py [--workers N] [--no-exec] [--allow-failures] [--allow-missing-sidebar]
                                  [--keep-scratch] [--reuse SCRATCH]   (re-render a kept run without executing)
"""
from __future__ import annotations
import argparse, base64, html, json, os, re, shutil, subprocess, sys, tempfile, time, traceback
from pathlib import Path

import yaml
import nbformat
from bs4 import BeautifulSoup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer, get_lexer_by_name
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_links  # noqa: E402  (tools/check_links.py)

try:
    from latex2mathml.converter import convert as _latex2mathml
except ImportError:  # the page falls back to MathJax
    _latex2mathml = None

ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".mp4", ".webm", ".pdf", ".css", ".js"}
SEARCH_PAGE = "site-search.html"   # not search.html: that is the page of 13_search.ipynb
MATHJAX = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"
_ANSI = re.compile(r"\x1B(?:[@-Z\\-_]|\[[0-?]*[ -/]*[@-~])")
_DIRECTIVE = re.compile(r"^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$")

# Exported only so that the notebooks' tests (and the processes they spawn) can import them: not API for users.
# Their show_doc sections are left out of the pages (the code is unchanged); a name listed here that the module no
# longer exports fails the build, so the list cannot go stale silently.
TEST_HELPERS = {
    "core": ["run_captured"],                                          # calls a console main with captured output, "for tests"
    "learner": ["one_step_grads", "ddp_grad_check_worker", "free_port"],  # the DDP gradient test and its spawned worker
}


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


# ---------------------------------------------------------------- executing
class CellFailed(Exception): pass

def skip_reason(cell, flags: set) -> str | None:
    """Why `nbdev_test` would not run this cell (None: it runs it). The rule of `nbdev.test.test_nb`'s `_no_eval`
    (a closure there, so it cannot be imported): not code, an `nbdev_export()` call, `#| eval: false`, a skip flag."""
    if cell.cell_type != "code": return "not code"
    if "nbdev_export" + "(" in cell.source: return "nbdev_export()"
    direc = getattr(cell, "directives_", {}) or {}
    if direc.get("eval:", [""])[0].lower() == "false": return "eval: false"
    hit = flags & set(direc)
    return "#| " + ", ".join(sorted(hit)) if hit else None

def _first_line(src: str) -> str:
    lines = [l for l in src.splitlines() if l.strip() and not l.lstrip().startswith("#|")]
    return (lines[0].strip()[:70] if lines else "")

def make_procs(nb_name: str, flags: set, execute: bool, allow_failures: bool, hidden: set, report: dict):
    "nbdev's docs processors with `exec_show_docs` replaced by `ExecCells` (and a filter for `hidden` show_docs)."
    from execnb.shell import CaptureShell
    from fastcore.basics import str2bool
    from nbdev.process import Processor
    from nbdev import processors as P

    class HideTestHelpers(Processor):
        "Drop the `show_doc(name)` cells of the names in `hidden` (added by `add_show_docs` or written by hand)."
        def begin(self):
            pat = re.compile(r"^\s*show_doc\(\s*(" + "|".join(map(re.escape, sorted(hidden))) + r")\s*[,)]") if hidden else None
            keep = [c for c in self.nb.cells if not (pat and c.cell_type == "code" and pat.match(c.source))]
            report["hidden"] = len(self.nb.cells) - len(keep)
            self.nb.cells[:] = keep

    class ExecCells(Processor):
        "Run the cells `nbdev_test` runs, in one IPython shell, keeping their outputs (nbdev's `exec_show_docs` runs fewer)."
        def begin(self):
            self.k = CaptureShell(Path.cwd())     # puts the notebook's folder on sys.path, as nbdev_test does
            self.k.run_cell("from nbdev.showdoc import show_doc")
            fm = getattr(self.nb, "frontmatter_", {}) or {}
            self.all = execute and not str2bool(fm.get("skip_exec", False))
            report.update(ran=0, skipped={}, failures=[], cell_times=[])
        def __call__(self, cell):
            if cell.cell_type != "code": return
            if self.all:
                why = skip_reason(cell, flags)
                if why: report["skipped"][why] = report["skipped"].get(why, 0) + 1; return
            elif not P._do_eval(cell): return
            t = time.time()
            self.k.cell(cell)
            report["ran"] += 1
            src_idx = getattr(cell, "src_idx_", None)
            where = f"cell {src_idx}" if src_idx is not None else "an added show_doc cell"
            cid = cell.get("id")
            name = f"{nb_name} {where}{f' (id {cid})' if cid else ''}: {_first_line(cell.source)!r}"
            report["cell_times"].append((time.time() - t, name))
            if self.k.exc is not None:
                exc = self.k.exc
                msg = f"{name} raised {type(exc).__name__}: {str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ''}"
                tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
                if not allow_failures: raise CellFailed(msg + "\n" + tb)
                report["failures"].append(msg + "\n" + tb)
                self.k.exc = None

    procs = []
    for p in P.FilterDefaults().procs():
        if p is P.exec_show_docs: continue
        procs.append(p)
        if p is P.add_show_docs: procs.append(HideTestHelpers)
        if p is P.insert_warning: procs.append(ExecCells)   # before strip_ansi, hide_line, filter_stream_: they edit what ran
    return procs

def execute_notebook(job: dict) -> dict:
    """Worker (a spawned process): process (and execute) one notebook of the scratch copy, write it to `job['dst']`.
    Returns a report: seconds, cells run/skipped, failures, or `error` (the failing cell and its traceback)."""
    from execnb.nbio import read_nb, write_nb
    from nbdev.process import NBProcessor
    src, dst = Path(job["src"]), Path(job["dst"])
    report = dict(rel=job["rel"], error=None)
    t0 = time.time()
    os.environ["IN_TEST"] = "1"                       # as nbdev_test and nbdev's docs processing set it
    os.chdir(src.parent)                              # as nbdev_test: the notebook's folder (of the scratch copy)
    try:
        nb = read_nb(src)
        for i, c in enumerate(nb.cells): c["src_idx_"] = i      # the cell's index in the notebook (dropped on write)
        procs = make_procs(job["rel"], set(job["flags"]), job["execute"], job["allow_failures"], set(job["hidden"]), report)
        NBProcessor(nb=nb, procs=procs).process()
        dst.parent.mkdir(parents=True, exist_ok=True)
        write_nb(nb, dst)
    except CellFailed as e: report["error"] = str(e)
    except Exception as e: report["error"] = f"{job['rel']}: processing failed: {type(e).__name__}: {e}\n{traceback.format_exc()}"
    report["seconds"] = time.time() - t0
    report["cell_times"] = sorted(report.get("cell_times", []), reverse=True)[:3]     # the slowest, for the summary
    return report

def scratch_copy(root: Path, dest: Path) -> Path:
    "Copy the repository's files (tracked, or untracked and not ignored: `git ls-files -co --exclude-standard`) to `dest`."
    try:
        out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=root, check=True,
                             capture_output=True).stdout.decode()
        files = [f for f in out.split("\0") if f]
    except Exception:       # not a git checkout: everything but the usual build and environment folders
        skip = {".git", "_docs", "_proc", "build", "dist", "__pycache__", ".ipynb_checkpoints"}
        files = [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()
                 and not any(x in skip or x.startswith((".venv", "venv")) or x.endswith(".egg-info") for x in p.relative_to(root).parts)]
    for f in files:
        s = root / f
        if not s.is_file(): continue                  # deleted in the working tree
        d = dest / f; d.parent.mkdir(parents=True, exist_ok=True); shutil.copy2(s, d)
    return dest

def run_notebooks(site_nbs: list[Path], root: Path, nbs: Path, scratch: Path, proc: Path, flags: list, workers: int,
                  execute: bool, allow_failures: bool, hidden: dict, lib_modules: dict) -> tuple[list, list]:
    """Execute/process every notebook, each in a fresh Python process (`--exec-one`), at most `workers` (<= 2) at once:
    a notebook that crashes its interpreter or leaves state behind cannot touch the others. -> (reports, errors)."""
    jobs = []
    for rel in site_nbs:
        mod = lib_modules.get(str(rel))
        jobs.append(dict(rel=str(rel), src=str(scratch / nbs.relative_to(root) / rel), dst=str(proc / rel), flags=flags,
                         execute=execute, allow_failures=allow_failures, hidden=hidden.get(mod, [])))
    jobs.sort(key=lambda j: -Path(j["src"]).stat().st_size)      # big notebooks first: the two workers end together
    work = proc.parent / "jobs"; work.mkdir(parents=True, exist_ok=True)
    reports, errors, running, todo = [], [], [], list(jobs)
    n_par = max(1, min(workers, 2))
    while todo or running:
        while todo and len(running) < n_par:
            j = todo.pop(0); stem = re.sub(r"\W", "_", j["rel"])
            jf, rf, lf = work / f"{stem}.job.json", work / f"{stem}.report.json", work / f"{stem}.log"
            jf.write_text(json.dumps(dict(j, report=str(rf))))
            log = open(lf, "wb")
            p = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--exec-one", str(jf)],
                                 stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=str(Path(j["src"]).parent))
            running.append((p, j, rf, lf, log, time.time()))
        time.sleep(0.2)
        for item in list(running):
            p, j, rf, lf, log, t = item
            if p.poll() is None: continue
            running.remove(item); log.close()
            if rf.exists(): r = json.loads(rf.read_text())
            else:
                tail = lf.read_bytes()[-3000:].decode("utf-8", "replace")
                r = dict(rel=j["rel"], seconds=time.time() - t,
                         error=f"{j['rel']}: the notebook's Python process died (exit code {p.returncode}) before finishing; "
                               f"the end of its output:\n{tail}")
            reports.append(r)
            skipped = ", ".join(f"{n} {k}" for k, n in sorted((r.get("skipped") or {}).items()))
            state = "FAILED" if r["error"] else (f"{len(r['failures'])} failing cell(s)" if r.get("failures") else "ok")
            print(f"  {r['rel']:<24} {r.get('seconds', 0):6.1f}s  {r.get('ran', 0):3d} cells run"
                  + (f", skipped: {skipped}" if skipped else "") + f"  {state}", flush=True)
            if r["error"]: errors.append(r["error"])
            for fl in r.get("failures", []): print(f"  FAILING CELL (allowed): {fl}", file=sys.stderr)
    return reports, errors

def exec_one(job_file: str) -> int:
    "The `--exec-one JOB.json` entry point: run `execute_notebook` and write its report where the job says."
    job = json.loads(Path(job_file).read_text())
    r = execute_notebook(job)
    Path(job["report"]).write_text(json.dumps(r))
    sys.stdout.flush(); sys.stderr.flush()
    os._exit(0)     # no interpreter shutdown: threads or atexit hooks a notebook left must not hang or fail the build


# ---------------------------------------------------------------- local paths
class Scrubber:
    "Replace the build machine's paths in outputs by placeholders (longest first, so the venv wins over the repo)."
    def __init__(self, root: Path, scratch: Path | None):
        import site, sysconfig
        subs = {}
        def add(p, tag):
            if not p: return
            for q in {str(p), os.path.realpath(str(p))}:
                if len(q) > 4 and q not in subs: subs[q] = tag
        if scratch: add(scratch, "<repo>")
        for sp in {sysconfig.get_paths().get("purelib"), sysconfig.get_paths().get("platlib")} | set(getattr(site, "getsitepackages", lambda: [])()):
            add(sp, "<site-packages>")
        add(sys.prefix, "<venv>") if sys.prefix != sys.base_prefix else None
        add(sysconfig.get_paths().get("stdlib"), "<python>")
        add(root, "<repo>")
        self.tmp = tempfile.gettempdir().rstrip("/")
        add(Path.home(), "~")
        self.subs = sorted(subs.items(), key=lambda kv: -len(kv[0]))
        self.pat = re.compile("|".join(rf"(?<![\w.-]){re.escape(k)}(?![\w.-])" for k, _ in self.subs)) if self.subs else None
        self.tmp_pat = re.compile(rf"(?<![\w.-]){re.escape(self.tmp)}/") if self.tmp not in ("", "/") else None

    def __call__(self, text: str) -> str:
        if self.pat: text = self.pat.sub(lambda m: dict(self.subs)[m[0]], text)
        if self.tmp_pat: text = self.tmp_pat.sub("$TMPDIR/", text)
        return text

    def find(self, text: str) -> list[str]:
        "The machine paths still in `text` (a rendered page must have none)."
        return sorted({m[0] for m in self.pat.finditer(text)}) if self.pat else []


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

class OutputContext:
    "What rendering a page's outputs needs: the markdown renderer, the path scrubber, and where figures go."
    def __init__(self, renderer, scrub, fig_prefix: str):
        self.renderer, self.scrub, self.fig_prefix = renderer, scrub, fig_prefix
        self.figures = []      # (relative path under the site, bytes)

    def figure(self, mime: str, b64: str, meta: dict) -> str:
        ext = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}[mime]
        rel = f"figures/{self.fig_prefix}-{len(self.figures) + 1}.{ext}"
        self.figures.append((rel, base64.b64decode(b64)))
        w = (meta or {}).get("width")
        size = f' width="{int(w)}"' if isinstance(w, (int, float)) and w > 0 else ""
        return f'<img class="figure" src="{rel}"{size} alt="figure {len(self.figures)}" loading="lazy">'

def _text(v) -> str: return "".join(v) if isinstance(v, list) else str(v)

def render_output(o, ctx: OutputContext, asis: bool) -> str:
    kind, scrub, renderer = o.get("output_type"), ctx.scrub, ctx.renderer
    if kind == "stream":
        text = scrub(_ANSI.sub("", _text(o.get("text", ""))))
        if not text.strip(): return ""
        if asis: return f'<div class="cell-output cell-output-markdown">{render_markdown(text, renderer)}</div>'
        if o.get("name") == "stderr":    # warnings and progress: there, but small and folded
            n = text.count("\n") + (not text.endswith("\n"))
            return (f'<details class="cell-output cell-output-stderr"><summary>stderr ({n} line{"s" * (n != 1)})</summary>'
                    f'<pre><code>{html.escape(text)}</code></pre></details>')
        return f'<div class="cell-output cell-output-stdout"><pre><code>{html.escape(text)}</code></pre></div>'
    if kind == "error":
        tb = scrub(_ANSI.sub("", "\n".join(o.get("traceback", [])))) or f'{o.get("ename")}: {o.get("evalue")}'
        return f'<div class="cell-output cell-output-error"><pre><code>{html.escape(tb)}</code></pre></div>'
    data, meta = o.get("data", {}), o.get("metadata", {}) or {}
    if "text/markdown" in data:
        md = scrub(_text(data["text/markdown"]))
        cls = "doc-section" if re.search(r"^#{2,4} ", md, re.M) and "[source](" in md else "cell-output-markdown"
        return f'<div class="cell-output cell-output-display {cls}">{render_markdown(md, renderer)}</div>'
    if "text/html" in data:
        return f'<div class="cell-output cell-output-display cell-output-html">{scrub(_text(data["text/html"]))}</div>'
    for mime in ("image/png", "image/jpeg", "image/gif"):
        if mime in data:
            return f'<div class="cell-output cell-output-display">{ctx.figure(mime, _text(data[mime]).replace(chr(10), ""), meta.get(mime))}</div>'
    if "image/svg+xml" in data:
        return f'<div class="cell-output cell-output-display">{scrub(_text(data["image/svg+xml"]))}</div>'
    if "text/latex" in data and "text/plain" not in data:
        return f'<div class="cell-output cell-output-display">{render_markdown(_text(data["text/latex"]), renderer)}</div>'
    if "text/plain" in data:
        text = scrub(_ANSI.sub("", _text(data["text/plain"])))
        if asis: return f'<div class="cell-output cell-output-markdown">{render_markdown(text, renderer)}</div>'
        return f'<div class="cell-output cell-output-display"><pre><code>{html.escape(text)}</code></pre></div>'
    return ""

def render_code_cell(cell, ctx: OutputContext) -> str:
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
        parts += [render_output(o, ctx, d.get("output") == "asis") for o in cell.get("outputs", [])]
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

_SKIP_TEXT = ("cell-code", "cell-output-stdout", "cell-output-stderr", "cell-output-error", "cell-output-html")

def search_entries(soup, page_href: str, page_title: str, limit: int = 3000) -> list[dict]:
    "One search entry per heading (its section's prose and API text, not code or printed output) plus one for the page."
    entries, cur = [], dict(t=page_title, s="", h=page_href, x=[], k="page")
    def flush():
        text = re.sub(r"\s+", " ", " ".join(cur["x"])).strip()
        entries.append(dict(t=cur["t"], s=cur["s"], h=cur["h"], x=text[:limit], k=cur["k"]))
    for node in soup.div.descendants:
        if getattr(node, "name", None) in ("h1", "h2", "h3", "h4") and node.get("id"):
            flush()
            head = node.get_text(" ").rstrip("#").strip()
            api = any("doc-section" in (p.get("class") or []) for p in node.parents if getattr(p, "get", None))
            cur = dict(t=page_title, s=head, h=f"{page_href}#{node['id']}", x=[], k="api" if api else "section")
        elif isinstance(node, str) and node.strip():
            if any(getattr(p, "name", None) in ("h1", "h2", "h3", "h4") for p in node.parents): continue
            if any(set(p.get("class") or []) & set(_SKIP_TEXT) for p in node.parents if getattr(p, "get", None)): continue
            if any(getattr(p, "name", None) in ("script", "style", "math", "pre") for p in node.parents): continue
            if node.strip() == "source" and getattr(node.parent, "name", None) == "a": continue    # show_doc's [source]
            cur["x"].append(str(node))
    flush()
    return [e for e in entries if e["s"] or e["k"] == "page"]

class Site:
    def __init__(self, root: Path, nbs: Path, proc: Path, out: Path, hidden: dict, scrub):
        self.root, self.nbs, self.proc, self.out, self.hidden, self.scrub = root, nbs, proc, out, hidden, scrub
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

    def load(self, rels):
        errors = []
        for rel in rels:
            p = self.proc / rel
            if not p.exists(): errors.append(f"{rel}: not processed"); continue
            try: nb = nbformat.read(p, as_version=4)
            except Exception as e: errors.append(f"{rel}: unreadable processed notebook ({e})"); continue
            fm = front_matter(nb)
            outname = fm.get("output-file") or ("index.html" if rel.stem == "index" else strip_number(rel.stem) + ".html")
            self.pages[str(rel)] = dict(rel=rel, out=rel.parent / outname, title=str(fm.get("title") or rel.stem),
                                        description=fm.get("description", ""), nb=nb, module=None)
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

    def sidebar_html(self, items, here: Path, current=None) -> str:
        out = []
        for it in items:
            if "section" in it:
                out.append(f'<li class="sidebar-section"><span>{html.escape(it["section"])}</span><ul>{self.sidebar_html(it["items"], here, current)}</ul></li>')
            elif "page" in it:
                href = os.path.relpath(it["page"]["out"], here)
                active = ' class="active" aria-current="page"' if it["page"] is current else ""
                out.append(f'<li><a href="{href}"{active}>{html.escape(it["text"])}</a></li>')
            else:
                out.append(f'<li><a href="{it["href"]}">{html.escape(it["text"])}</a></li>')
        return "".join(out)

    def frame(self, *, title, h1, description, body, toc, src, nav, current, out_rel: Path, head_extra="") -> str:
        up = "../" * len(out_rel.parent.parts)
        return PAGE.format(
            title=html.escape(title), site=html.escape(self.title), up=up, head_extra=head_extra,
            repo=f'<a class="repo" href="{self.repo_url}">source repository</a>' if self.repo_url else "",
            sidebar=self.sidebar_html(nav, out_rel.parent, current), h1=h1, description=description, body=body,
            toc=toc, src=src)

    # one page -------------------------------------------------------------
    def render_page(self, page, nav) -> dict:
        renderer = PageRenderer()
        ctx = OutputContext(renderer, self.scrub, page["out"].with_suffix("").as_posix().replace("/", "-"))
        body = []
        for c in page["nb"].cells:
            if c.cell_type == "markdown":
                if c.source.strip() and not c.source.strip().startswith("<!-- WARNING"):
                    body.append(render_markdown(c.source, renderer))
            elif c.cell_type == "code":
                body.append(render_code_cell(c, ctx))
        soup = BeautifulSoup("<div>" + "\n".join(b for b in body if b) + "</div>", "html.parser")
        up = "../" * len(page["out"].parent.parts)
        for img in soup.select("img.figure"): img["src"] = up + img["src"]
        self._fix_links(soup, page)
        toc, seen = [], {}
        for el in soup.find_all(id=True): seen.setdefault(el["id"], 0)    # ids already in outputs (e.g. HTML tables)
        for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
            hid = h.get("id") or pandoc_id(h.get_text(" "))
            if hid in seen and not h.get("id"):
                while f"{hid}-{seen[hid] + 1}" in seen: seen[hid] += 1
                seen[hid] += 1; hid = f"{hid}-{seen[hid]}"
            seen.setdefault(hid, 0)
            h["id"] = hid
            a = soup.new_tag("a", href=f"#{hid}", attrs={"class": "anchor", "aria-label": "link to this section"}); a.string = "#"
            h.append(a)
            if h.name in ("h2", "h3") and not any("doc-section" in (p.get("class") or []) for p in h.parents if getattr(p, "get", None)):
                toc.append((h.name, hid, h.get_text(" ").rstrip("#").strip()))
        n_api = len(soup.select(".doc-section"))
        n_fig = len(soup.select(".cell-output img"))
        entries = search_entries(soup, page["out"].as_posix(), page["title"])
        desc = page["description"]
        desc_html = f'<div class="description">{render_markdown(desc, renderer).strip()}</div>' if desc else ""
        if desc and entries: entries[0]["x"] = (desc + " " + entries[0]["x"])[:600]
        toc_html = "".join(f'<li class="toc-{lvl}"><a href="#{i}">{html.escape(t)}</a></li>' for lvl, i, t in toc)
        doc = self.frame(
            title=page["title"], h1=html.escape(page["title"]), description=desc_html, body=soup.div.decode_contents(),
            toc=f'<nav class="toc" aria-label="on this page"><h2>On this page</h2><ul>{toc_html}</ul></nav>' if toc else "",
            src=html.escape(str(page["rel"])), nav=nav, current=page, out_rel=page["out"],
            head_extra=f'<script async src="{MATHJAX}"></script>' if renderer.math_fallbacks else "")
        return dict(html=doc, n_api=n_api, n_fig=n_fig, figures=ctx.figures, entries=entries,
                    math_fallbacks=renderer.math_fallbacks)

    def search_page(self, nav) -> str:
        body = ('<form class="search-page" action="' + SEARCH_PAGE + '" role="search">'
                '<input type="search" name="q" id="search-page-input" placeholder="Search the docs" aria-label="Search the docs">'
                '<button type="submit">Search</button></form><p id="search-summary"></p><ol id="search-results"></ol>'
                '<noscript><p>Search needs JavaScript.</p></noscript>')
        return self.frame(title="Search", h1="Search", description="", body=body, toc="", src="search-index.js",
                          nav=nav, current=None, out_rel=Path(SEARCH_PAGE))

    def _fix_links(self, soup, page):
        """Links to the published site and to notebooks -> relative links between the pages of this build; links to the
        sections of hidden test helpers -> plain text."""
        by_nb = {str(p["rel"]): p for p in self.pages.values()}
        by_out = {str(p["out"]): p for p in self.pages.values()}
        here = page["out"].parent
        hidden_anchors = {f'{p["out"].as_posix()}#{n.lower()}' for p in self.pages.values()
                          for n in self.hidden.get(p.get("module"), [])}
        for a in soup.find_all("a", href=True):
            href = a["href"]
            if self.site_url and href.startswith(self.site_url + "/"):
                path, _, frag = href[len(self.site_url) + 1:].partition("#")
                if f"{path}#{frag.lower()}" in hidden_anchors: a.unwrap(); continue
                if path in by_out: a["href"] = os.path.relpath(path, here) + (f"#{frag}" if frag else "")
                continue
            if "://" in href or href.startswith(("#", "mailto:")): continue
            path, _, frag = href.partition("#")
            target = (page["rel"].parent / path).as_posix() if path else ""
            target = os.path.normpath(target) if target else ""
            if target in by_nb: a["href"] = os.path.relpath(by_nb[target]["out"], here) + (f"#{frag}" if frag else "")

    def copy_referenced_assets(self, pages_html: dict) -> int:
        "Copy the files of nbs/ that pages link or embed (images, ...) into the site, keeping their relative paths."
        n = 0
        for out_rel, doc in pages_html.items():
            for _, _, ref in check_links.scan(doc).links:
                if not ref or re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I) or ref.startswith(("#", "/")): continue
                path = ref.split("#")[0].split("?")[0]
                if Path(path).suffix.lower() not in ASSET_SUFFIXES: continue
                rel = os.path.normpath(Path(out_rel).parent / path)
                src, dst = self.nbs / rel, self.out / rel
                if rel.startswith("..") or dst.exists() or not src.is_file(): continue
                dst.parent.mkdir(parents=True, exist_ok=True); shutil.copyfile(src, dst); n += 1
        return n


def _merge(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items(): out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


BASE_CSS = """
:root { --fg:#212529; --muted:#6c757d; --accent:#2780e3; --border:#dee2e6; --bg2:#f8f9fa; }
* { box-sizing: border-box; }
html { scroll-padding-top: 3.6rem; }
body { margin:0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color:var(--fg); line-height:1.5; font-size:16px; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
header.navbar { position:sticky; top:0; z-index:20; background:var(--accent); color:#fff; padding:.5rem 1.2rem;
                display:flex; align-items:center; gap:1rem; }
header.navbar a { color:#fff; } header.navbar .brand { font-weight:600; font-size:1.15rem; white-space:nowrap; }
header.navbar .repo { font-size:.9rem; opacity:.9; white-space:nowrap; }
button.sidebar-toggle { display:none; background:none; border:1px solid rgba(255,255,255,.6); color:#fff; border-radius:4px;
                        font-size:1.1rem; line-height:1; padding:.3rem .55rem; cursor:pointer; }
.search { position:relative; margin-left:auto; }
.search input { width:16rem; max-width:40vw; padding:.3rem .6rem; border-radius:4px; border:0; font-size:.9rem; }
.search-results { position:absolute; right:0; top:2.2rem; width:min(34rem, 92vw); max-height:70vh; overflow-y:auto;
                  background:#fff; color:var(--fg); border:1px solid var(--border); border-radius:6px;
                  box-shadow:0 6px 20px rgba(0,0,0,.15); list-style:none; margin:0; padding:.3rem 0; display:none; }
.search-results.open { display:block; }
.search-results li a, #search-results li a { display:block; padding:.35rem .8rem; color:var(--fg); }
.search-results li a:hover, .search-results li a.sel { background:var(--bg2); text-decoration:none; }
.search-hit-title { font-weight:600; } .search-hit-page { color:var(--muted); font-size:.8rem; margin-left:.4rem; }
.search-hit-kind { font-size:.7rem; border:1px solid var(--border); border-radius:3px; padding:0 .25rem; margin-left:.4rem; color:var(--muted); }
.search-hit-text { display:block; color:var(--muted); font-size:.82rem; }
mark { background:#fff3a3; padding:0; }
form.search-page { display:flex; gap:.5rem; margin:1rem 0; } form.search-page input { flex:1; font-size:1rem; padding:.4rem .6rem; }
#search-results { padding-left:1.2rem; } #search-results li { margin:.2rem 0; }
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
.sourceCode { position:relative; }
button.copy { position:absolute; top:.3rem; right:.3rem; font-size:.72rem; padding:.1rem .45rem; border:1px solid var(--border);
              border-radius:4px; background:#fff; color:var(--muted); cursor:pointer; opacity:0; transition:opacity .15s; }
.sourceCode:hover button.copy, button.copy:focus, button.copy.done { opacity:1; }
@media (hover: none) { button.copy { opacity:.8; } }
table { border-collapse:collapse; margin:1rem 0; font-size:.9rem; display:block; overflow-x:auto; }
th, td { border-bottom:1px solid var(--border); padding:.3rem .6rem; text-align:left; vertical-align:top; }
thead th { border-bottom:2px solid var(--border); }
img { max-width:100%; height:auto; }
.cell-output img.figure { display:block; margin:.4rem 0 .4rem .8rem; }
.cell-output-html { overflow-x:auto; margin-left:.8rem; }
details.cell-output-stderr { margin:.2rem 0 .2rem .8rem; font-size:.75rem; color:var(--muted); }
details.cell-output-stderr > summary { cursor:pointer; }
details.cell-output-stderr pre { font-size:.75rem; max-height:14rem; overflow:auto; }
.cell-output-error pre { border-left:2px solid #d9534f !important; }
details.code-fold > summary { cursor:pointer; color:var(--muted); font-size:.9rem; }
.doc-section { border:1px solid var(--border); border-radius:6px; padding:.2rem 1rem .4rem 1rem; margin:1rem 0 1.5rem 0;
               box-shadow: 0 1px 2px rgba(0,0,0,.05); }
.doc-section > hr:first-child { display:none; }
.doc-section h3, .doc-section h4 { margin-top:.3rem; }
math[display="block"] { margin:.8rem 0; overflow-x:auto; }
footer { color:var(--muted); font-size:.8rem; border-top:1px solid var(--border); margin-top:3rem; padding-top:.6rem; }
@media (max-width: 1100px) { .layout { grid-template-columns: 200px minmax(0,1fr); } nav.toc { display:none; } }
@media (max-width: 800px) {
  header.navbar { padding:.45rem .7rem; gap:.6rem; } header.navbar .repo { display:none; }
  button.sidebar-toggle { display:inline-block; }
  .search input { width:9.5rem; }
  .layout { display:block; padding:0 .8rem; }
  nav.sidebar { display:none; position:fixed; z-index:15; top:2.9rem; left:0; bottom:0; width:min(80vw, 300px); max-height:none;
                background:#fff; border-right:1px solid var(--border); box-shadow:4px 0 16px rgba(0,0,0,.15); padding:1rem .6rem; }
  body.sidebar-open nav.sidebar { display:block; }
  main { padding-top:.6rem; } main h1.title { font-size:1.6rem; } div.description { font-size:115%; }
}
"""

SITE_JS = r"""// tools/build_docs.py: copy buttons, the sidebar toggle, and search over search-index.js (no server needed).
(function () {
  var root = document.body.getAttribute('data-root') || '';
  // copy buttons
  document.querySelectorAll('div.sourceCode').forEach(function (box) {
    var pre = box.querySelector('pre'); if (!pre) return;
    var b = document.createElement('button'); b.className = 'copy'; b.type = 'button'; b.textContent = 'Copy';
    b.setAttribute('aria-label', 'Copy code to clipboard');
    b.addEventListener('click', function () {
      var text = pre.innerText.replace(/\n$/, '');
      var done = function () { b.textContent = 'Copied'; b.classList.add('done');
                               setTimeout(function () { b.textContent = 'Copy'; b.classList.remove('done'); }, 1500); };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback); else fallback();
      function fallback() {
        var t = document.createElement('textarea'); t.value = text; t.style.position = 'fixed'; t.style.opacity = '0';
        document.body.appendChild(t); t.select(); try { document.execCommand('copy'); done(); } catch (e) {} t.remove();
      }
    });
    box.appendChild(b);
  });
  // sidebar toggle (narrow screens)
  var tog = document.querySelector('button.sidebar-toggle');
  if (tog) {
    tog.addEventListener('click', function (e) {
      e.stopPropagation();
      var open = document.body.classList.toggle('sidebar-open'); tog.setAttribute('aria-expanded', open ? 'true' : 'false');
    });
    document.addEventListener('click', function (e) {
      if (document.body.classList.contains('sidebar-open') && !e.target.closest('nav.sidebar')) {
        document.body.classList.remove('sidebar-open'); tog.setAttribute('aria-expanded', 'false');
      }
    });
  }
  // search
  var INDEX = window.SEARCH_INDEX || [];
  function esc(s) { return s.replace(/[&<>"]/g, function (c) { return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]; }); }
  function terms(q) { return q.toLowerCase().split(/[^\w.]+/).filter(function (t) { return t.length > 0; }); }
  function search(q) {
    var ts = terms(q); if (!ts.length) return [];
    var hits = [];
    INDEX.forEach(function (e) {
      var s = e.s.toLowerCase(), t = e.t.toLowerCase(), x = e.x.toLowerCase(), score = 0;
      for (var i = 0; i < ts.length; i++) {
        var w = ts[i], sc = 0;
        if (s === w) sc += 30; else if (s.indexOf(w) >= 0) sc += 12;
        if (t.indexOf(w) >= 0) sc += 4;
        var n = x.split(w).length - 1; sc += Math.min(n, 5);
        if (!sc) return;                              // every term must occur
        score += sc;
      }
      if (e.k === 'api') score += 2;
      hits.push({e: e, score: score});
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    return hits;
  }
  function snippet(text, ts) {
    var low = text.toLowerCase(), at = -1;
    for (var i = 0; i < ts.length && at < 0; i++) at = low.indexOf(ts[i]);
    var s = Math.max(0, at - 60), piece = (s > 0 ? '…' : '') + text.slice(s, s + 180) + (text.length > s + 180 ? '…' : '');
    var out = esc(piece);
    ts.forEach(function (w) { if (w.length > 1) out = out.replace(new RegExp('(' + w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + ')', 'ig'), '<mark>$1</mark>'); });
    return out;
  }
  function hitHtml(h, ts) {
    var e = h.e, title = e.s || e.t;
    return '<a href="' + root + e.h + '"><span class="search-hit-title">' + esc(title) + '</span>' +
      (e.s ? '<span class="search-hit-page">' + esc(e.t) + '</span>' : '') +
      (e.k === 'api' ? '<span class="search-hit-kind">API</span>' : '') +
      '<span class="search-hit-text">' + snippet(e.x, ts) + '</span></a>';
  }
  var input = document.getElementById('search-input'), list = document.getElementById('search-dropdown'), sel = -1;
  function show() {
    var q = input.value, hits = search(q).slice(0, 12), ts = terms(q); sel = -1;
    list.innerHTML = hits.length ? hits.map(function (h) { return '<li>' + hitHtml(h, ts) + '</li>'; }).join('')
                                 : (q.trim() ? '<li><a>No results</a></li>' : '');
    list.classList.toggle('open', !!q.trim());
  }
  if (input && list) {
    input.addEventListener('input', show);
    input.addEventListener('keydown', function (ev) {
      var links = list.querySelectorAll('a[href]');
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault(); if (!links.length) return;
        if (sel >= 0) links[sel].classList.remove('sel');
        sel = (sel + (ev.key === 'ArrowDown' ? 1 : links.length - 1)) % links.length; links[sel].classList.add('sel');
      } else if (ev.key === 'Enter') {
        ev.preventDefault();
        if (sel >= 0 && links[sel]) location.href = links[sel].href;
        else location.href = root + 'SEARCH_PAGE?q=' + encodeURIComponent(input.value);
      } else if (ev.key === 'Escape') { list.classList.remove('open'); }
    });
    document.addEventListener('click', function (e) { if (!e.target.closest('.search')) list.classList.remove('open'); });
  }
  var pageList = document.getElementById('search-results');
  if (pageList) {
    var q = new URLSearchParams(location.search).get('q') || '', ts = terms(q), hits = search(q);
    var box = document.getElementById('search-page-input'); if (box) { box.value = q; box.focus(); }
    if (input) input.value = q;
    document.getElementById('search-summary').textContent =
      q ? hits.length + ' result' + (hits.length === 1 ? '' : 's') + ' for “' + q + '” in ' + INDEX.length + ' sections'
        : INDEX.length + ' sections indexed: type a word (a function, a loss, a figure…).';
    pageList.innerHTML = hits.slice(0, 100).map(function (h) { return '<li>' + hitHtml(h, ts) + '</li>'; }).join('');
  }
})();
"""

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – {site}</title>
<link rel="stylesheet" href="{up}site.css"><link rel="stylesheet" href="{up}styles.css">
{head_extra}
</head><body data-root="{up}">
<header class="navbar">
<button class="sidebar-toggle" type="button" aria-label="Show the table of contents" aria-expanded="false">&#9776;</button>
<a class="brand" href="{up}index.html">{site}</a>
<div class="search" role="search"><input id="search-input" type="search" placeholder="Search" aria-label="Search the docs" autocomplete="off">
<ul id="search-dropdown" class="search-results"></ul></div>
{repo}</header>
<div class="layout">
<nav class="sidebar" aria-label="pages"><ul>{sidebar}</ul></nav>
<main>
<h1 class="title">{h1}</h1>
{description}
{body}
<footer>Rendered from <code>{src}</code> by <code>tools/build_docs.py</code> (notebooks executed, nbdev processing, nbconvert; no Quarto).</footer>
</main>
{toc}
</div>
<script src="{up}search-index.js"></script><script src="{up}site.js"></script>
</body></html>
"""


def retarget_member_links(pages_html: dict) -> int:
    """nbdev links `Class.method` in prose to `page#class.method`, a section only if the method has its own show_doc
    (on Quarto's site too those links are dead): point the ones without a section at their class's section."""
    from urllib.parse import unquote, urlsplit
    scans = {k: check_links.scan(v) for k, v in pages_html.items()}
    def missing(k, href):
        u = urlsplit(href)
        if u.scheme or u.netloc or not u.fragment: return None
        target = os.path.normpath(os.path.join(os.path.dirname(k), unquote(u.path))) if u.path else k
        return (u, target) if target in scans and unquote(u.fragment) not in scans[target].ids else None
    n = 0
    for k, sc in scans.items():
        if not any(tag == "a" and missing(k, h) for tag, _, h in sc.links): continue
        soup = BeautifulSoup(pages_html[k], "html.parser")
        for a in soup.find_all("a", href=True):
            m = missing(k, a["href"])
            if not m: continue
            u, target = m
            frag = unquote(u.fragment)
            while "." in frag and frag not in scans[target].ids: frag = frag.rsplit(".", 1)[0]
            if frag in scans[target].ids: a["href"] = f"{u.path}#{frag}"; n += 1
            elif _is_doclink(a, u.fragment): a.unwrap(); n += 1   # e.g. a private `_name`: no section
        pages_html[k] = str(soup)
    return n

def _is_doclink(a, frag: str) -> bool:
    "Is `a` one of nbdev's automatic links (`<a><code>name</code></a>` pointing at `#name`), not a hand-written one?"
    kids = [c for c in a.contents if not (isinstance(c, str) and not c.strip())]
    return (len(kids) == 1 and getattr(kids[0], "name", None) == "code"
            and kids[0].get_text().strip().rstrip("()").lower() == unquote_frag(frag).lower())

def unquote_frag(frag: str) -> str:
    from urllib.parse import unquote
    return unquote(frag)

def write_file(path: Path, data: str | bytes):
    "Write atomically, world-readable (0644; a temp file from mkstemp would be 0600)."
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".tmp-")
    with os.fdopen(fd, "wb") as f: f.write(data.encode("utf-8") if isinstance(data, str) else data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)

def fix_modes(top: Path) -> list[str]:
    "Make every folder 0755 and every file 0644 under `top`; -> the paths that were not (for the report)."
    changed = []
    for p in [top, *top.rglob("*")]:
        want = 0o755 if p.is_dir() else 0o644
        if p.stat().st_mode & 0o777 != want: changed.append(str(p.relative_to(top))); os.chmod(p, want)
    return changed

def notebook_modules(nbs: Path, rels) -> dict:
    "notebook (relative path) -> the module it exports (`#| default_exp`), e.g. '00_core.ipynb' -> 'core'."
    out = {}
    for rel in rels:
        m = re.search(r"#\|\s*default_exp\s+([\w.]+)", (nbs / rel).read_text(encoding="utf-8"))
        if m: out[str(rel)] = m[1]
    return out

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2, help="notebooks executed at once (at most 2)")
    ap.add_argument("--no-exec", action="store_true",
                    help="run only the export, import and show_doc cells, as nbdev's docs processing does (fast; no outputs)")
    ap.add_argument("--allow-failures", action="store_true", help="render a failing cell's traceback and go on (exit 0)")
    ap.add_argument("--allow-missing-sidebar", action="store_true", help="warn (not fail) on sidebar entries without a notebook")
    ap.add_argument("--keep-scratch", action="store_true", help="keep the scratch copy and the processed notebooks (printed)")
    ap.add_argument("--reuse", metavar="SCRATCH", help="render the notebooks a --keep-scratch run executed (no execution)")
    ap.add_argument("--exec-one", metavar="JOB", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.exec_one: return exec_one(args.exec_one)

    from nbdev.config import get_config
    cfg = get_config()
    root, nbs, out = Path(cfg.config_path), Path(cfg.nbs_path), Path(cfg.doc_path)
    flags = str(cfg.get("tst_flags", "") or "").replace(",", " ").split()
    t0 = time.time()
    site0 = Site(root, nbs, Path(), out, {}, None)
    rels = site0.nb_paths()
    modules = notebook_modules(nbs, rels)
    errors = []

    exported = {}
    try:
        import importlib
        d = importlib.import_module(f"{cfg.lib_name}._modidx").d
        for mod, syms in d["syms"].items(): exported[mod.split(".", 1)[-1]] = {k[len(mod) + 1:] for k in syms}
    except Exception as e: print(f"warning: no {cfg.lib_name}._modidx ({e}): API checks skipped")
    for mod, names in TEST_HELPERS.items():
        for n in names:
            if exported and n not in exported.get(mod, ()):
                errors.append(f"TEST_HELPERS in tools/build_docs.py: {mod}.{n} is not exported by {cfg.lib_name}.{mod} any more")

    scratch, stage = Path(args.reuse or tempfile.mkdtemp(prefix="vtr-docs-")), None
    repo_copy, proc = scratch / "repo", scratch / "proc"
    if args.reuse: args.keep_scratch = True
    try:
        if args.reuse:
            reports, t_exec, n_failed_cells = [], 0.0, 0
            print(f"rendering the notebooks executed in {scratch} (not executing)")
        else:
            scratch_copy(root, repo_copy)
            before = {p: p.stat().st_mtime for p in repo_copy.rglob("*") if p.is_file()}
            print(f"{'executing' if not args.no_exec else 'processing'} {len(rels)} notebooks in a scratch copy "
                  f"({min(args.workers, 2)} at once; skipped cells: eval: false, nbdev_export(), flags {flags or 'none'})", flush=True)
            t_exec = time.time()
            reports, exec_errors = run_notebooks(rels, root, nbs, repo_copy, proc, flags, args.workers, not args.no_exec,
                                                 args.allow_failures, TEST_HELPERS, modules)
            t_exec = time.time() - t_exec
            print(f"notebooks {'executed' if not args.no_exec else 'processed'} in {t_exec:.0f}s "
                  f"(sum of notebook times {sum(r.get('seconds', 0) for r in reports):.0f}s)")
            slowest = sorted((c for r in reports for c in r.get("cell_times", [])), reverse=True)[:5]
            if slowest and not args.no_exec:
                print("slowest cells:" + "".join(f"\n  {s:6.1f}s  {name}" for s, name in slowest))
            written = sorted(str(p.relative_to(repo_copy)) for p in repo_copy.rglob("*")
                             if p.is_file() and before.get(p) != p.stat().st_mtime)
            if written:
                print(f"note: the notebooks wrote {len(written)} file(s) into their working copy (not the repository): "
                      + ", ".join(written[:8]) + (" ..." if len(written) > 8 else ""))
            if exec_errors:
                for e in exec_errors: print("DOCS ERROR: " + e, file=sys.stderr)
                print(f"DOCS FAILED: {len(exec_errors)} notebook(s) failed to execute; {out.name}/ left as it was "
                      "(--allow-failures renders the tracebacks instead)", file=sys.stderr)
                return 1
            n_failed_cells = sum(len(r.get("failures", [])) for r in reports)

        scrub = Scrubber(root, repo_copy)
        site = Site(root, nbs, proc, out, TEST_HELPERS, scrub)
        errors += site.load(rels)
        for key, page in site.pages.items(): page["module"] = modules.get(key)
        nav = site.nav_items(site.sidebar, errors, args.allow_missing_sidebar)
        in_nav = set()
        def _collect(items):
            for it in items:
                if "section" in it: _collect(it["items"])
                elif "page" in it: in_nav.add(str(it["page"]["rel"]))
        _collect(nav)
        for k in site.pages:
            if k not in in_nav: print(f"warning: {k} is not in sidebar.yml (page written, not linked from the navigation)")

        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=root))
        site.out = stage
        pages_html, rows, index = {}, [], []
        for key, page in site.pages.items():
            try:
                res = site.render_page(page, nav)
                for rel, data in res["figures"]: write_file(stage / rel, data)
            except Exception as e:
                traceback.print_exc()
                errors.append(f"{key}: page failed to render ({type(e).__name__}: {e})"); continue
            pages_html[str(page["out"])] = res["html"]
            index += res["entries"]
            mod = page["module"]
            if mod and exported.get(mod) and res["n_api"] == 0:
                errors.append(f"{key}: exports {len(exported[mod])} names from {mod} but its page shows no API section")
            if res["math_fallbacks"]:
                why = "latex2mathml is not installed" if _latex2mathml is None else "latex2mathml could not convert them"
                print(f"note: {key}: {len(res['math_fallbacks'])} formulas left to MathJax ({why})"
                      + "".join(f"\n    {fb}" for fb in res["math_fallbacks"] if _latex2mathml is not None))
            rep = next((r for r in reports if r["rel"] == key), {})
            rows.append((key, str(page["out"]), res["n_api"], res["n_fig"], rep.get("hidden", 0), rep.get("seconds", 0)))
        if SEARCH_PAGE in pages_html: errors.append(f"a notebook's page is called {SEARCH_PAGE}, the name of the search page")
        pages_html[SEARCH_PAGE] = site.search_page(nav)
        n_retarget = retarget_member_links(pages_html)
        for name, doc in pages_html.items(): write_file(stage / name, doc)
        write_file(stage / "search-index.js", "window.SEARCH_INDEX = " + json.dumps(index, ensure_ascii=False, separators=(",", ":")) + ";\n")
        write_file(stage / "site.js", SITE_JS.replace("SEARCH_PAGE", SEARCH_PAGE))
        write_file(stage / "site.css", BASE_CSS + "\n" + HtmlFormatter(cssclass="highlight").get_style_defs(".highlight"))
        css = nbs / "styles.css"
        write_file(stage / "styles.css", css.read_text() if css.exists() else "")
        write_file(stage / ".nojekyll", "")
        n_assets = site.copy_referenced_assets(pages_html)

        # checks ------------------------------------------------------------
        for name, doc in pages_html.items():
            left = scrub.find(doc)
            if left: errors.append(f"{name}: contains paths of the build machine: {', '.join(left)}")
        errors += [f"link check: {e}" for e in check_links.check_site(stage)]
        fix_modes(stage)

        print(f"{'notebook':<24} {'page':<22} {'API':>4} {'figs':>4} {'hidden':>6} {'exec':>6}")
        for k, o, n, f, h, s in rows: print(f"{k:<24} {o:<22} {n:>4} {f:>4} {h:>6} {s:>5.0f}s")
        print(f"{len(rows)} pages + {SEARCH_PAGE}, {sum(r[2] for r in rows)} API sections, {sum(r[3] for r in rows)} figures, "
              f"{len(index)} search entries, {n_assets} assets, {n_retarget} doc links to sections that do not exist re-pointed or unlinked; {sum(r[4] for r in rows)} test-helper sections hidden "
              f"({', '.join(f'{m}.{n}' for m, ns in TEST_HELPERS.items() for n in ns)})")

        # install: the new site replaces the old one in one rename (a failed check still installs it, to be looked at)
        old = None
        if out.exists(): old = out.with_name(f".{out.name}-old-{os.getpid()}"); os.replace(out, old)
        os.replace(stage, out); os.chmod(out, 0o755)
        if old: shutil.rmtree(old, ignore_errors=True)
        print(f"site written to {out.relative_to(root)}/ in {time.time() - t0:.0f}s (executing {t_exec:.0f}s)")
        if n_failed_cells: print(f"WARNING: {n_failed_cells} cell(s) failed and are shown with their tracebacks (--allow-failures)", file=sys.stderr)
    finally:
        if args.keep_scratch: print(f"scratch copy kept: {scratch}")
        else: shutil.rmtree(scratch, ignore_errors=True)
        if stage is not None and stage.exists(): shutil.rmtree(stage, ignore_errors=True)
    if errors:
        for e in errors: print("DOCS ERROR:", e, file=sys.stderr)
        print(f"DOCS FAILED: {len(errors)} problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
