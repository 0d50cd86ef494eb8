"""Save and load a trained model with its version, training data hash, features and metrics.

The file is a joblib pickle (only load files you made: unpickling runs code), with a JSON
sidecar of the same name holding the metadata for people and tools that should not unpickle.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from pydantic import BaseModel, ConfigDict

from leadflow import __version__
from leadflow.errors import ConfigError
from scoring.predictive.explain import explain
from scoring.predictive.features import FeaturePlan, records_matrix
from scoring.predictive.metrics import to_score
from scoring.predictive.models import Calibrator

FORMAT_VERSION = 1


class PredictiveScore(BaseModel):
    """A lead's learned score: 1-100 from the calibrated probability, with its reasons."""

    model_config = ConfigDict(frozen=True)

    score: int
    probability: float
    model_version: str
    reasons_up: list[str]
    reasons_down: list[str]


@dataclass
class SavedModel:
    """A fitted pipeline with everything needed to score a new lead and to audit the model."""

    meta: dict[str, Any]
    model: Any
    calibrator: Calibrator
    plan: FeaturePlan
    typical: np.ndarray

    @property
    def version(self) -> str:
        return str(self.meta["version"])

    def score_records(
        self, records: Iterable[Mapping[str, Any]], *, reasons: int = 5
    ) -> list[PredictiveScore]:
        """Score new leads given as dicts of field name -> value (as in the history CSV)."""
        x = records_matrix(records, self.plan)
        if len(x) == 0:
            return []
        p = self.calibrator.transform(self.model.decision_function(x))
        explained = explain(self.model, x, self.plan.names, self.typical, top=reasons)
        return [
            PredictiveScore(
                score=int(score),
                probability=round(float(prob), 4),
                model_version=self.version,
                reasons_up=[str(r) for r in why.up],
                reasons_down=[str(r) for r in why.down],
            )
            for score, prob, why in zip(to_score(p), p, explained, strict=True)
        ]


def make_meta(
    *, kind: str, data_sha256: str, source: str, rows: int, positives: int, outcome: str,
    positive: str, plan: FeaturePlan, metrics: dict[str, Any], calibration: str,
) -> dict[str, Any]:  # fmt: skip
    """The metadata saved beside a model (its `version` is added by `save_model`)."""
    return {
        "format_version": FORMAT_VERSION,
        "leadflow_version": __version__,
        "sklearn_version": sklearn.__version__,
        "kind": kind,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_data": {
            "source": source,
            "sha256": data_sha256,
            "rows": rows,
            "positives": positives,
        },
        "outcome": {"column": outcome, "positive": positive},
        "features": {"numeric": plan.numeric, "categorical": plan.categorical},
        "excluded": {e.column: e.reason for e in plan.excluded},
        "calibration": calibration,
        "metrics": metrics,
    }


def save_model(path: Path | str, saved: SavedModel) -> Path:
    """Write the model file and its `.json` sidecar; the version is a hash of the content."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    saved.meta.pop("version", None)
    buffer = io.BytesIO()
    joblib.dump((saved.model, saved.calibrator, saved.plan, saved.typical), buffer)
    payload = buffer.getvalue()
    digest = hashlib.sha256(payload + json.dumps(saved.meta, sort_keys=True).encode())
    saved.meta["version"] = f"{saved.meta['kind']}-{digest.hexdigest()[:12]}"
    joblib.dump({"meta": saved.meta, "payload": payload}, path)
    sidecar = path.with_suffix(path.suffix + ".json")
    sidecar.write_text(json.dumps(saved.meta, indent=2) + "\n", encoding="utf-8")
    return path


def load_model(path: Path | str) -> SavedModel:
    """Read a model file written by `save_model`; ConfigError when it is not one."""
    path = Path(path)
    try:
        stored = joblib.load(path)
        meta = stored["meta"]
    except FileNotFoundError:
        raise ConfigError("model file not found", file=path) from None
    except (OSError, EOFError, KeyError, TypeError, ValueError, pickle.UnpicklingError) as exc:
        raise ConfigError(
            f"not a leadflow model file ({exc.__class__.__name__})", file=path
        ) from None
    if meta.get("format_version") != FORMAT_VERSION:
        raise ConfigError(
            f"model format {meta.get('format_version')} is not supported "
            f"(this leadflow reads {FORMAT_VERSION}); retrain with `leadflow backtest`",
            file=path,
        )
    if meta.get("sklearn_version") != sklearn.__version__:
        warnings.warn(
            f"{path}: trained with scikit-learn {meta.get('sklearn_version')}, running "
            f"{sklearn.__version__}; retrain if scores look wrong",
            stacklevel=2,
        )
    model, calibrator, plan, typical = joblib.load(io.BytesIO(stored["payload"]))
    return SavedModel(meta, model, calibrator, plan, typical)
