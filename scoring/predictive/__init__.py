"""Predictive scoring and backtests: learn from a history of leads and their outcomes.

One concept per module:
- `table`      read a history CSV, sniff the delimiter, treat placeholders as missing, infer types
- `mapping`    the mapping file: rename, drop, post-outcome columns, rule columns
- `features`   which columns become features (and why the others do not), the design matrix
- `models`     the scikit-learn pipelines: logistic regression, gradient boosting, naive Bayes
- `metrics`    AUC, lift, gains, calibration, thresholds, bootstrap confidence intervals
- `evaluation` out-of-sample evaluation: stratified k-fold and time-ordered splits
- `explain`    top features overall and the reasons behind one lead's score
- `rules`      the rule-based score of each history row (BANT answers or signal columns)
- `rule_fit`   fit BANT weights and tier points to outcomes
- `artifact`   save and load a trained model with its version, data hash, features and metrics
- `charts`     the report's PNG charts; `report` the JSON metrics and the self-contained HTML
- `backtest`   the whole run, from a table to a result
"""
