#!/usr/bin/env python3
"""plot_sweep.py CSV X_COLUMN X_LABEL PNG [TITLE] -- accuracy against one cost of a `tesa sweep`'s
results.csv (experiments/sweep.h): a point per row, coloured by variant (or method) when the CSV has
one, and the Pareto front -- the rows no other row beats on both lower X and higher accuracy --
joined and ringed. Rows without a value in X_COLUMN are left out. Drawn with matplotlib (Debian's
python3-matplotlib, installed by scripts/setup.sh)."""
import csv
import sys

from plot_common import finish, pyplot

plt = pyplot("plot_sweep.py")


def number(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def main():
    if len(sys.argv) < 5:
        sys.exit("usage: plot_sweep.py CSV X_COLUMN X_LABEL PNG [TITLE]")
    src, xcol, xlabel, dst = sys.argv[1:5]
    title = sys.argv[5] if len(sys.argv) > 5 else ""
    try:
        with open(src, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        sys.exit("plot_sweep.py: %s: %s" % (src, e.strerror))
    if not rows or xcol not in rows[0] or "accuracy" not in rows[0]:
        sys.exit("plot_sweep.py: %s: columns %s and accuracy needed" % (src, xcol))
    group = next((g for g in ("variant", "method") if g in rows[0]), None)
    pts = [(number(r[xcol]), 100 * number(r["accuracy"]), r.get(group, "") if group else "", r) for r in rows
           if number(r[xcol]) is not None and number(r["accuracy"]) is not None]
    if not pts:
        sys.exit("plot_sweep.py: %s: no row has both %s and accuracy" % (src, xcol))
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    markers = ["o", "^", "D", "s", "v", "P", "X"]
    groups = []
    for p in pts:
        if p[2] not in groups:
            groups.append(p[2])
    for i, g in enumerate(groups):
        sel = [p for p in pts if p[2] == g]
        ax.scatter([p[0] for p in sel], [p[1] for p in sel], marker=markers[i % len(markers)], alpha=0.75, label=g or None)
    front, best = [], None
    for p in sorted(pts, key=lambda p: (p[0], -p[1])):
        if best is None or p[1] > best:
            front.append(p)
            best = p[1]
    ax.plot([p[0] for p in front], [p[1] for p in front], color="k", linewidth=1, drawstyle="steps-post", zorder=1)
    ax.scatter([p[0] for p in front], [p[1] for p in front], s=140, facecolors="none", edgecolors="k", label="Pareto front")
    finish(fig, ax, xlabel, title, dst)


if __name__ == "__main__":
    main()
