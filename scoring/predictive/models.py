"""The three learners, as scikit-learn pipelines over the object design matrix of `features`.

- `lr`  regularised logistic regression on scaled numbers, quantile bins of numbers and one-hot
        categories: interpretable, the default below `LR_DEFAULT_BELOW` rows.
- `hgb` histogram gradient boosting with native categories and early stopping.
- `nb`  Odoo-style naive Bayes over field-value frequencies (numbers binned into quantiles,
        missing is a value of its own): a fast baseline that works on tiny data.
Every model exposes `decision_function` (log-odds); `Calibrator` maps those to probabilities.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, StandardScaler

LR_DEFAULT_BELOW = 3000
#: Isotonic calibration needs enough rows; below this, Platt (logistic) scaling is used.
ISOTONIC_FROM = 1000


class ModelKind(StrEnum):
    LR = "lr"
    HGB = "hgb"
    NB = "nb"

    @property
    def title(self) -> str:
        return {
            "lr": "Logistic regression",
            "hgb": "Gradient boosting",
            "nb": "Naive Bayes (field frequencies)",
        }[self.value]


def default_kind(n_rows: int) -> ModelKind:
    """Logistic regression on small histories, gradient boosting on larger ones."""
    return ModelKind.LR if n_rows < LR_DEFAULT_BELOW else ModelKind.HGB


def as_float(x: np.ndarray) -> np.ndarray:
    """Object columns of floats as a float array (module-level so pipelines pickle)."""
    return np.asarray(x, dtype=float)


class FieldValues(TransformerMixin, BaseEstimator):
    """Each field as a small integer code: numbers by quantile bin, text by value.

    Code 0 is "missing, rare or unseen", so every field has codes 0..n_values_[j]-1."""

    def __init__(self, n_bins: int = 10, min_count: int = 3, numeric: bool = True):
        self.n_bins = n_bins
        self.min_count = min_count
        self.numeric = numeric

    def fit(self, x: np.ndarray, y: np.ndarray | None = None) -> FieldValues:
        self.maps_: list = []
        for column in np.asarray(x, dtype=float if self.numeric else object).T:
            if self.numeric:
                present = column[~np.isnan(column)]
                qs = np.linspace(0, 1, self.n_bins + 1)[1:-1]
                edges = np.unique(np.quantile(present, qs)) if len(present) else np.array([])
                self.maps_.append(edges)
            else:
                values, counts = np.unique(column.astype(str), return_counts=True)
                kept = values[counts >= self.min_count]
                self.maps_.append({v: i + 1 for i, v in enumerate(kept)})
        self.n_values_ = np.array(
            [len(m) + 2 if self.numeric else len(m) + 1 for m in self.maps_], dtype=int
        )
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float if self.numeric else object)
        out = np.zeros(x.shape, dtype=np.int64)
        for j, mapping in enumerate(self.maps_):
            if self.numeric:
                col = x[:, j]
                codes = np.searchsorted(mapping, col, side="right") + 1
                out[:, j] = np.where(np.isnan(col), 0, codes)
            else:
                out[:, j] = [mapping.get(str(v), 0) for v in x[:, j]]
        return out


class FrequencyNaiveBayes(ClassifierMixin, BaseEstimator):
    """Naive Bayes over the codes of `FieldValues`, with Laplace smoothing `alpha`."""

    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha

    def fit(self, x: np.ndarray, y: np.ndarray) -> FrequencyNaiveBayes:
        y = np.asarray(y).astype(int)
        self.classes_ = np.array([0, 1])
        n_pos = y.sum()
        self.prior_log_odds_ = float(np.log((n_pos + 1) / (len(y) - n_pos + 1)))
        self.log_ratios_ = []
        for j in range(x.shape[1]):
            width = int(x[:, j].max()) + 1
            pos = np.bincount(x[y == 1, j], minlength=width) + self.alpha
            neg = np.bincount(x[y == 0, j], minlength=width) + self.alpha
            self.log_ratios_.append(np.log(pos / pos.sum()) - np.log(neg / neg.sum()))
        return self

    def field_contributions(self, x: np.ndarray) -> np.ndarray:
        """Per row and field: the log-likelihood ratio that field's value adds to the odds."""
        out = np.zeros(x.shape)
        for j, ratios in enumerate(self.log_ratios_):
            out[:, j] = ratios[np.clip(x[:, j], 0, len(ratios) - 1)]
        return out

    def decision_function(self, x: np.ndarray) -> np.ndarray:
        return self.prior_log_odds_ + self.field_contributions(x).sum(axis=1)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        p = 1 / (1 + np.exp(-self.decision_function(x)))
        return np.column_stack([1 - p, p])

    def predict(self, x: np.ndarray) -> np.ndarray:
        return (self.decision_function(x) > 0).astype(int)


