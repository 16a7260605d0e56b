"""Compare the engine's choice rules offline on real tables' folds (issue 19).

A rule of :func:`keras_symbolic.pipelines.auto_choice.choose` decides among candidates the stages have
already found, so one run of the engine per table and fold gives everything a rule needs: the candidate
table, each candidate's out-of-fold per-row errors (what ``choose`` sees), which candidates are finite
beyond and smooth between the rows, and each candidate's R^2 on the fold's test rows. ``capture`` stores
that per fold; ``compare`` replays ``choose`` under each rule and prints the median test R^2 per table
beside least squares'.

    PYTHONPATH=. KERAS_BACKEND=jax python benchmarks/choice_rules.py capture --tables dev,holdout --out DIR
    PYTHONPATH=. python benchmarks/choice_rules.py compare --out DIR

Rules: ``one-se`` is the rule before session 11 (least squares yields to a formula one paired standard
error ahead; no smoothness check); ``one-se-smooth`` the rule of sessions 11-19 (the same, with the
smoothness check between the rows); ``loo-paired`` the one tried in session 19 (``one-se-smooth``, but
below 30 rows, judged by leave-one-out, the one-standard-error pick also answers when it is clearly better
on the leave-one-out errors and has more than three rows per constant); ``two-se`` the rule adopted in
session 19 (two paired standard errors, or one when the formula halves least squares' mean error; with
the smoothness check; the code's rule since); ``two-se-loo:R``, tried in session 20, the same but below 30
rows one standard error suffices only when the formula's mean error is at most ``R`` of least squares'
(``two-se-loo``: never); ``two-se-mean`` the same as ``two-se``, but when no formula beats the mean the
training mean answers rather than a rounding of it; ``tried-s20`` both (``two-se-loo:0.1`` and the mean),
as judged and not kept in session 20; ``current`` the code's own rule.
"""
from __future__ import annotations

import argparse
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import sympy as sp

import keras_symbolic.pipelines.auto as auto
import keras_symbolic.pipelines.auto_choice as auto_choice
from keras_symbolic.bench.realdata import TABLE_SETS, _r2, load_table
from keras_symbolic.symbolic.evaluation import predict_or_nan
from keras_symbolic.symbolic.names import safe_names

FOLDS, BUDGET = 5, 20.0


def capture(tables: list[str], out: Path, settings: dict | None = None) -> None:
    """Run the engine on every fold of ``tables`` (``settings``: :class:`AutoConfig` fields besides the seed
    and budget, for a variant of the engine) and store one record per fold in ``out``."""
    from sklearn.model_selection import KFold

    seen: dict = {}
    choose, smooth_between = auto.choose, auto.smooth_between

    def record_smooth(table, X, symbols):  # keep the mask apart, so a rule can be replayed without it
        seen["smooth"] = smooth_between(table, X, symbols)
        return np.ones(len(table), dtype=bool)

    def record_choose(table, exact=True, n_val=0, errors=None, fresh=None, finite=None):
        smooth = seen.get("smooth")
        both = finite if finite is None or smooth is None else np.asarray(finite) & smooth
        if not exact:
            seen.update(table=table.copy(), errors=errors, fresh=fresh, finite=finite, n_val=n_val)
        return choose(table, exact=exact, n_val=n_val, errors=errors, fresh=fresh, finite=both)

    auto.choose, auto.smooth_between = record_choose, record_smooth
    out.mkdir(parents=True, exist_ok=True)
    for name in tables:
        X, y, names = load_table(name)
        for fold, (train, test) in enumerate(KFold(FOLDS, shuffle=True, random_state=0).split(X)):
            path = out / f"{name}-{fold}.pkl"
            if path.exists():
                continue
            seen.clear()
            result = auto.run_auto(X[train], y[train], list(safe_names(names).safe),
                                   auto.AutoConfig(seed=0, time_budget=BUDGET, **(settings or {})), verbose=0)
            table = result.equations
            with np.errstate(all="ignore"):
                tests = {i: _r2(y[test], predict_or_nan(sp.sympify(e), X[test], result.variables))
                         for i, e in zip(table.index, table["expression"])}
            chosen = int(table.index[table["chosen"].to_numpy(dtype=bool)][0])
            pickle.dump({"name": name, "fold": fold, "equations": table, "tests": tests, "chosen": chosen,
                         "rule": result.rule, **seen}, path.open("wb"))
            print(f"{name} fold {fold}: {result.rule}: {str(result.expression)[:70]} (test R^2 {tests[chosen]:.3f})",
                  flush=True)


def _one_se(comparison, i, j) -> bool:
    mean, se = auto_choice.paired_difference(comparison.errors, i, j)
    return mean + se < 0


def _two_se(comparison, i, j, ratio=0.5) -> bool:
    mean, se = auto_choice.paired_difference(comparison.errors, i, j)
    cuts = float(comparison.errors.loc[i].mean()) <= ratio * float(comparison.errors.loc[j].mean())
    return mean + 2 * se < 0 or (cuts and mean + se < 0)


def _two_se_loo(ratio: float, record: dict):
    """``two-se``, but below 30 rows (no fresh rows: the forms were found on the rows leave-one-out judges)
    one standard error suffices only when the formula's mean error is at most ``ratio`` of least squares'
    (``two-se-loo:0.1``; ``two-se-loo``: never)."""
    loo = record["fresh"] is not None and not len(record["fresh"])
    return lambda comparison, i, j: _two_se(comparison, i, j, ratio if loo else 0.5)


