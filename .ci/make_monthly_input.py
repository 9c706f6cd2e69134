#!/usr/bin/env python3
"""Writes a made-up city's 2025 ledger as a folder of CSV files for `monthly_report`.

    make_monthly_input.py OUT_DIR [EXPENDITURES] [SEED]

示例市 (459900) and its three counties; money from all four levels in the five built-in
categories, allocated in batches from January to August; pooled projects; expenditures
spread over the year and never more, per (county, level, category), than the money in
place on their date. Deterministic for a seed. examples/data/monthly_csv is this script's
output with the defaults; CI makes a 100,000-expenditure input with it to time the report.
"""

import os
import random
import sys

CITY = ("459900", "示例市")
COUNTIES = [("459901", "青山县"), ("459902", "河西县"), ("459903", "石门县")]
LEVELS = ["central", "provincial", "city", "county"]
CATEGORIES = ["industry", "infrastructure", "loan_interest", "yulu_plan", "other"]
# Share of a county's money by level and by category (realistic for a western county).
LEVEL_SHARE = {"central": 0.55, "provincial": 0.25, "city": 0.10, "county": 0.10}
CAT_SHARE = {"industry": 0.58, "infrastructure": 0.27, "loan_interest": 0.07,
             "yulu_plan": 0.04, "other": 0.04}
MONTH_END = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def day_of_year(d):
    m = 0
    while d >= MONTH_END[m]:
        d -= MONTH_END[m]
        m += 1
    return f"2025-{m + 1:02d}-{d + 1:02d}"


def main():
    out = sys.argv[1]
    n_exp = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 2025)
    os.makedirs(out, exist_ok=True)
    regions = [f"code,name\n{CITY[0]},{CITY[1]}\n"]
    regions += [f"{c},{n}\n" for c, n in COUNTIES]
    allocations = ["id,date,region,level,category,doc_no,batch,amount_yuan\n"]
    projects = ["id,region,category,stage,year,planned_investment_yuan\n"]
    expenditures = ["id,date,project,region,level,category,amount_yuan\n"]

    # Money per bucket as (day, 分) steps, and the projects of each (county, category).
    funds = {}
    pool = {}
    a = 0
    for county, _ in COUNTIES:
        total_wan = rng.randint(18000, 32000)  # 1.8–3.2 亿元 a county
        for level in LEVELS:
            batches = 3 if level in ("central", "provincial") else 2
            for cat in CATEGORIES:
                fen = int(total_wan * LEVEL_SHARE[level] * CAT_SHARE[cat] * 1_000_000)
                fen += rng.randint(0, 99_999)
                steps = []
                left = fen
                for b in range(batches):
                    part = left if b == batches - 1 else int(fen * rng.uniform(0.3, 0.5))
                    left -= part
                    day = rng.randint(b * 75, b * 75 + 60)
                    steps.append((day, part))
                    a += 1
                    allocations.append(
                        f"A{a:05d},{day_of_year(day)},{county},{level},{cat},"
                        f"示财农〔2025〕{a}号,{b + 1},{part // 100}.{part % 100:02d}\n")
                funds[(county, level, cat)] = sorted(steps)
        for cat in CATEGORIES:
            in_cat = sum(sum(p for _, p in funds[(county, lv, cat)]) for lv in LEVELS)
            n = {"industry": 40, "infrastructure": 25, "loan_interest": 4,
                 "yulu_plan": 3, "other": 6}[cat]
            ids = []
            planned_total = int(in_cat * rng.uniform(1.05, 1.35))
            for i in range(n):
                pid = f"P{county[-2:]}{CATEGORIES.index(cat)}{i:03d}"
                fen = planned_total // n + rng.randint(0, 99)
                stage = rng.choice(["in_pool", "in_annual_plan", "implementing",
                                    "implementing", "completed"])
                projects.append(f"{pid},{county},{cat},{stage},2025,{fen // 100}.{fen % 100:02d}\n")
                ids.append(pid)
            pool[(county, cat)] = ids

    # Expenditures: each takes a bucket and a day, and at most what is left in place then.
    keys = list(funds)
    # An expenditure's typical size: about 85% of the year's money over all of them.
    weights = [sum(p for _, p in funds[k]) for k in keys]
    per_expenditure = sum(p for steps in funds.values() for _, p in steps) * 0.85 / n_exp
    spent = {k: 0 for k in keys}
    days = sorted(rng.randint(20, 364) for _ in range(n_exp + n_exp // 4))
    e = 0
    for day in days:
        if e == n_exp:
            break
        for _ in range(20):
            key = rng.choices(keys, weights)[0]
            in_place = sum(p for d, p in funds[key] if d <= day)
            w = weights[keys.index(key)]
            # Spend towards ~day/365 of the year's money, a little ahead in the second half.
            target = int(in_place * min(0.97, day / 330))
            room = target - spent[key]
            if room > 100:
                break
        else:
            continue
        fen = max(100, min(room, int(per_expenditure * in_place / w * rng.uniform(0.2, 1.8)) + rng.randint(0, 99)))
        spent[key] += fen
        county, level, cat = key
        e += 1
        pid = rng.choice(pool[(county, cat)])
        expenditures.append(
            f"E{e:07d},{day_of_year(day)},{pid},{county},{level},{cat},{fen // 100}.{fen % 100:02d}\n")

    for name, rows in [("regions.csv", regions), ("allocations.csv", allocations),
                       ("projects.csv", projects), ("expenditures.csv", expenditures)]:
        with open(os.path.join(out, name), "w", encoding="utf-8", newline="") as f:
            f.writelines(rows)
    print(f"{out}: {len(allocations) - 1} allocations, {len(projects) - 1} projects, "
          f"{e} expenditures", file=sys.stderr)


if __name__ == "__main__":
    main()
