"""Symbolic-solution counts of LIES configuration variants over equations and seeds.

    KERAS_BACKEND=jax python benchmarks/lies_variants.py VARIANTS EQUATIONS N_SEEDS TAG
    e.g. KERAS_BACKEND=jax python benchmarks/lies_variants.py "scale+r1,noscale+r1,noscale+r3" I.14.3,I.12.1 2 study

A variant is '+'-joined tokens: ``scale`` (authors' input scaling) or ``noscale`` (raw ln inputs),
``rK`` (K weak-phase starts), ``rel`` (relative rounding thresholds), ``pt`` (extra pruning
thresholds 0.03 and 0.1). One JSON line per trial is appended to ``TAG.jsonl``.
"""
import sys, json, time
from dataclasses import replace
from keras_symbolic.pipelines.lies_config import LIESConfig
from keras_symbolic.pipelines.evaluate import fit_feynman
variants = sys.argv[1].split(","); eqs = sys.argv[2].split(","); seeds = range(int(sys.argv[3])); tag = sys.argv[4]
out = open(f"{tag}.jsonl", "a")
for eq in eqs:
    for s in seeds:
        for variant in variants:
            toks = variant.split("+")
            cfg = replace(LIESConfig(), scale_inputs=("scale" in toks))
            for t in toks:
                if t.startswith("r") and t[1:].isdigit(): cfg = replace(cfg, restarts=int(t[1:]))
            if "rel" in toks: cfg = replace(cfg, simplify=replace(cfg.simplify, relative=True))
            if "pt" in toks: cfg = replace(cfg, extra_pruning_thresholds=(0.03, 0.1))
            t0 = time.time()
            try:
                r = fit_feynman(eq, seed=s, config=cfg, verbose=0).to_record()
                rec = {"variant": variant, "eq": eq, "seed": s, "ssr": r["symbolic_solution"], "r2": r["r2_test"], "cx": r["complexity"], "expr": r["expression"][:100], "t": round(time.time()-t0,1), "phases": {k: round(v,1) for k,v in r["phase_seconds"].items()}}
            except Exception as e:
                rec = {"variant": variant, "eq": eq, "seed": s, "error": repr(e)[:200], "t": round(time.time()-t0,1)}
            print(json.dumps(rec), file=out, flush=True)
