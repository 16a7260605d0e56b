"""A development set of general formulas of our own (not the AI Feynman table), and a sweep over it.

    KERAS_BACKEND=jax python benchmarks/dev_formulas.py --methods auto,lies,operon --noise 0,0.01 \
        --out benchmarks/results/dev-formulas.jsonl [--only NAME,...] [--rows 5000] [--peer-budget match]

Twenty formulas: sums, polynomials, rational functions, trigonometry, exponentials, mixed signs, one to
six variables; each with its own sampling box. A run appends one JSON line per (formula, method, noise):
the formula found, test R^2 on clean rows, whether it is a symbolic solution (SRBench's rule and the
paper's, ``keras_symbolic.symbolic.equivalence``), wall seconds. The engine is judged on these, never
tuned to the Feynman table. ``--summary`` prints the table of a finished file. ``--set holdout`` runs
twelve more formulas kept aside: they are run to report, never to tune the engine; ``--set groups`` ten
laws in one dimensionless group; ``--set general`` 47 general formulas written down before the
open-ended expression search was built (issue 20's development set); ``--set peels`` eight wide tables
where variables come off one at a time (written down before measuring the depth change they test);
``--set sweep22`` session 22's sixteen new laws, ``--set holdout23`` session 23's twelve held-out ones.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import sympy as sp

# name: (formula, {variable: (low, high)})
DEV_SET = {
    "poly2": ("3*a**2 - 2*a*b + 0.5", {"a": (-2, 2), "b": (-2, 2)}),
    "cubic": ("a**3 - 4*a + 1", {"a": (-3, 3)}),
    "sum_sines": ("sin(a) + 2*cos(b) - sin(c)", {"a": (-3, 3), "b": (-3, 3), "c": (-3, 3)}),
    "sine_freq": ("sin(3*t)", {"t": (0, 4)}),
    "damped": ("exp(-t/2)*cos(3*t)", {"t": (0, 5)}),
    "lorentzian": ("1/((x - m)**2 + 1)", {"x": (-3, 3), "m": (-1, 1)}),
    "logistic": ("1/(1 + exp(-k*x))", {"k": (0.5, 3), "x": (-3, 3)}),
    "saturation": ("v*s/(k + s)", {"v": (1, 5), "s": (0.1, 10), "k": (0.5, 3)}),
    "log_sum": ("log(a + b)", {"a": (1, 10), "b": (1, 10)}),
    "power_var": ("a**b", {"a": (1, 3), "b": (0.5, 2)}),
    "quad_form": ("a**2 + a*b + c**2", {"a": (-2, 2), "b": (-2, 2), "c": (-2, 2)}),
    "wavg": ("(a*p + b*q)/(p + q)", {"a": (1, 5), "b": (1, 5), "p": (1, 3), "q": (1, 3)}),
    "difference": ("a*b - c*d", {"a": (-2, 2), "b": (-2, 2), "c": (-2, 2), "d": (-2, 2)}),
    "ratio_sums": ("(a + b)/(c + d)", {"a": (1, 4), "b": (1, 4), "c": (1, 4), "d": (1, 4)}),
    "mixed_signs": ("x*y - sin(z)", {"x": (-2, 2), "y": (-2, 2), "z": (-3, 3)}),
    "prod_trig": ("a*b*sin(c)", {"a": (1, 3), "b": (1, 3), "c": (0, 6)}),
    "gauss2": ("exp(-(x**2 + y**2)/2)", {"x": (-2, 2), "y": (-2, 2)}),
    "nested_sum": ("p*(q + r*sin(s))", {"p": (1, 3), "q": (1, 3), "r": (1, 3), "s": (0, 6)}),
    "five_vars": ("a*b + c/d - e", {"a": (-2, 2), "b": (-2, 2), "c": (1, 3), "d": (1, 3), "e": (-2, 2)}),
    "six_vars": ("a*b*c + d*e*f", {"a": (1, 2), "b": (1, 2), "c": (1, 2), "d": (1, 2), "e": (1, 2), "f": (1, 2)}),
}

# A held-out set, written down (2026-11-27) before the engine's second round of changes and run only to
# report: the engine is never tuned on it (``--set holdout``).
HOLDOUT_SET = {
    "shared_denominator": ("a/(b + c)", {"a": (1, 5), "b": (1, 3), "c": (1, 3)}),
    "norm3": ("sqrt(x**2 + y**2 + z**2)", {"x": (-3, 3), "y": (-3, 3), "z": (-3, 3)}),
    "phase_sum": ("a*sin(w*t) + b*cos(w*t)", {"a": (-2, 2), "b": (-2, 2), "w": (0.5, 2), "t": (0, 5)}),
    "decay_offset": ("c + a*exp(-t/tau)", {"c": (-1, 1), "a": (1, 3), "t": (0, 4), "tau": (0.5, 2)}),
    "poly3": ("x*y*z - x**2 + 2*z", {"x": (-2, 2), "y": (-2, 2), "z": (-2, 2)}),
    "sqrt_ratio": ("c*sqrt(a/b)", {"a": (1, 5), "b": (1, 5), "c": (-2, 2)}),
    "log_term": ("a*log(b) + c", {"a": (-2, 2), "b": (0.5, 5), "c": (-1, 1)}),
    "rational1": ("x/(1 + x**2)", {"x": (-3, 3)}),
    "cos_diff": ("a*cos(x - y)", {"a": (1, 2), "x": (-3, 3), "y": (-3, 3)}),
    "parallel": ("a*b/(a + b)", {"a": (1, 5), "b": (1, 5)}),
    "energy": ("a*b**2/2 + a*c*d", {"a": (1, 3), "b": (-2, 2), "c": (1, 3), "d": (0, 2)}),
    "three_products": ("a*b - c*d + e*f", {"a": (-2, 2), "b": (-2, 2), "c": (-2, 2), "d": (-2, 2), "e": (-2, 2),
                                            "f": (-2, 2)}),
}
# Laws in one dimensionless group, ``x**b g(u)`` (``--set groups``), written down (2026-11-28) after the
# engine learnt that reduction, before any of them was run: a check of the new capability, so not a
# held-out set; none is an AI Feynman equation.
GROUP_SET = {
    "drag_fall": ("w*tanh(g*t/w)", {"w": (1, 5), "g": (1, 10), "t": (0.1, 3)}),
    "arrhenius": ("A*exp(-E/(R*T))", {"A": (1, 5), "E": (1, 5), "R": (1, 2), "T": (1, 5)}),
    "moving_mass": ("m/sqrt(1 - v**2/c**2)", {"m": (1, 5), "v": (0.1, 1), "c": (1.5, 3)}),
    "logistic_growth": ("K/(1 + exp(-r*t))", {"K": (1, 5), "r": (0.5, 2), "t": (0.1, 4)}),
    "rc_charging": ("V*(1 - exp(-t/(R*C)))", {"V": (1, 5), "t": (0.1, 5), "R": (1, 3), "C": (0.5, 2)}),
    "occupancy": ("a**3/(exp(a/b) - 1)", {"a": (1, 5), "b": (1, 5)}),
    "sech_pulse": ("A/cosh(x/w)", {"A": (1, 3), "x": (0.1, 3), "w": (0.5, 2)}),
    "angle": ("atan(y/x)", {"y": (0.1, 3), "x": (0.1, 3)}),
    "hill": ("a*(b/c)**2/(1 + (b/c)**2)", {"a": (1, 3), "b": (0.5, 3), "c": (0.5, 3)}),
    "radiance": ("T**4*(1 - exp(-s/T))", {"T": (1, 3), "s": (0.5, 5)}),
}
# The general set (``--set general``), written down (2026-12-05) before the engine's open-ended
# expression search was built, and never tuned on: compositions of sums, differences and linear
# combinations; ratios and products of trigonometric pieces; tan, atan, tanh; nested exponentials and
# powers whose exponent is an input; polynomials of degree 4 and 5; potentials; right-hand sides of
# textbook dynamical systems (our own constants); tables of 4 to 6 variables. None is an AI Feynman
# equation or an entry of another benchmark table in this project.
GENERAL_SET = {
    # compositions
    "sin_of_combo": ("sin(a + 2*b)", {"a": (-2, 2), "b": (-2, 2)}),
    "gauss_of_diff": ("exp(-(x - y)**2)", {"x": (-2, 2), "y": (-2, 2)}),
    "travelling_wave": ("a*sin(k*x - w*t + p)", {"a": (0.5, 2), "k": (0.5, 2), "x": (-2, 2), "w": (0.5, 2),
                                                  "t": (0, 3), "p": (-1, 1)}),
    "log_of_combo": ("log(x + 2*y + 1)", {"x": (0, 3), "y": (0, 3)}),
    "sqrt_of_combo": ("sqrt(3*x - y + 5)", {"x": (0, 2), "y": (0, 2)}),
    "tanh_of_diff": ("tanh(x - 2*y)", {"x": (-2, 2), "y": (-1, 1)}),
    "cos_of_product_sum": ("cos(x*y + z)", {"x": (-2, 2), "y": (-2, 2), "z": (-2, 2)}),
    "inverse_of_sum": ("1/(x + y**2 + 1)", {"x": (0, 3), "y": (-2, 2)}),
    # ratios and products of trigonometric pieces
    "sinc": ("sin(a*x)/x", {"a": (1, 3), "x": (0.2, 5)}),
    "sin_over_cos_shift": ("sin(x)/(2 + cos(y))", {"x": (-3, 3), "y": (-3, 3)}),
    "trig_triple": ("sin(x)*cos(y)*sin(z)", {"x": (-3, 3), "y": (-3, 3), "z": (-3, 3)}),
    "sin_diff_plus_sin": ("sin(x - y) + sin(x)", {"x": (-3, 3), "y": (-3, 3)}),
    "cos_squared_minus_sin": ("cos(x)**2 - sin(y)", {"x": (-3, 3), "y": (-3, 3)}),
    "one_minus_cos_ratio": ("(1 - cos(x))/(1 + cos(y))", {"x": (-2, 2), "y": (-2, 2)}),
    # tan, atan, tanh
    "tan_half_plus": ("tan(x/2) + y", {"x": (-2, 2), "y": (-1, 1)}),
    "atan_product": ("atan(x*y) + z", {"x": (-2, 2), "y": (-2, 2), "z": (-1, 1)}),
    "tanh_scaled": ("a*tanh(b*x)", {"a": (0.5, 2), "b": (0.5, 2), "x": (-2, 2)}),
    "x_tan_y": ("x*tan(y)", {"x": (-2, 2), "y": (-1, 1)}),
    # nested exponentials, powers whose exponent is an input
    "gompertz_function": ("exp(-exp(-x))", {"x": (-2, 3)}),
    "exp_of_exp_product": ("exp(x*exp(-y))", {"x": (-1, 1), "y": (0, 2)}),
    "power_plus_one": ("x**y + 1", {"x": (0.5, 3), "y": (0, 2)}),
    "inverse_power": ("(1 + x)**(-y)", {"x": (0, 2), "y": (0.5, 3)}),
    "hill_variable_n": ("x**n/(1 + x**n)", {"x": (0.1, 3), "n": (1, 4)}),
    "two_decays": ("exp(-x) - exp(-2*x*y)", {"x": (0, 2), "y": (0.5, 2)}),
    # polynomials of degree 4 and 5
    "quartic_two": ("x**4 - 2*x**2*y + y**2 - x*y**3", {"x": (-2, 2), "y": (-2, 2)}),
    "quintic_two": ("x**5 - x*y**2 + 2*y", {"x": (-1.5, 1.5), "y": (-2, 2)}),
    "quartic_three": ("x**2*y**2 + y*z**3 - x*z", {"x": (-2, 2), "y": (-2, 2), "z": (-2, 2)}),
    "quintic_mixed": ("x**3*y**2 - 2*x*y + y**4", {"x": (-2, 2), "y": (-2, 2)}),
    "quartic_saddle": ("x**4 + y**4 - 3*x*y", {"x": (-2, 2), "y": (-2, 2)}),
    # potentials
    "pair_potential": ("e*((s/r)**12 - 2*(s/r)**6)", {"e": (1, 2), "s": (0.9, 1.1), "r": (1, 2)}),
    "morse": ("D*(1 - exp(-a*(r - q)))**2", {"D": (1, 3), "a": (0.5, 2), "r": (0.5, 3), "q": (1, 1.5)}),
    "screened": ("-exp(-k*r)/r", {"k": (0.5, 2), "r": (0.5, 3)}),
    "tilted_double_well": ("x**4/4 - x**2/2 + c*x", {"x": (-2, 2), "c": (-0.5, 0.5)}),
    "gaussian_well": ("-a*exp(-(x - m)**2/(2*s**2))", {"a": (1, 3), "x": (-3, 3), "m": (-1, 1), "s": (0.5, 2)}),
    "pendulum_energy": ("m*g*l*(1 - cos(th))", {"m": (1, 3), "g": (5, 10), "l": (0.5, 2), "th": (-2, 2)}),
    # right-hand sides of dynamical systems
    "forced_duffing": ("-0.3*v - x - x**3 + 0.5*cos(1.2*t)", {"v": (-2, 2), "x": (-2, 2), "t": (0, 10)}),
    "fitzhugh_nagumo": ("v - v**3/3 - w + 0.5", {"v": (-2, 2), "w": (-2, 2)}),
    "infection_rate": ("b*s*i/(s + i + r)", {"b": (0.1, 1), "s": (1, 10), "i": (1, 10), "r": (1, 10)}),
    "holling_type2": ("a*x*y/(1 + h*x)", {"a": (0.5, 2), "x": (0.1, 5), "y": (0.1, 5), "h": (0.1, 1)}),
    "brusselator_x": ("1 - (b + 1)*x + x**2*y", {"b": (1, 3), "x": (0.1, 3), "y": (0.1, 3)}),
    "gompertz_growth": ("r*n*log(K/n)", {"r": (0.5, 2), "n": (1, 10), "K": (5, 20)}),
    "damped_pendulum": ("-sin(th) - c*w", {"th": (-3, 3), "c": (0.1, 1), "w": (-2, 2)}),
    "convection_y": ("x*(r - z) - y", {"x": (-5, 5), "r": (10, 30), "z": (0, 30), "y": (-5, 5)}),
    "competitive_inhibition": ("V*s/(K*(1 + i/J) + s)", {"V": (1, 5), "s": (0.1, 10), "K": (0.5, 3),
                                                          "i": (0, 5), "J": (0.5, 3)}),
    "competition_growth": ("r*x*(1 - (x + a*y)/K)", {"r": (0.5, 2), "x": (0.1, 5), "a": (0.2, 1), "y": (0.1, 5),
                                                      "K": (5, 10)}),
    # wider tables
    "six_mixed": ("a*sin(b) + c*d/e - f", {"a": (-2, 2), "b": (-3, 3), "c": (-2, 2), "d": (-2, 2), "e": (1, 3),
                                          "f": (-2, 2)}),
    "five_ratio": ("(a - b)*(c + d)/e", {"a": (-2, 2), "b": (-2, 2), "c": (0, 2), "d": (0, 2), "e": (1, 3)}),
}
# Written down (session 14) before measuring a change that stopped one-variable factors and terms from
# using up the decomposition's depth (tried and reverted, BENCHMARKS.md): wide tables where several
# variables come off one at a time around a remainder with structure of its own (none from a benchmark
# table). Kept for the next attempt.
PEEL_SET = {
    "peeled_two_diffs": ("exp(a/2) + sin(b)*(c + sin(x - y) + sin(u - v))",
                         {"a": (0, 2), "b": (0.5, 2.5), "c": (1, 3), "x": (-2, 2), "y": (-2, 2), "u": (-2, 2),
                          "v": (-2, 2)}),
    "scaled_wave_product": ("p*q*exp(-c*t)*cos(x - y)", {"p": (1, 3), "q": (1, 3), "c": (0.2, 1), "t": (0, 3),
                                                         "x": (-2, 2), "y": (-2, 2)}),
    "gated_tanh": ("a*b*c*tanh(x - y)*(u + v)**2", {"a": (1, 2), "b": (1, 2), "c": (1, 2), "x": (-2, 2),
                                                     "y": (-2, 2), "u": (0, 2), "v": (0, 2)}),
    "log_square_chain": ("log(a) + b**2 + c*(sin(x*y) + exp(-(u - v)**2))",
                         {"a": (1, 5), "b": (-1, 1), "c": (1, 3), "x": (-1.5, 1.5), "y": (-1.5, 1.5),
                          "u": (-2, 2), "v": (-2, 2)}),
    "rate_with_offset": ("k*m*s/(1 + (s - p)**2) + d", {"k": (1, 3), "m": (1, 3), "s": (0, 4), "p": (1, 3),
                                                        "d": (-1, 1)}),
    "ratio_inside": ("a*b/(c*(1 + (x/y - 1)**2))", {"a": (1, 3), "b": (1, 3), "c": (1, 3), "x": (1, 3),
                                                      "y": (1, 3)}),
    "root_of_two_diffs": ("p*q*r*sqrt(1 + (x - y)**2 + (u - v)**2)",
                          {"p": (1, 2), "q": (1, 2), "r": (1, 2), "x": (-2, 2), "y": (-2, 2), "u": (-2, 2),
                           "v": (-2, 2)}),
    "cos_sum_scaled": ("m*exp(n)*cos(x + y + z)", {"m": (1, 3), "n": (-1, 1), "x": (-1.5, 1.5), "y": (-1.5, 1.5),
                                                   "z": (-1.5, 1.5)}),
}
# session 22's sweep of sixteen laws no set held (written down before any run; the design set of session
# 23's reassembly and Hill form; /work/runs/s22/synth, BENCHMARKS.md "Session 22")
SWEEP22_SET = {
    "newton_cooling": ("20 + (T0 - 20)*exp(-t/30)", {"T0": (60, 95), "t": (0, 60)}),
    "thin_lens_image": ("f*d_o/(d_o - f)", {"f": (0.05, 0.2), "d_o": (0.3, 2)}),
    "hill_n2p4": ("Vmax*S**2.4/(0.85**2.4 + S**2.4)", {"Vmax": (1, 5), "S": (0.05, 3)}),
    "noncompetitive_mm": ("Vmax*S/((0.42 + S)*(1 + I/1.3))", {"Vmax": (1, 5), "S": (0.05, 5), "I": (0, 4)}),
    "manning": ("R**(2/3)*sqrt(S)/n", {"R": (0.2, 3), "S": (0.0005, 0.01), "n": (0.01, 0.05)}),
    "damped_osc_phase": ("A*exp(-0.35*t)*cos(2.4*t + 0.6)", {"A": (0.5, 2), "t": (0, 10)}),
    "gompertz_tumour": ("K*exp(-3.1*exp(-0.27*t))", {"K": (1, 10), "t": (0, 25)}),
    "lorentzian_line": ("A*g**2/((w - 3)**2 + g**2)", {"A": (0.5, 3), "w": (0, 6), "g": (0.2, 1)}),
    "linear_quadratic_drag": ("2*v + 0.05*v**2", {"v": (0, 40)}),
    "capillary_gravity_wave": ("sqrt(9.81/k + 7.3e-5*k)", {"k": (20, 3000)}),
    "goldman_two_ion": ("0.0267*log((Ko + 0.05*Nao)/Ki)", {"Ko": (2, 10), "Nao": (100, 150), "Ki": (120, 160)}),
    "cos_fixed_phase": ("A*cos(w*t - pi/4)", {"A": (0.5, 2), "w": (0.5, 2), "t": (0, 5)}),
    "logistic_population": ("K/(1 + 9*exp(-0.5*t))", {"K": (100, 1000), "t": (0, 20)}),
    "gauss_peak_baseline": ("0.12 + A*exp(-(t - 4.7)**2/(2*0.38**2))", {"A": (0.5, 3), "t": (2, 8)}),
    "dittus_boelter": ("0.023*Re**0.8*Pr**0.4", {"Re": (1e4, 1e5), "Pr": (0.7, 10)}),
    "van_der_waals": ("0.08314*T/(V - b) - a/V**2", {"T": (250, 500), "V": (0.5, 5), "a": (1, 5),
                                                     "b": (0.02, 0.1)}),
}
# session 23's held-out synthetic set, written down before that session changed the engine (spent:
# BENCHMARKS.md "Session 23" has its run; /work/runs/s23/synth10)
HOLDOUT23_SET = {
    "saturation_times_decay": ("A*r/(1.6 + r)*exp(-0.15*d)", {"A": (1, 4), "r": (0.1, 6), "d": (0, 10)}),
    "charging_over_load": ("c0*(1 - exp(-t/12))/(1 + 0.6*p)", {"c0": (2, 8), "t": (0, 50), "p": (0, 5)}),
    "hill_n1p7": ("k*q**1.7/(2.1 + q**1.7)", {"k": (1, 3), "q": (0.1, 5)}),
    "two_piece_sum": ("u**2/(1 + u) + 3*log(1 + v)", {"u": (0, 4), "v": (0, 9)}),
    "weight_with_height": ("m*g0/(1 + (h/6.4)**2)", {"m": (1, 5), "g0": (9, 10), "h": (0, 20)}),
    "decay_times_modulation": ("E0*exp(-x/2.2)*(1 + 0.5*cos(1.3*w))", {"E0": (1, 3), "x": (0, 6), "w": (0, 6)}),
    "terminal_speed_mass": ("v0*tanh(t/3.5)*sqrt(m)", {"v0": (1, 5), "t": (0, 10), "m": (0.5, 4)}),
    "inverse_square_offset": ("a/(b + 0.8)**2 + 0.3*a", {"a": (1, 5), "b": (0, 3)}),
    "gamma_times_saturation": ("x*exp(-x/1.5)*w/(w + 2.5)", {"x": (0, 8), "w": (0.1, 10)}),
    "log_growth_root": ("2.3*log(1 + T/50)*sqrt(P)", {"T": (0, 300), "P": (0.5, 5)}),
    "power_decay_square": ("(1 + 0.2*x)**(-1.5)*w**2", {"x": (0, 10), "w": (0.5, 3)}),
    "damped_lorentz_sine": ("A*sin(0.8*t)/(1 + 0.1*t**2)", {"A": (1, 3), "t": (0, 12)}),
}
SETS = {"dev": DEV_SET, "holdout": HOLDOUT_SET, "groups": GROUP_SET, "general": GENERAL_SET, "peels": PEEL_SET,
        "sweep22": SWEEP22_SET, "holdout23": HOLDOUT23_SET}


def _formula(name: str) -> tuple:
    return next(formulas[name] for formulas in SETS.values() if name in formulas)


def rows(name: str, n: int, seed: int):
    """``(X, y, names, truth)`` of formula ``name``: ``n`` uniform rows in its box."""
    text, box = _formula(name)
    names = list(box)
    truth = sp.sympify(text, locals={v: sp.Symbol(v) for v in names})
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(lo, hi, n) for lo, hi in box.values()])
    y = sp.lambdify([sp.Symbol(v) for v in names], truth, "numpy")(*X.T)
    return X, np.broadcast_to(np.asarray(y, dtype=float), (n,)).copy(), names, truth


def run_one(name: str, method: str, noise: float, n_rows: int, seed: int, budget: float) -> dict:
    from keras_symbolic.datasets.noise import add_target_noise
    from keras_symbolic.results.metrics import safe_r2
    from keras_symbolic.symbolic.equivalence import check_symbolic_solution
    from keras_symbolic.symbolic.evaluation import to_callable

    X, y, names, truth = rows(name, n_rows, seed)
    X_te, y_te, _, _ = rows(name, 5000, seed + 1000)
    extra = {}
    y_noisy = add_target_noise(y, noise, np.random.default_rng(seed + 7)) if noise else y
    start = time.perf_counter()
    if method in ("auto", "auto-denoise"):
        from keras_symbolic.estimators import SymbolicRegressor

        est = SymbolicRegressor(seed=seed, denoise=method == "auto-denoise").fit(X, y_noisy, feature_names=names)
        expr, symbols = est.expression_, est.variables_
        steps = est.decomposition_
        extra = {"solver": est.fit_result_.details.get("solver"), "choice_rule": est.choice_rule_,
                 "pieces": [s["solved_by"] for s in steps if s.get("solved_by")]
                 + ["search" for s in steps if s.get("stage") == "search" and s.get("expressions")]}
    elif method == "lies":
        from keras_symbolic.estimators import LIESRegressor

        est = LIESRegressor(seed=seed, log_space=bool(np.all(X != 0) and (np.all(y > 0) or np.all(y < 0))))
        est.fit(X, y_noisy, feature_names=names)
        expr, symbols = est.expression_, est.variables_
    elif method in ("operon", "gplearn"):
        from keras_symbolic.bench.peers import fit_gplearn, fit_operon, gplearn_to_sympy, operon_to_sympy

        symbols = [sp.Symbol(v) for v in names]
        if method == "operon":
            fitted = fit_operon(X, y_noisy, len(names), seed, 1000, 500_000, budget, {})
            expr = operon_to_sympy(fitted["text"], symbols)
        else:
            fitted = fit_gplearn(X, y_noisy, seed, 1000, 500_000, budget, {})
            expr = gplearn_to_sympy(fitted["program"], symbols)
    else:
        raise ValueError(f"unknown method {method!r}")
    seconds = time.perf_counter() - start
    # in the table's names (an estimator's symbols are safe names: a column "E" is the symbol E_)
    expr = sp.sympify(expr).xreplace({s: sp.Symbol(n) for s, n in zip(symbols, names)})
    ranges = dict(_formula(name)[1])
    # the truth as text: its variables then take what the ranges say of them (positive where the box is)
    checks = {rule: check_symbolic_solution(expr, _formula(name)[0], ranges, rule=rule, timeout=10)
              for rule in ("paper", "srbench")}
    with np.errstate(all="ignore"):
        r2 = safe_r2(y_te, np.broadcast_to(to_callable(expr, [sp.Symbol(v) for v in names])(X_te), y_te.shape))
    return {"formula": name, "truth": _formula(name)[0], "method": method, "noise": noise, "seed": seed,
            "expression": str(expr), "r2_test": r2, "solved_paper": bool(checks["paper"].is_solution),
            "solved_srbench": bool(checks["srbench"].is_solution), "seconds": round(seconds, 1), **extra}


def summary(path: Path) -> str:
    import pandas as pd

    runs = pd.read_json(path, lines=True)
    runs["r2>0.999"] = runs["r2_test"].fillna(-1) > 0.999
    table = runs.groupby(["method", "noise"]).agg(formulas=("formula", "nunique"), solved=("solved_srbench", "sum"),
                                                  solved_paper=("solved_paper", "sum"), fitted=("r2>0.999", "sum"),
                                                  median_seconds=("seconds", "median"))
    text = table.to_markdown()
    if {"auto", "operon"} <= set(runs["method"]):
        # issue 20: where the engine finds no exact formula, its held-out R^2 against pyoperon's
        pair = runs.pivot_table(index=["formula", "noise"], columns="method", values="r2_test", aggfunc="first")
        solved = runs[runs["method"] == "auto"].set_index(["formula", "noise"])["solved_srbench"]
        unsolved = pair[~solved.reindex(pair.index).fillna(False).astype(bool)]
        diff = (unsolved["auto"].fillna(-1) - unsolved["operon"].fillna(-1)).dropna()
        if len(diff):
            text += (f"\n\nUnsolved by the engine ({len(diff)}): R^2 engine - pyoperon, median {diff.median():+.4f}, "
                     f"worst {diff.min():+.4f} ({diff.idxmin()[0]})")
    return text


def _peer_budget(option: str, out: Path, name: str, noise: float, seed: int) -> float:
    """The peers' seconds: a number, or ``match``: the engine's wall seconds on the same run."""
    if option != "match":
        return float(option)
    if out.exists():
        for line in out.read_text().splitlines():
            r = json.loads(line)
            if (r["formula"], r["method"], r["noise"], r["seed"]) == (name, "auto", noise, seed) and r.get("seconds"):
                return max(5.0, float(r["seconds"]))
    return 60.0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--methods", default="auto")
    p.add_argument("--noise", default="0")
    p.add_argument("--set", choices=sorted(SETS), default="dev", help="the development set, the held-out set, the one-group laws or the general set")
    p.add_argument("--only", default="")
    p.add_argument("--rows", type=int, default=5000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--peer-budget", default="60",
                   help="seconds of search for pyoperon and gplearn, or 'match': the engine's own wall seconds on "
                        "the same formula, noise and seed (read from --out; 60 where it has no such run)")
    p.add_argument("--out", type=Path, default=Path("benchmarks/results/dev-formulas.jsonl"))
    p.add_argument("--summary", action="store_true", help="print the table of --out and stop")
    args = p.parse_args(argv)
    if args.summary:
        print(summary(args.out))
        return 0
    names = [n for n in (args.only.split(",") if args.only else SETS[args.set]) if n]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    if args.out.exists():
        for line in args.out.read_text().splitlines():
            r = json.loads(line)
            done.add((r["formula"], r["method"], r["noise"], r["seed"]))
    for noise in [float(v) for v in args.noise.split(",")]:
        for name in names:
            for method in args.methods.split(","):
                if (name, method, noise, args.seed) in done:
                    continue
                budget = _peer_budget(args.peer_budget, args.out, name, noise, args.seed)
                try:
                    record = run_one(name, method, noise, args.rows, args.seed, budget)
                    if method in ("operon", "gplearn"):
                        record["budget"] = budget
                except Exception as exc:  # a failed run is a result too
                    record = {"formula": name, "method": method, "noise": noise, "seed": args.seed,
                              "error": repr(exc)[:300], "solved_paper": False, "solved_srbench": False,
                              "r2_test": None, "seconds": None}
                with args.out.open("a") as f:
                    f.write(json.dumps(record) + "\n")
                print(f"{name:12s} {method:6s} noise {noise:<5} solved {record['solved_srbench']!s:5s} "
                      f"{record.get('seconds')}s  {record.get('expression', record.get('error'))}", flush=True)
    print(summary(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
