"""pandas.read_excel (openpyxl engine) on the bench's 100,000-expenditure workbook.

Run `cargo bench --bench workbook` first: it writes target/workbook-100k.xlsx.
Usage: python3 tests/openpyxl/read_speed.py [target/workbook-100k.xlsx]
"""

import sys
import time

import pandas as pd

path = sys.argv[1] if len(sys.argv) > 1 else "target/workbook-100k.xlsx"
times = []
for _ in range(3):
    t = time.perf_counter()
    df = pd.read_excel(path, sheet_name="资金支出", engine="openpyxl")
    times.append(time.perf_counter() - t)
print(f"pandas.read_excel: {len(df)} rows, best of 3 {min(times):.3f} s (all: {', '.join(f'{x:.3f}' for x in times)})")
