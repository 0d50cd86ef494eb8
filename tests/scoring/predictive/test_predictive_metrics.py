import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from scoring.predictive.metrics import (
    auc,
    deciles,
    evaluate,
    paired_difference,
    threshold_table,
    to_score,
)


def _data(n=2000, seed=1):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.2).astype(int)
    p = np.clip(0.2 + 0.3 * (y - 0.2) + rng.normal(0, 0.2, n), 0, 1).round(2)  # many ties
    return y, p


def test_point_metrics_match_sklearn_with_ties():
    y, p = _data()
    m = evaluate(y, p, n_boot=0)
    assert abs(auc(y, p) - roc_auc_score(y, p)) < 1e-12
    assert abs(m["auc"].value - roc_auc_score(y, p)) < 1e-12
    assert abs(m["pr_auc"].value - average_precision_score(y, p)) < 1e-12
    assert abs(m["brier"].value - np.mean((p - y) ** 2)) < 1e-12


def test_bootstrap_interval_brackets_the_value_and_narrows_with_data():
    y, p = _data(400)
    small = evaluate(y, p, n_boot=100)["auc"]
    y, p = _data(8000)
    large = evaluate(y, p, n_boot=100)["auc"]
    assert small.low <= small.value <= small.high
    assert large.high - large.low < small.high - small.low


def test_thresholds_deciles_scores():
    y, p = _data()
    s = to_score(p)
    assert s.min() >= 1 and s.max() <= 100
    m = evaluate(y, p, thresholds={"Good": 50}, scores=s, n_boot=10)
    row = threshold_table(y, s, [50])[0]
    assert abs(m["precision_at_Good"].value - row["precision"]) < 1e-12
    assert abs(m["recall_at_Good"].value - row["recall"]) < 1e-12
    d = deciles(y, p)
    assert abs(d["cumulative_gain"][-1] - 1) < 1e-12 and d["lift"][0] > 1


def test_nothing_flagged_gives_none_not_nan():
    y, p = _data(300)
    m = evaluate(y, p, thresholds={"Good": 101}, scores=to_score(p), n_boot=5)
    assert m["precision_at_Good"].as_dict()["value"] is None


def test_paired_difference_of_identical_scores_is_zero():
    y, p = _data(500)
    d = paired_difference(y, p, p, threshold=0.5, n_boot=20)
    assert d["auc"].value == d["auc"].low == d["auc"].high == 0
