#!/usr/bin/env python3
"""plot_tradeoff.py CSV PNG [TITLE] -- accuracy against energy per inference from `tesa explore`'s CSV
(compiler/tradeoff.h): one panel per regulation mode and source of errors (the injection model, or the
cycle-accurate array with --array-accuracy), one curve per variant (points joined in order
of energy), each point labelled with its supply and clock; the baseline's accuracy minus 1 point
dashed. Drawn with matplotlib (Debian's python3-matplotlib, installed by scripts/setup.sh)."""
import csv
import sys

from plot_common import pyplot

plt = pyplot("plot_tradeoff.py")


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: plot_tradeoff.py CSV PNG [TITLE]")
    src, dst = sys.argv[1], sys.argv[2]
    title = sys.argv[3] if len(sys.argv) > 3 else ""
    try:
        with open(src, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        sys.exit("plot_tradeoff.py: %s: %s" % (src, e.strerror))
    need = {"regulation", "dies", "variant", "errors", "energy_nj_per_inference", "accuracy", "accuracy_min", "accuracy_max", "supply_v", "frequency_mhz"}
    if not rows or not need.issubset(rows[0].keys()):
        sys.exit("plot_tradeoff.py: %s: not a tesa explore CSV (columns %s needed)" % (src, ", ".join(sorted(need))))
    modes = []
    for r in rows:
        m = (r["regulation"], int(r["dies"]), r["errors"])
        if r["variant"] != "baseline" and m not in modes:
            modes.append(m)
    fig, axes = plt.subplots(1, len(modes), figsize=(5.2 * len(modes), 4.4), squeeze=False)
    styles = {"baseline": ("k", "s"), "TError": ("tab:red", "o"), "EAQ": ("tab:blue", "^"), "WD+EAQ": ("tab:green", "D")}
    for ax, (reg, dies, errors) in zip(axes[0], modes):
        sel = [r for r in rows if r["regulation"] == reg and int(r["dies"]) == dies and (r["errors"] == errors or r["variant"] == "baseline")]
        for variant in ["baseline", "TError", "EAQ", "WD+EAQ"]:
            pts = sorted(((float(r["energy_nj_per_inference"]), r) for r in sel if r["variant"] == variant), key=lambda p: p[0])
            if not pts:
                continue
            x = [p[0] for p in pts]
            y = [100 * float(p[1]["accuracy"]) for p in pts]
            colour, marker = styles.get(variant, ("tab:gray", "x"))
            if dies > 0 and variant != "baseline":
                lo = [100 * (float(p[1]["accuracy"]) - float(p[1]["accuracy_min"])) for p in pts]
                hi = [100 * (float(p[1]["accuracy_max"]) - float(p[1]["accuracy"])) for p in pts]
                ax.errorbar(x, y, yerr=[lo, hi], color=colour, marker=marker, capsize=3, label=variant + " (min..max over dies)")
            else:
                ax.plot(x, y, color=colour, marker=marker, label=variant)
            if variant == "TError":
                for xi, yi, (_, r) in zip(x, y, pts):
                    ax.annotate("%.2f V, %.0f MHz" % (float(r["supply_v"]), float(r["frequency_mhz"])), (xi, yi),
                                textcoords="offset points", xytext=(4, -10), fontsize=7)
        base = [100 * float(r["accuracy"]) for r in sel if r["variant"] == "baseline"]
        if base:
            ax.axhline(base[0] - 1, color="gray", linestyle="--", linewidth=0.8, label="baseline - 1 point")
        ax.set_title("%s, errors from %s%s" % ("no regulation, %d dies" % dies if dies else reg + " regulation", errors,
                                                (" -- " + title) if title else ""), fontsize=9)
        ax.set_xlabel("energy per inference (nJ, array PEs)")
        ax.set_ylabel("accuracy (%)")
        ax.grid(True, linewidth=0.3)
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    try:
        fig.savefig(dst, dpi=110, format="png")
    except OSError as e:
        sys.exit("plot_tradeoff.py: %s: %s" % (dst, e.strerror))


if __name__ == "__main__":
    main()
