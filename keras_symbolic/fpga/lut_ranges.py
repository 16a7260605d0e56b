"""Choose a lookup table's input range and size from the values that actually reach it (NumPy only).

hls4ml's ``nnet::lookup_table<T, N, f>(start, end)`` stores ``N`` samples
``f(start + i * step)``, ``step = (end - start) / N``, and answers ``f(x)`` with sample
``clip(floor((x - start) * N / (end - start)), 0, N - 1)``: the left end of the bin that holds ``x``,
and the first / last sample outside ``[start, end)``. Its bin arithmetic is exact only when the range
width is a power of two and ``step`` is a multiple of the fixed-point LSB, and its ``N / width`` factor
is an ``ap_fixed<20,16>`` (so ``width / 16 <= N < 2**15 * width``).

:func:`choose_lut` picks, for one function and the 1-D array of arguments that reach it on the user's
data:

* the range: a power-of-two width covering ``[min, max]`` of the data widened by ``margin`` of its
  span on each side (rows a little outside the training data still land inside), its start aligned
  to an eighth of the width (a short constant in fixed point); ``log`` starts above 0;
* the size: the smallest power of two in ``[min_size, max_size]`` whose table error on the data
  (float emulation of the table above) is at most ``tolerance`` (default: one LSB of the precision),
  never finer than the LSB (``step >= lsb``: finer entries would repeat); if no size meets the
  tolerance, the largest allowed one, and the error it reaches is reported.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Optional

import numpy as np

from keras_symbolic.fpga.fixed_point import FixedPointType

__all__ = ["LUT_FUNCTIONS", "LUTChoice", "choose_lut", "table_lookup", "DEFAULT_MARGIN", "DEFAULT_MAX_SIZE",
           "DEFAULT_MIN_SIZE"]

#: Functions that become lookup tables: name -> NumPy function. The name is also the C++ function
#: hls4ml tabulates (``hls::exp``, ``nnet::sin``, ...).
LUT_FUNCTIONS = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "tanh": np.tanh,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "atan": np.arctan,
}
DEFAULT_MARGIN = 0.05
DEFAULT_MIN_SIZE = 32
DEFAULT_MAX_SIZE = 4096


@dataclass
class LUTChoice:
    """One table: ``function`` over ``[start, end)`` with ``table_size`` entries, and why.

    ``data_min``/``data_max``/``n_values``: the arguments seen on the data (finite ones);
    ``max_abs_error``/``mean_abs_error``: ``|f(x) - table(x)|`` over them (float emulation, before
    fixed-point rounding); ``output_min``/``output_max``: ``f`` over the data (what the table must store
    for the rows seen); ``notes``: warnings (e.g. the range needs more integer bits).
    """

    function: str
    start: float
    end: float
    table_size: int
    data_min: float
    data_max: float
    n_values: int
    max_abs_error: float
    mean_abs_error: float
    output_min: float
    output_max: float
    tolerance: float
    notes: list = field(default_factory=list)

    @property
    def step(self) -> float:
        return (self.end - self.start) / self.table_size

    def to_dict(self) -> dict:
        d = asdict(self)
        d["step"] = self.step
        return d


def table_lookup(function: str, x, start: float, end: float, table_size: int) -> np.ndarray:
    """The value hls4ml's table returns for each ``x`` (float emulation; ``x`` any shape)."""
    f = LUT_FUNCTIONS[function]
    x = np.asarray(x, dtype=np.float64)
    step = (end - start) / table_size
    with np.errstate(all="ignore"):
        index = np.floor((x - start) / step)
    index = np.clip(np.nan_to_num(index, nan=0.0), 0, table_size - 1)
    with np.errstate(all="ignore"):
        return f(start + index * step)


def _pow2_at_least(value: float) -> float:
    return 2.0 ** math.ceil(math.log2(value)) if value > 0 else 1.0


def _range(lo: float, hi: float, function: str, min_width: float, grid_floor: float) -> tuple[float, float]:
    """Power-of-two ``width`` and a ``start`` on a ``width / 8`` grid with ``[lo, hi]`` inside, the
    data as near the middle as the grid allows (no table far beyond the data, where ``exp`` grows)."""
    width = max(_pow2_at_least(hi - lo), min_width)
    while width <= 2.0 ** 40:
        grid = max(width / 8.0, grid_floor)
        start = math.floor(((lo + hi) / 2.0 - width / 2.0) / grid) * grid
        start = min(start, math.floor(lo / grid) * grid)  # lo inside
        if start + width < hi:
            start = math.floor(lo / grid) * grid
        if function == "log" and start <= 0.0:
            start = grid  # log's first sample must be positive
            while start > grid_floor and lo < start:
                start /= 2.0
        first_ok = start <= max(lo, grid_floor) if function == "log" else start <= lo
        if first_ok and start + width >= hi:
            return start, start + width
        width *= 2.0
    raise ValueError(f"argument range [{lo:g}, {hi:g}] of {function} is too wide for a lookup table")


