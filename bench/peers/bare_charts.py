"""The floor of ``rmn review``'s charts: a bare matplotlib script drawing the same two
charts (asset mix pie, total assets at each review) from numbers given as JSON, with a CJK
font so Chinese labels render, into a one-page A4 PDF with embedded TrueType fonts, or
into two PNG files.

    python bench/peers/bare_charts.py DATA.json OUT.pdf
    python bench/peers/bare_charts.py DATA.json OUTDIR/      (pie.png, bars.png)

DATA.json: {"title": str, "mix": {label: value}, "history": [[label, total], ...],
            "fonts": [font file, ...], "png_families": [...], "pdf_families": [...],
            "pdf_fonttype": 42 or 3}
"""

import json
import os
import sys

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

data = json.load(open(sys.argv[1], encoding="utf-8"))
out = sys.argv[2]
known = {os.path.realpath(e.fname) for e in font_manager.fontManager.ttflist}
for path in data["fonts"]:  # a font installed after matplotlib built its cache
    if os.path.realpath(path) not in known:
        font_manager.fontManager.addfont(path)
pdf = out.endswith(".pdf")
families = data["pdf_families"] if pdf else data["png_families"]
matplotlib.rcParams["font.family"] = ["DejaVu Sans"] + families
matplotlib.rcParams["pdf.fonttype"] = data["pdf_fonttype"]

mix = data["mix"]
labels, totals = zip(*data["history"])


def pie(ax):
    ax.pie(list(mix.values()), labels=list(mix), autopct="%1.0f%%", startangle=90)
    ax.set_title("資產配置")


def bars(ax):
    ax.bar(labels, totals, color="#4c72b0")
    ax.set_title("總資產")
    ax.ticklabel_format(axis="y", style="plain")


if pdf:
    fig = Figure(figsize=(8.27, 11.69))
    FigureCanvasAgg(fig)
    fig.suptitle(data["title"])
    pie(fig.add_subplot(2, 1, 1))
    bars(fig.add_subplot(2, 1, 2))
    fig.savefig(out)
else:
    for name, draw in (("pie.png", pie), ("bars.png", bars)):
        fig = Figure(figsize=(6, 4.5), dpi=150)
        FigureCanvasAgg(fig)
        draw(fig.add_subplot())
        fig.savefig(os.path.join(out, name))
