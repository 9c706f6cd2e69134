#!/usr/bin/env bash
# Times the national report four ways side by side, in the benchmark kit's style
# (../../../../shared/bench/run.sh; data from its `gen`), outside CI:
#   sql_exact    national_sql (DataFusion, fundtrack_sum / fundtrack_yuan)
#   sql_builtin  national_sql --sum builtin (DataFusion's SUM over a DECIMAL(18,2) cast)
#   duckdb       the kit's peers/duckdb_report.py
#   bulk         the root crate's national_report (the library's bulk path)
# One warm-up round, then N rounds (default 3); each round runs every tool once in turn, so
# load from other work on the machine falls on all of them alike. Medians of whole-process
# wall time; every output is compared with bulk's.
#
#   bench/sql_pair.sh SIZE ASOF [N]     (SIZE: 1m | 10m; env FB=/tmp/fundbench, KIT=kit dir)
# Build first, from the repository root:
#   CARGO_PROFILE_RELEASE_LTO=false cargo build --release -p fundtrack-datafusion --example national_sql
#   cargo build --release --example national_report
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
FB="${FB:-/tmp/fundbench}"
KIT="${KIT:-/work/shared/bench}"
S=${1:?SIZE}; ASOF=${2:?ASOF}; N=${3:-3}
d="$FB/$S"; out="$FB/out"; mkdir -p "$out"
ex="$ROOT/target/release/examples"
in="--allocations $d/allocations.csv --projects $d/projects.csv --expenditures $d/expenditures.csv --as-of $ASOF"
python3 - "$N" "$S $ASOF" "$out/sqlpair_bulk_${S}_$ASOF.csv" \
  "bulk=$ex/national_report $in --format csv > $out/sqlpair_bulk_${S}_$ASOF.csv" \
  "sql_exact=$ex/national_sql $in --format csv > $out/sqlpair_sql_exact_${S}_$ASOF.csv" \
  "sql_builtin=$ex/national_sql $in --format csv --sum builtin > $out/sqlpair_sql_builtin_${S}_$ASOF.csv" \
  "duckdb=python3 $KIT/peers/duckdb_report.py $in --out $out/sqlpair_duckdb_${S}_$ASOF.csv" <<'PY'
import filecmp, os, sys, time, statistics as st
n, label, ref = int(sys.argv[1]), sys.argv[2], sys.argv[3]
tools = [a.split("=", 1) for a in sys.argv[4:]]
walls = {t: [] for t, _ in tools}
def run(name, cmd):
    t0 = time.perf_counter()
    pid = os.posix_spawnp("bash", ["bash", "-c", cmd + " < /dev/null"], os.environ)
    _, status, _ = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{name} failed: {cmd}")
    return time.perf_counter() - t0
for r in range(n + 1):
    for t, c in tools:
        w = run(t, c)
        if r: walls[t].append(w)
print(f"{label}: 1 warm-up + {n} rounds, tools alternating; wall seconds, median [min-max]; load {os.getloadavg()[0]:.1f}")
for t, c in tools:
    w = walls[t]
    o = c.split("> ")[-1] if "> " in c else c.split("--out ")[-1]
    same = "same as bulk" if filecmp.cmp(o.strip(), ref, shallow=False) else "DIFFERS from bulk"
    print(f"  {t:<12} {st.median(w):7.3f} [{min(w):.3f}-{max(w):.3f}]  {same}")
e, b = st.median(walls["sql_exact"]), st.median(walls["sql_builtin"])
print(f"  sql_exact / sql_builtin = {e / b:.3f}")
PY
