"""The report's charts as PNG bytes (matplotlib, Agg backend: no display needed).

Each function takes plain arrays and returns PNG bytes; `data_uri` embeds them in HTML.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import precision_recall_curve, roc_curve

from scoring.predictive.metrics import calibration_bins, deciles, threshold_table

Curves = Mapping[str, tuple[np.ndarray, np.ndarray]]  # label -> (outcomes, scores)
_SIZE = (6.4, 4.2)


def data_uri(png: bytes) -> str:
    """A `data:` URI embedding the PNG, for a self-contained HTML page."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _png(fig) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()


def roc_chart(curves: Curves, aucs: Mapping[str, float], title: str = "ROC curve") -> bytes:
    """True positive rate against false positive rate, one line per scorer."""
    fig, ax = plt.subplots(figsize=_SIZE)
    for label, (y, s) in curves.items():
        fpr, tpr, _ = roc_curve(y, s)
        ax.plot(fpr, tpr, label=f"{label} (AUC {aucs[label]:.3f})")
    ax.plot([0, 1], [0, 1], ls=":", color="grey", label="chance")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title=title)
    ax.legend(loc="lower right", fontsize=8)
    return _png(fig)


def pr_chart(curves: Curves) -> bytes:
    """Precision against recall, one line per scorer, with the base rate."""
    fig, ax = plt.subplots(figsize=_SIZE)
    base = 0.0
    for label, (y, s) in curves.items():
        precision, recall, _ = precision_recall_curve(y, s)
        ax.plot(recall, precision, label=label)
        base = float(np.mean(y))
    ax.axhline(base, ls=":", color="grey", label=f"base rate {base:.1%}")
    ax.set(xlabel="recall", ylabel="precision", title="Precision-recall", ylim=(0, 1.02))
    ax.legend(loc="upper right", fontsize=8)
    return _png(fig)


def lift_chart(curves: Curves) -> bytes:
    """Lift per score decile (bars) and cumulative gains (lines), side by side."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.6, 4.0))
    width = 0.8 / max(len(curves), 1)
    x = np.arange(1, 11)
    for i, (label, (y, s)) in enumerate(curves.items()):
        table = deciles(y, s)
        left.bar(x + (i - (len(curves) - 1) / 2) * width, table["lift"], width, label=label)
        right.plot(np.arange(0, 11) * 10, [0, *table["cumulative_gain"]], marker="o", ms=3,
                   label=label)  # fmt: skip
    left.axhline(1, ls=":", color="grey")
    left.set(xlabel="decile (1 = highest scores)", ylabel="lift", title="Lift by decile",
             xticks=x)  # fmt: skip
    right.plot([0, 100], [0, 1], ls=":", color="grey", label="random")
    right.set(xlabel="% of leads contacted (highest scores first)",
              ylabel="share of positive outcomes", title="Cumulative gains")  # fmt: skip
    left.legend(fontsize=7)
    right.legend(fontsize=7, loc="lower right")
    return _png(fig)


def calibration_chart(curves: Curves) -> bytes:
    """Observed outcome rate against predicted probability, per quantile bin."""
    fig, ax = plt.subplots(figsize=_SIZE)
    top = 0.0
    for label, (y, p) in curves.items():
        bins = calibration_bins(y, p)
        ax.plot(bins["predicted"], bins["observed"], marker="o", ms=4, label=label)
        top = max(top, *bins["predicted"], *bins["observed"])
    top = min(1.0, top * 1.1 + 0.01)
    ax.plot([0, top], [0, top], ls=":", color="grey", label="perfectly calibrated")
    ax.set(xlabel="predicted probability", ylabel="observed rate", title="Calibration",
           xlim=(0, top), ylim=(0, top))  # fmt: skip
    ax.legend(fontsize=8)
    return _png(fig)


def distribution_chart(labels: np.ndarray, scores: np.ndarray, title: str) -> bytes:
    """Histograms of the 1-100 score for positive and negative outcomes (each sums to 1)."""
    fig, ax = plt.subplots(figsize=_SIZE)
    bins = np.linspace(0, 100, 41)
    y = np.asarray(labels).astype(bool)
    for mask, label in ((~y, "negative outcome"), (y, "positive outcome")):
        weights = np.full(mask.sum(), 1 / max(mask.sum(), 1))
        ax.hist(scores[mask], bins=bins, weights=weights, alpha=0.6, label=label)
    ax.set(xlabel="score (1-100)", ylabel="share of leads", title=title)
    ax.legend(fontsize=8)
    return _png(fig)


def threshold_chart(
    labels: np.ndarray, scores: np.ndarray, bands: Sequence[tuple[str, int]], title: str
) -> bytes:
    """Precision, recall and F1 of `score >= t` for every t, with the band minimums marked."""
    fig, ax = plt.subplots(figsize=_SIZE)
    table = threshold_table(labels, scores, range(1, 101))
    t = [row["threshold"] for row in table]
    for key in ("precision", "recall", "f1"):
        ax.plot(t, [row[key] for row in table], label=key)
    for name, minimum in bands:
        if minimum > 0:
            ax.axvline(minimum, ls="--", color="grey")
            ax.text(minimum + 0.5, 0.95, name, fontsize=8, color="grey")
    ax.set(xlabel="threshold (score >=)", ylabel="value", title=title, ylim=(0, 1.02))
    ax.legend(fontsize=8)
    return _png(fig)


def features_chart(importances: Sequence[tuple[str, float]], top: int = 15) -> bytes:
    """The fields with the largest mean absolute effect on the log-odds."""
    shown = list(importances)[:top][::-1]
    fig, ax = plt.subplots(figsize=(6.4, 0.3 * len(shown) + 1.2))
    ax.barh([name for name, _ in shown], [value for _, value in shown], color="tab:blue")
    ax.set(xlabel="mean |effect on log-odds|", title="Top features")
    return _png(fig)