def choose_lut(
    values,
    function: str,
    precision: Optional[FixedPointType] = None,
    *,
    margin: float = DEFAULT_MARGIN,
    min_size: int = DEFAULT_MIN_SIZE,
    max_size: int = DEFAULT_MAX_SIZE,
    tolerance: Optional[float] = None,
) -> LUTChoice:
    """Range and size of the table of ``function`` for the arguments ``values``.

    Args:
        values: the arguments reaching the function on the user's data, any shape (non-finite
            entries are ignored).
        function: a key of :data:`LUT_FUNCTIONS`.
        precision: the fixed-point type of the expression (sets the LSB: the finest useful step and
            the default tolerance); ``None``: no LSB limit, tolerance ``1e-3``.
        margin: the data's span is widened by this fraction on each side.
        min_size, max_size: table sizes tried (powers of two in between).
        tolerance: the largest acceptable table error on the data.

    Returns:
        :class:`LUTChoice`.

    Raises:
        ValueError: unknown function, bad sizes, or no finite argument value.
    """
    if function not in LUT_FUNCTIONS:
        raise ValueError(f"no lookup table for '{function}'; tabulated functions: {', '.join(LUT_FUNCTIONS)}")
    if min_size < 2 or max_size < min_size:
        raise ValueError(f"table sizes must satisfy 2 <= min_size <= max_size, got {min_size}, {max_size}")
    x = np.asarray(values, dtype=np.float64).ravel()
    x = x[np.isfinite(x)]
    if function == "log":
        x = x[x > 0]
    if x.size == 0:
        raise ValueError(f"no finite argument of {function} on the data: cannot choose a table range")
    lsb = precision.lsb if precision is not None else 0.0
    tol = float(tolerance) if tolerance is not None else (lsb if precision is not None else 1e-3)
    lo, hi = float(x.min()), float(x.max())
    pad = margin * max(hi - lo, 0.0)
    lo_p, hi_p = lo - pad, hi + pad
    if function == "log":
        lo_p = max(lo_p, lo / 2.0)
    min_width = max(2.0 ** -3, lsb * min_size)
    start, end = _range(lo_p, hi_p, function, min_width, max(lsb, 2.0 ** -30))
    width = end - start
    notes = []
    # Sizes allowed: step >= lsb (finer entries repeat), and N / width representable in
    # ap_fixed<20,16>: N >= width / 16 and N < 2**15 * width.
    largest = float(max_size)
    if lsb > 0:
        largest = min(largest, max(width / lsb, 1.0))
    largest = min(largest, 2.0 ** 15 * width / 2.0)
    smallest = max(min(float(min_size), largest), width / 16.0, 2.0)
    sizes = []
    n = _pow2_at_least(smallest)
    while n <= max(largest, smallest):
        sizes.append(int(n))
        n *= 2.0
    f = LUT_FUNCTIONS[function]
    with np.errstate(all="ignore"):
        exact = f(x)
    ok = np.isfinite(exact)
    chosen = None
    for size in sizes:
        err = np.abs(exact[ok] - table_lookup(function, x[ok], start, end, size))
        chosen = (size, float(err.max()) if err.size else 0.0, float(err.mean()) if err.size else 0.0)
        if chosen[1] <= tol:
            break
    size, max_err, mean_err = chosen
    if max_err > tol:
        notes.append(f"table error {max_err:.3g} exceeds the tolerance {tol:.3g} at the largest size allowed ({size})")
    reached = exact[ok]
    out_min, out_max = (float(reached.min()), float(reached.max())) if reached.size else (math.nan, math.nan)
    if precision is not None:
        if start < precision.min_value or end > precision.max_value + precision.lsb:
            notes.append(f"argument range [{start:g}, {end:g}) exceeds {precision} "
                         f"([{precision.min_value:g}, {precision.max_value:g}]): more integer bits needed")
        if out_min < precision.min_value or out_max > precision.max_value:
            notes.append(f"table values [{out_min:.4g}, {out_max:.4g}] exceed {precision}: more integer bits needed")
    return LUTChoice(
        function=function, start=float(start), end=float(end), table_size=int(size), data_min=lo, data_max=hi,
        n_values=int(x.size), max_abs_error=max_err, mean_abs_error=mean_err, output_min=out_min,
        output_max=out_max, tolerance=tol, notes=notes,
    )