def make_model(kind: ModelKind, n_numeric: int, n_categorical: int, n_rows: int, seed: int = 0):
    """An unfitted pipeline of `kind` for a design matrix with numeric columns first."""
    num = list(range(n_numeric))
    cat = list(range(n_numeric, n_numeric + n_categorical))
    small = n_rows < 1000
    if kind is ModelKind.LR:
        numbers = Pipeline(
            [
                ("float", FunctionTransformer(as_float)),
                ("impute", SimpleImputer(strategy="median", add_indicator=True)),
                ("scale", StandardScaler()),
            ]
        )
        bins = Pipeline(
            [
                ("bins", FieldValues(n_bins=5 if small else 10)),
                ("onehot", OneHotEncoder(handle_unknown="ignore")),
            ]
        )
        onehot = OneHotEncoder(
            handle_unknown="infrequent_if_exist", min_frequency=5 if small else 20
        )
        pre = ColumnTransformer(
            [("num", numbers, num), ("bins", bins, num), ("cat", onehot, cat)],
            sparse_threshold=0.0,
        )
        clf = LogisticRegression(C=0.3 if small else 1.0, max_iter=2000)
        return Pipeline([("pre", pre), ("model", clf)])
    if kind is ModelKind.HGB:
        ordinal = OrdinalEncoder(
            handle_unknown="use_encoded_value", unknown_value=np.nan, max_categories=64
        )
        pre = ColumnTransformer(
            [("num", FunctionTransformer(as_float), num), ("cat", ordinal, cat)]
        )
        # On small data boosting overfits fast: fewer, shallower, slower trees.
        clf = HistGradientBoostingClassifier(
            learning_rate=0.05 if small else 0.1,
            max_iter=60 if small else 300,
            max_leaf_nodes=6 if small else 15,
            min_samples_leaf=20 if small else 40,
            l2_regularization=1.0,
            early_stopping=not small,
            validation_fraction=0.1,
            n_iter_no_change=15,
            categorical_features=[False] * len(num) + [True] * len(cat),
            random_state=seed,
        )
        return Pipeline([("pre", pre), ("model", clf)])
    pre = ColumnTransformer(
        [
            ("num", FieldValues(n_bins=5 if small else 10), num),
            ("cat", FieldValues(numeric=False), cat),
        ]
    )
    return Pipeline([("pre", pre), ("model", FrequencyNaiveBayes())])


class Calibrator:
    """Log-odds to probability: Platt scaling (keeps the ranking, so AUC is unchanged) or
    isotonic regression (more flexible; needs `ISOTONIC_FROM` rows, else Platt is used)."""

    def __init__(self, method: str = "sigmoid"):
        self.method = method

    def fit(self, log_odds: np.ndarray, labels: np.ndarray) -> Calibrator:
        log_odds = np.asarray(log_odds, dtype=float)
        if self.method == "isotonic" and len(labels) >= ISOTONIC_FROM:
            self._model = IsotonicRegression(y_min=1e-4, y_max=1 - 1e-4, out_of_bounds="clip")
            self._model.fit(log_odds, labels)
        else:
            self.method = "sigmoid"
            self._model = LogisticRegression(C=1e6).fit(log_odds[:, None], labels)
        return self

    def transform(self, log_odds: np.ndarray) -> np.ndarray:
        log_odds = np.asarray(log_odds, dtype=float)
        if self.method == "isotonic":
            return self._model.predict(log_odds)
        return self._model.predict_proba(log_odds[:, None])[:, 1]
