"""plot_common.py -- what tesa's matplotlib scripts share: the Agg backend with a clear message when
matplotlib is missing, and the finish of a single-panel accuracy plot."""
import sys


def pyplot(script):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        sys.exit("%s: matplotlib is not installed (%s); bash scripts/setup.sh installs python3-matplotlib" % (script, e))
    return plt


def finish(fig, ax, xlabel, title, dst):
    """Labels, grid and legend of an accuracy-against-X panel, written to dst as PNG."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel("accuracy (%)")
    if title:
        ax.set_title(title, fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(dst, dpi=110, format="png")
