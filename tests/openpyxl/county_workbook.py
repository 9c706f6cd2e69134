"""The county workbook against a real spreadsheet writer (openpyxl).

Usage: python3 tests/openpyxl/county_workbook.py target/debug/examples/county_workbook

1. Our template, read by openpyxl: sheets, headers, frozen header, drop-down lists.
2. The template filled by openpyxl (numbers, text, Excel dates and dates as text, a
   formula whose cached value is 864.1499999999999), read by our reader: the amounts come
   back exactly and the totals are the library's.
3. What openpyxl writes that we must refuse, with the sheet and cell named: a formula
   without a cached value, an error value (#REF!).
"""

import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

import openpyxl

BIN = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="fundtrack-openpyxl-")


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True)


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)
    print("ok:", what)


# 1. The template, as openpyxl sees it.
template = os.path.join(TMP, "template.xlsx")
r = run("template", template, "--year", "2021")
check(r.returncode == 0, f"template written ({r.stderr.strip()})")
wb = openpyxl.load_workbook(template)
check(
    wb.sheetnames == ["地区", "资金下达", "项目库", "资金支出", "资金调整", "资金类别"],
    f"sheet names {wb.sheetnames}",
)
exp = wb["资金支出"]
headers = [c.value for c in exp[1]]
check(
    headers == ["支付凭证号", "支付日期", "项目编号", "地区代码", "资金级次", "资金类别", "金额（元）", "摘要"],
    f"expenditure headers {headers}",
)
check(exp.freeze_panes == "A2", f"header frozen ({exp.freeze_panes})")
lists = {str(dv.sqref): dv.formula1 for dv in exp.data_validations.dataValidation}
check(
    any("中央" in (f or "") for f in lists.values()),
    f"资金级次 drop-down ({lists})",
)
check(
    any("资金类别!" in (f or "") for f in lists.values()),
    "资金类别 drop-down refers to the 资金类别 sheet",
)
cats = [c.value for c in wb["资金类别"]["A"]][1:]
check(cats == ["产业发展", "基础设施", "小额信贷贴息", "雨露计划", "其他"], f"categories {cats}")

# 2. The template filled by openpyxl.
wb["地区"].append(["450521", "合浦县"])
wb["资金类别"].append(["以工代赈"])
alloc = wb["资金下达"]
alloc_headers = [c.value for c in alloc[1]]
col = {h: i for i, h in enumerate(alloc_headers)}


def row(headers, **values):
    out = [None] * len(headers)
    for k, v in values.items():
        out[headers.index(k)] = v
    return out


alloc.append(row(alloc_headers, 编号="XD-1", 下达日期=datetime.date(2021, 3, 1), 地区代码="450521",
                 资金级次="中央", 资金类别="产业发展", **{"金额（元）": 12000000}, 指标文号="桂财农〔2021〕1号"))
alloc.append(row(alloc_headers, 编号="XD-2", 下达日期="2021/4/1", 地区代码=450521,
                 资金级次="自治区", 资金类别="以工代赈", **{"金额（元）": 3005000.5}))
proj = wb["项目库"]
ph = [c.value for c in proj[1]]
proj.append(row(ph, 项目编号="P1", 项目名称="百香果种植基地", 地区代码="450521", 资金类别="产业发展",
                **{"计划投资（元）": 8000000}, 项目状态="实施", 年度="2021"))
proj.append(row(ph, 项目编号="P2", 项目名称="村道硬化", 地区代码="450521", 资金类别="以工代赈",
                **{"计划投资（元）": 3500000}, 项目状态="实施", 年度=2021))
eh = headers
exp.append(row(eh, 支付凭证号="ZF-1", 支付日期=datetime.date(2021, 5, 8), 项目编号="P1", 地区代码="450521",
               资金级次="中央", 资金类别="产业发展", **{"金额（元）": "=800+64.15"}))
exp.append(row(eh, 支付凭证号="ZF-2", 支付日期="2021年9月30日", 项目编号="P2", 地区代码="450521",
               资金级次="自治区", 资金类别="以工代赈", **{"金额（元）": 123456.78}))
exp.append(row(eh, 支付凭证号="ZF-3", 支付日期=datetime.datetime(2021, 9, 30), 项目编号="P1", 地区代码="450521",
               资金级次="中央", 资金类别="产业发展", **{"金额（元）": 0.1 + 0.2}))
uncached = os.path.join(TMP, "uncached.xlsx")
wb.save(uncached)


def with_cached_value(src, dst, formula, value):
    """openpyxl writes formulas without a cached value; add one, as Excel would."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                text = data.decode("utf-8")
                for empty in ("<v></v>", "<v />", "<v/>"):
                    text = text.replace(f"<f>{formula}</f>{empty}", f"<f>{formula}</f><v>{value}</v>")
                text = re.sub(
                    rf"<f>{re.escape(formula)}</f>(?!<v>)", f"<f>{formula}</f><v>{value}</v>", text
                )
                data = text.encode("utf-8")
            zout.writestr(item, data)


filled = os.path.join(TMP, "filled.xlsx")
with_cached_value(uncached, filled, "800+64.15", "864.1499999999999")
r = run("check", filled, "--as-of", "2021-09-30")
check(r.returncode == 0, f"filled template reads ({r.stderr.strip()})")
out = r.stdout
print(out)
check("ZF-1,2021-05-08,P1,450521,central,industry,864.15" in out, "formula cached 864.1499999999999 reads 864.15")
check("ZF-2,2021-09-30,P2,450521,provincial,以工代赈,123456.78" in out, "text date 2021年9月30日 and a double")
check("ZF-3,2021-09-30,P1,450521,central,industry,0.30" in out, "0.1 + 0.2 in a double reads 0.30")
check("XD-2,2021-04-01,450521,provincial,以工代赈,3005000.50" in out, "text date 2021/4/1 and a number code")
check("P1,450521,industry,8000000.00,implementing,2021,百香果种植基地" in out, "project name kept")
check("spent 124321.23元" in out, "total spent")
check("allocated 15005000.50元" in out, "total allocated")

# 3. What must be refused.
r = run("check", uncached, "--as-of", "2021-09-30")
check(r.returncode == 1, "a formula without a cached value is refused")
check("资金支出!G2" in r.stderr and "公式" in r.stderr, f"… naming the cell, in Chinese: {r.stderr.strip()}")

wb = openpyxl.load_workbook(filled)
wb["资金支出"]["G2"] = 864.15
wb["资金支出"]["G3"] = "#REF!"
broken = os.path.join(TMP, "ref.xlsx")
wb.save(broken)
r = run("check", broken, "--as-of", "2021-09-30")
check(r.returncode == 1 and "资金支出!G3" in r.stderr and "#REF!" in r.stderr, f"#REF! refused: {r.stderr.strip()}")

shutil.rmtree(TMP)
print("openpyxl: all checks passed")
