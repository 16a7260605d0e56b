#!/usr/bin/env bash
# Synthesise hls4ml projects written by `keras-symbolic hls` or `keras-symbolic baseline qp` and print
# their Table IV row (DSP, LUT, FF, BRAM, latency, II) read from the HLS report.
#
#   hls/synthesize.sh PROJECT_DIR [PROJECT_DIR ...]        (a folder that holds build_prj.tcl)
#   HLS_TOOL=vitis_hls hls/synthesize.sh ...                (default: vitis_hls if on PATH, else vivado_hls)
#
# Needs Vivado HLS (2019.2-2020.1) or Vitis HLS on PATH and the FPGA part installed
# (the paper's xcvu9p-flga2577-2-e unless the project was written with --part).
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 PROJECT_DIR [PROJECT_DIR ...]" >&2
  exit 2
fi
tool="${HLS_TOOL:-}"
if [ -z "$tool" ]; then
  if command -v vitis_hls >/dev/null 2>&1; then tool=vitis_hls
  elif command -v vivado_hls >/dev/null 2>&1; then tool=vivado_hls
  else
    echo "error: neither vitis_hls nor vivado_hls is on PATH (source Vivado's settings64.sh first)" >&2
    exit 2
  fi
fi
here="$(cd "$(dirname "$0")" && pwd)"
for project in "$@"; do
  if [ ! -f "$project/build_prj.tcl" ]; then
    echo "error: $project has no build_prj.tcl (not an hls4ml project)" >&2
    exit 2
  fi
  echo "== $project: $tool C synthesis" >&2
  (cd "$project" && "$tool" -f build_prj.tcl "reset=1 csim=0 synth=1 cosim=0 validation=0 export=0 vsynth=0" \
     > synthesis.log 2>&1) || { echo "error: $tool failed; see $project/synthesis.log" >&2; exit 1; }
done
python "$here/table_iv.py" "$@"
