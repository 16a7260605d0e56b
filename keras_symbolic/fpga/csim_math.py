"""C-simulation stand-ins for HLS math functions that hls4ml's bundled ``hls_math.h`` lacks.

Without Vivado/Vitis, hls4ml compiles the C simulation against a minimal ``hls_math.h`` of its own
(``exp``, ``sin``, ``cos``, ``asin``, ``acos``, ``atan``, ``atan2``). Lookup tables of ``tanh``,
``sinh``, ``cosh``, ``tan`` or ``log`` are filled by calling ``hls::<function>``, and expressions
with ``Abs``, a division, ``sqrt`` or a non-integer power call ``hls::abs<W,I>``, ``hls::recip<W,I>``,
``hls::sqrt<W,I>``, ``hls::pow<W,I>``: :func:`add_csim_math` adds those to the project's copy of the
bundled header, computed in double precision and converted to the fixed-point type (truncation).
Vivado's own library (used for synthesis and its C simulation) may differ from these in the last
bits. Nothing is added when the project was written against a real HLS include directory.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["CSIM_MATH_HEADER", "add_csim_math"]

HEADER_NAME = "ks_csim_math.h"

CSIM_MATH_HEADER = r"""// keras-symbolic: C-simulation stand-ins for HLS math functions missing from hls4ml's minimal
// hls_math.h (computed in double, converted to the fixed-point type). Not used for synthesis.
#ifndef KS_CSIM_MATH_H
#define KS_CSIM_MATH_H
#include <cmath>
#include "ap_fixed.h"

namespace hls {
inline double ks_to_double(double v) { return v; }
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N> double ks_to_double(const ap_fixed<W, I, Q, O, N> &v) {
    return v.to_double();
}
template <class T> T tan(T x) { return (T)std::tan(x.to_double()); }
template <class T> T log(T x) { return (T)std::log(x.to_double()); }
template <class T> T tanh(T x) { return (T)std::tanh(x.to_double()); }
template <class T> T sinh(T x) { return (T)std::sinh(x.to_double()); }
template <class T> T cosh(T x) { return (T)std::cosh(x.to_double()); }
template <int W, int I> ap_fixed<W, I> abs(ap_fixed<W, I> x) { return x < 0 ? ap_fixed<W, I>(-x) : x; }
template <int W, int I> ap_fixed<W, I> recip(ap_fixed<W, I> x) { return ap_fixed<W, I>(1.0 / x.to_double()); }
template <int W, int I> ap_fixed<W, I> sqrt(ap_fixed<W, I> x) { return ap_fixed<W, I>(std::sqrt(x.to_double())); }
template <int W, int I> ap_fixed<W, I> cbrt(ap_fixed<W, I> x) { return ap_fixed<W, I>(std::cbrt(x.to_double())); }
template <int W, int I, class E> ap_fixed<W, I> pow(ap_fixed<W, I> x, E e) {
    return ap_fixed<W, I>(std::pow(x.to_double(), ks_to_double(e)));
}
} // namespace hls
#endif
"""

_STUB_MARKER = "static T exp(const T x)"


def add_csim_math(project_dir) -> bool:
    """Write the stand-ins into ``project_dir/firmware/ap_types`` and include them from the bundled
    ``hls_math.h`` (idempotent). Returns ``False`` (nothing done) if that header is not hls4ml's
    minimal one (the project uses a real HLS include directory)."""
    ap_types = Path(project_dir) / "firmware" / "ap_types"
    header = ap_types / "hls_math.h"
    if not header.is_file():
        return False
    text = header.read_text()
    if _STUB_MARKER not in text:
        return False
    (ap_types / HEADER_NAME).write_text(CSIM_MATH_HEADER)
    line = f'#include "{HEADER_NAME}"'
    if line not in text:
        head, sep, tail = text.rpartition("#endif")
        header.write_text(head + line + "\n" + sep + tail if sep else text + "\n" + line + "\n")
    return True
