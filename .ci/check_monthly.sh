#!/usr/bin/env bash
# The monthly report package on the example input, checked outside Rust: the workbook read
# back with openpyxl, the CSV for Excel, the JSON, and the page rendered by a real browser
# (Chromium headless: DOM, PNG screenshot, PDF with the expected page count).
# Needs python3 with openpyxl, chromium, fonts-noto-cjk, poppler-utils (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/report"
cargo run --quiet --example monthly_report -- \
  --input examples/data/示例市台账.xlsx --as-of 2025-09-30 --out "$out"
# The same records as CSV files give the same package, byte for byte (report.xlsx aside:
# it carries the writer's timestamp).
cargo run --quiet --example monthly_report -- \
  --input examples/data/monthly_csv --as-of 2025-09-30 --out "$work/from_csv"
for f in report.json report.txt report.csv report.html chart.svg; do
  cmp "$out/$f" "$work/from_csv/$f"
done
# The blank template is written.
cargo run --quiet --example monthly_report -- --template "$work/template.xlsx" --as-of 2025-09-30
test -s "$work/template.xlsx"

# Errors: Chinese, naming the file and line, non-zero exit, nothing written.
bad="$work/bad"
cp -r examples/data/monthly_csv "$bad"
sed -i '3s/,[0-9.]*$/,12.345/' "$bad/expenditures.csv"
if cargo run --quiet --example monthly_report -- \
  --input "$bad" --as-of 2025-09-30 --out "$work/none" 2> "$work/err"; then
  echo "check_monthly: a bad input was accepted" >&2; exit 1
fi
grep -q "expenditures.csv 第3行 “amount_yuan”列" "$work/err" || { cat "$work/err" >&2; exit 1; }
test ! -e "$work/none" || { echo "check_monthly: partial output left behind" >&2; exit 1; }

# A bad workbook: the sheet and cell, in Chinese.
python3 - "$work/bad.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook("examples/data/示例市台账.xlsx")
wb["资金支出"]["F3"] = "产业扶贫"
wb.save(sys.argv[1])
PY
if cargo run --quiet --example monthly_report -- \
  --input "$work/bad.xlsx" --as-of 2025-09-30 --out "$work/none" 2> "$work/err"; then
  echo "check_monthly: a bad workbook was accepted" >&2; exit 1
fi
grep -q "资金支出!F3（资金类别）：资金类别“产业扶贫”无效：无法识别；是否应为“产业发展”？" "$work/err" \
  || { cat "$work/err" >&2; exit 1; }
test ! -e "$work/none" || { echo "check_monthly: partial output left behind" >&2; exit 1; }

chrome=$(command -v chromium || command -v chromium-browser)
profile=$(mktemp -d)
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  "--user-data-dir=$profile")
page="file://$out/report.html"
timeout 120 "$chrome" "${flags[@]}" --dump-dom "$page" > "$work/dom.html" 2> /dev/null
timeout 120 "$chrome" "${flags[@]}" --window-size=1240,1754 --screenshot="$work/page.png" "$page" 2> /dev/null
timeout 120 "$chrome" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$work/page.pdf" "$page" 2> /dev/null
rm -rf "$profile"
test -s "$work/page.png"
pages=$(pdfinfo "$work/page.pdf" | awk '/^Pages:/ {print $2}')
# The example: page 1 title, bulletin, chart and 总览; the tables from page 2 (明细 has
# 3 regions × 30 rows).
python3 .ci/check_monthly.py "$out" "$work/dom.html" "$pages" 5
if [ -n "${KEEP_MONTHLY:-}" ]; then cp -r "$work"/. "$KEEP_MONTHLY"/; fi
