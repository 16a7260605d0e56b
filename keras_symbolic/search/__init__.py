"""The discovery engine's own maths (no Keras): what finds formulas, beside ``symbolic/`` which holds
the formula algebra every method shares.

* solvers: :mod:`.direct_solvers` (the term library of :mod:`.basis_regression`, polynomials, ratios of
  :mod:`.rational_regression`, :mod:`.one_variable_forms`), each candidate polished and scored by
  :mod:`.description_length`;
* decomposition tests: :mod:`.separability` (products, sums, symmetries), :mod:`.monomial_group` (one
  dimensionless group), :mod:`.term_refit` (a reassembled structure refitted on the raw rows);
* the open-ended search: :mod:`.expression_search` (pyoperon over an :mod:`.operators` set, results
  read by :mod:`.operon_conversion`) and its trigger, :mod:`.lack_of_fit`.

The stages that train (the surrogate, LIES) and the order of it all live in
:mod:`keras_symbolic.pipelines.auto`.
"""
