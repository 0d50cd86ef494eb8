import numpy as np

from scoring.bant import Criterion
from scoring.config import default_config
from scoring.predictive.mapping import Signal
from scoring.predictive.rule_fit import fit_rules


def _bant(n=3000, seed=0):
    """Authority decides almost everything; budget a little; need and timeline nothing."""
    rng = np.random.default_rng(seed)
    tiers = np.column_stack([
        rng.integers(0, 3, n), rng.integers(0, 4, n), rng.integers(0, 3, n), rng.integers(0, 3, n)
    ])  # fmt: skip
    z = -2 + 2.5 * (tiers[:, 1] == 0) + 1.5 * (tiers[:, 1] == 1) + 0.3 * (tiers[:, 0] == 0)
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    config = default_config()
    points = {c: [t.points for t in getattr(config.tiers, c.value)] for c in Criterion}
    totals = sum(np.asarray(points[c])[tiers[:, i]] for i, c in enumerate(Criterion))
    return tiers, y, totals.astype(float), config


def test_bant_weights_follow_the_outcomes_and_sum_to_100():
    tiers, y, totals, config = _bant()
    fit = fit_rules(y, totals, config=config, tier_index=tiers, n_boot=50)
    weights = fit.config.weights
    assert weights.budget + weights.authority + weights.need + weights.timeline == 100
    assert weights.authority > 60 > config.weights.authority
    assert fit.suggested["auc"].value > fit.current["auc"].value
    assert fit.change["auc"].low > 0  # the paired interval excludes no change
    assert fit.config.version != config.version


def test_a_criterion_without_information_keeps_its_points():
    tiers, y, totals, config = _bant()
    tiers[:, 2] = 2  # need unknown for everyone: lowest tier
    fit = fit_rules(y, totals, config=config, tier_index=tiers, n_boot=10)
    assert fit.config.tiers.need == config.tiers.need
    assert any(note.startswith("need: every row is in one tier") for note in fit.notes)


def test_signal_points_are_refitted():
    rng = np.random.default_rng(2)
    hits = (rng.random((2000, 2)) < 0.3).astype(float)
    y = (rng.random(2000) < np.where(hits[:, 1] == 1, 0.5, 0.1)).astype(int)
    signals = [Signal(column="a", equals="x", points=50), Signal(column="b", equals="y", points=5)]
    totals = hits @ np.array([50, 5.0])
    fit = fit_rules(y, totals, config=default_config(), hits=hits, signals=signals, n_boot=10)
    assert fit.signals[1].points > fit.signals[0].points
    assert fit.suggested["auc"].value > fit.current["auc"].value
