#!/usr/bin/env python3
"""plot_study.py CSV REGULATION PNG [TITLE] -- accuracy against clock scale from `tesa study`'s CSV
(compiler/study.h) at one regulation: N_baseline, N_TError, N_WD+EAQ and N_EAQ, each a line over the
clock scales with its standard deviation over seeds as error bars. Drawn with matplotlib (Debian's
python3-matplotlib, installed by scripts/setup.sh)."""
import csv
import sys

from plot_common import finish, pyplot

plt = pyplot("plot_study.py")


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: plot_study.py CSV REGULATION PNG [TITLE]")
    src, reg, dst = sys.argv[1:4]
    title = sys.argv[4] if len(sys.argv) > 4 else ""
    try:
        with open(src, newline="") as f:
            rows = [r for r in csv.DictReader(f)]
    except OSError as e:
        sys.exit("plot_study.py: %s: %s" % (src, e.strerror))
    need = {"clock_scale", "regulation", "n_baseline", "n_terror_mean", "n_terror_sd", "n_wd_eaq_mean", "n_wd_eaq_sd", "n_eaq_mean", "n_eaq_sd"}
    if not rows or not need.issubset(rows[0].keys()):
        sys.exit("plot_study.py: %s: not a tesa study CSV (columns %s needed)" % (src, ", ".join(sorted(need))))
    rows = sorted((r for r in rows if r["regulation"] == reg), key=lambda r: float(r["clock_scale"]))
    if not rows:
        sys.exit("plot_study.py: %s: no row at regulation %s" % (src, reg))
    x = [float(r["clock_scale"]) for r in rows]
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    series = [("baseline", "n_baseline", None, "k", "s"), ("TError", "n_terror_mean", "n_terror_sd", "tab:red", "o"),
              ("WD+EAQ", "n_wd_eaq_mean", "n_wd_eaq_sd", "tab:green", "D"), ("EAQ", "n_eaq_mean", "n_eaq_sd", "tab:blue", "^")]
    for label, mean, sd, colour, marker in series:
        y = [float(r[mean]) for r in rows]
        err = [float(r[sd]) for r in rows] if sd else None
        ax.errorbar(x, y, yerr=err, color=colour, marker=marker, capsize=3, label=label)
    finish(fig, ax, "clock scale (x OpenSTA's min period)", title, dst)


if __name__ == "__main__":
    main()