def _mean_over_rounding(table) -> int:
    """The constant of ``table`` with the best R^2 (to 9 decimals), the training mean (solver
    ``constant``) on a tie: a rounded mean judged with its number free ties with the mean."""
    constant = [i for i, e in zip(table.index, table["expression"]) if not sp.sympify(e).free_symbols]
    pool = table.loc[constant or list(table.index)]
    order = pd.DataFrame({"r2": pool["r2"].astype(float).fillna(-np.inf).round(9),
                          "mean": (pool["solver"] == "constant").to_numpy()}, index=pool.index)
    return int(order.sort_values(["r2", "mean"], ascending=False, kind="stable").index[0])


def _replay(record: dict, rule: str) -> int:
    if record.get("table") is None:  # the description length's pick was exact: no rule was asked
        return record["chosen"]
    finite, smooth = record["finite"], record.get("smooth")
    clearly, confirmed = auto_choice._Comparison.clearly_better, auto_choice.confirmed
    if record["errors"] is not None and rule != "current":
        loo_ratio = 0.1 if rule == "tried-s20" else float(rule.partition(":")[2] or 0)
        auto_choice._Comparison.clearly_better = (
            _two_se if rule in ("two-se", "two-se-mean") else _two_se_loo(loo_ratio, record)
            if rule.startswith("two-se-loo") or rule == "tried-s20" else _one_se)
    if rule == "loo-paired":
        auto_choice.confirmed = _loo_paired(record)
    if rule != "one-se" and smooth is not None:
        finite = smooth if finite is None else np.asarray(finite) & smooth
    try:
        pick, chosen_by = auto_choice.choose(record["table"], exact=False, n_val=record["n_val"],
                                             errors=record["errors"], fresh=record["fresh"], finite=finite)
        if chosen_by == "no formula beats the mean" and rule in ("two-se-mean", "tried-s20"):
            pick = _mean_over_rounding(record["table"])
        return pick
    finally:
        auto_choice._Comparison.clearly_better, auto_choice.confirmed = clearly, confirmed


def _loo_paired(record: dict):
    """``confirmed`` of the rule tried in session 19: without fresh rows, the pick answers when it is
    clearly better on the leave-one-out errors and has more than three rows per constant."""
    compare = auto_choice._Comparison(record["table"], record["n_val"], record["errors"])
    before = auto_choice.confirmed

    def confirmed(errors, pick, by_dl, fresh):
        if len(fresh):
            return before(errors, pick, by_dl, fresh)
        numbers = [a for a in sp.sympify(record["table"].loc[pick, "expression"]).atoms(sp.Number)
                   if a not in (sp.S.One, sp.S.NegativeOne, sp.S.Half)]
        return compare.clearly_better(pick, by_dl) and 3 * len(numbers) < errors.shape[1]

    return confirmed


def compare(out: Path, rules=("one-se-smooth", "two-se", "tried-s20", "current")) -> pd.DataFrame:
    """The median test R^2 per table under each of ``rules`` beside least squares', and the counts."""
    rows = []
    for path in sorted(out.glob("*.pkl")):
        record = pickle.load(path.open("rb"))
        table = record["equations"]
        linear = table.index[(table["solver"] == "linear").to_numpy()]
        for rule in rules:
            pick = _replay(record, rule)
            rows.append({"table": record["name"], "fold": record["fold"], "rule": rule, "r2": record["tests"][pick],
                         "linear": record["tests"][linear[0]] if len(linear) else np.nan,
                         "size": table.loc[pick, "complexity"], "expression": str(table.loc[pick, "expression"])})
    folds = pd.DataFrame(rows)
    medians = folds.pivot_table(index="table", columns="rule", values="r2", aggfunc="median")[list(rules)]
    medians["linear"] = folds.groupby("table")["linear"].median()
    print(medians.round(3).to_string())
    for rule in rules:
        per_fold = folds[folds["rule"] == rule]
        print(f"{rule}: median test R^2 at least least squares' on {int((medians[rule].round(3) >= medians['linear'].round(3)).sum())}"
              f" of {len(medians)} tables; folds more than 0.05 below it: {int((per_fold['r2'] < per_fold['linear'] - 0.05).sum())}"
              f" of {len(per_fold)}; worst fold {per_fold['r2'].min():.3f}; median of the table medians"
              f" {medians[rule].median():.3f}; median size {per_fold['size'].median():.0f}")
    return folds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["capture", "compare"])
    parser.add_argument("--tables", default="dev", help="comma-separated table names or sets (dev, holdout, holdout2)")
    parser.add_argument("--out", type=Path, required=True, help="folder of the per-fold records")
    parser.add_argument("--rules", default="one-se-smooth,two-se,tried-s20,current",
                        help="comma-separated rules to replay (two-se-loo:R for a ratio R below 30 rows)")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="capture a variant: an AutoConfig field and its value (repeatable)")
    args = parser.parse_args()
    if args.action == "capture":
        names = [n for part in args.tables.split(",") for n in TABLE_SETS.get(part, (part,))]
        settings = {}
        for item in args.set:
            field, _, value = item.partition("=")
            kind = type(getattr(auto.AutoConfig(), field))
            settings[field] = (value.lower() in ("1", "true", "yes") if kind is bool
                               else kind(float(value)) if kind in (int, float) else value)
        capture(names, args.out, settings)
    else:
        compare(args.out, rules=tuple(args.rules.split(",")))


if __name__ == "__main__":
    main()
