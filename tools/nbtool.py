#!/usr/bin/env python3
"""Convert between a plain-text notebook source and .ipynb (a convenience for editing notebooks as text; stable cell ids).

Source format: cells start with a line '%% md' (markdown) or '%% code' (code).
Usage: nbtool.py build SRC.txt OUT.ipynb   |   nbtool.py dump IN.ipynb SRC.txt
"""
import json, sys, hashlib
from pathlib import Path

def build(src, out):
    cells, kind, buf = [], None, []
    def flush():
        if kind is None: return
        text = "\n".join(buf).strip("\n")
        lines = text.split("\n")
        source = [l + "\n" for l in lines[:-1]] + [lines[-1]] if text else []
        cid = hashlib.sha1(f"{Path(out).stem}-{len(cells)}".encode()).hexdigest()[:8]
        c = {"cell_type": "markdown" if kind == "md" else "code", "id": cid, "metadata": {}, "source": source}
        if kind != "md": c.update(execution_count=None, outputs=[])
        cells.append(c)
    for line in Path(src).read_text().split("\n"):
        if line.startswith("%% md") or line.startswith("%% code"):
            flush(); kind = "md" if line.startswith("%% md") else "code"; buf = []
        else: buf.append(line)
    flush()
    nb = {"cells": cells, "metadata": {"kernelspec": {"display_name": "python3", "language": "python", "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    Path(out).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")

def dump(nbf, out):
    nb = json.loads(Path(nbf).read_text())
    parts = []
    for c in nb["cells"]:
        parts.append(("%% md" if c["cell_type"] == "markdown" else "%% code") + "\n" + "".join(c["source"]))
    Path(out).write_text("\n\n".join(parts) + "\n")

if __name__ == "__main__":
    {"build": build, "dump": dump}[sys.argv[1]](sys.argv[2], sys.argv[3])
