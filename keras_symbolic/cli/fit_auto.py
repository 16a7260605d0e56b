"""``keras-symbolic fit ... --method auto``: the discovery engine from the command line.

The engine takes any signs, zeros and noisy rows; LIES's options (``--schedule``, ``--epochs-scale``,
``--restarts``, ``--ablate``, ``--linear-space``) and SymbolNet's do not apply and are refused.
"""
from __future__ import annotations

from keras_symbolic.cli.errors import CLIError
from keras_symbolic.cli.fit_symbolnet import reject_symbolnet_options
from keras_symbolic.cli.output import finish

__all__ = ["run_auto_fit", "LIES_ONLY"]

#: option -> (attribute, value when not given)
LIES_ONLY = {"--schedule": ("schedule", "reference"), "--epochs-scale": ("epochs_scale", 1.0),
             "--restarts": ("restarts", None), "--ablate": ("ablate", ""), "--linear-space": ("linear_space", False)}


def run_auto_fit(args, load_table, noise: float, verbose: int) -> int:
    """Run the engine on ``--feynman NAME`` or on the table ``load_table(args)`` returns."""
    from keras_symbolic.datasets import UnknownEquationError
    from keras_symbolic.pipelines.auto import AutoConfig
    from keras_symbolic.pipelines.evaluate_auto import fit_feynman_auto, fit_table_auto
    from keras_symbolic.symbolic.transform import DataError

    reject_symbolnet_options(args)
    for option, (attribute, unset) in LIES_ONLY.items():
        if getattr(args, attribute, unset) != unset:
            raise CLIError(f"{option} applies to --method lies only")
    budget = {} if args.time_budget is None else {"time_budget": float(args.time_budget)}
    try:
        config = AutoConfig(seed=int(args.seed), operators=args.operators or "", denoise=bool(args.denoise), **budget)
    except ValueError as exc:
        raise CLIError(f"--operators/--time-budget: {exc}") from None
    try:
        if args.feynman:
            result = fit_feynman_auto(args.feynman, args.seed, args.samples, args.test_samples, config, verbose,
                                      noise=noise)
        else:
            table = load_table(args)
            result = fit_table_auto(table.X, table.y, table.names, args.seed, args.test_size, config, verbose,
                                    sample_weight=table.weights)
    except (DataError, UnknownEquationError) as exc:
        raise CLIError(str(exc)) from None
    return finish(result, args.out)
