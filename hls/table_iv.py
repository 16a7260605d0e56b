"""Print the SymbolNet paper's Table IV columns for synthesised hls4ml projects (Markdown).

    python hls/table_iv.py PROJECT_DIR [PROJECT_DIR ...] [--json]

Reads each project's HLS C-synthesis report with ``hls4ml.report.parse_vivado_report`` and maps it with
``keras_symbolic.fpga.synthesis.table_iv_row``. A project without a report is listed as
"not synthesised": no figure is ever estimated here.
"""
import argparse
import json
import sys

from keras_symbolic.fpga.synthesis import TABLE_IV_COLUMNS, not_synthesised, table_iv_row


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("projects", nargs="+")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    from hls4ml.report import parse_vivado_report

    rows = []
    for project in a.projects:
        try:
            row = table_iv_row(parse_vivado_report(project))
        except Exception as exc:  # no report, unreadable XML
            row = not_synthesised(project, f"no readable report ({type(exc).__name__})")
        if not row.get("synthesised"):
            row = not_synthesised(project, row.get("reason") or "no C-synthesis report found")
        rows.append({"project": project, **row})
    if a.json:
        print(json.dumps(rows, indent=2))
        return 0
    print("| project | " + " | ".join(TABLE_IV_COLUMNS) + " |")
    print("|---|" + "---|" * len(TABLE_IV_COLUMNS))
    for r in rows:
        cells = ["not synthesised" if not r["synthesised"] else ("n/a" if r[c] is None else f"{r[c]:g}")
                 for c in TABLE_IV_COLUMNS]
        print(f"| {r['project']} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
