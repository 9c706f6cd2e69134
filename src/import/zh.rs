//! Chinese renderings of import errors and notes, for the people who fix the workbook
//! (the English `Display` is for logs).

use std::fmt;

use super::error::{InputError, InputErrorKind, Location, Visible};
use super::receipt::{ImportNote, NoteKind};
use crate::error::{ParseError, ParseErrorKind};
use crate::ledger::LedgerErrorKind;

/// A location in Chinese: `县台账.xlsx 资金支出!G17（金额（元））` or
/// `expenditures.csv 第17行 “amount_yuan”列`.
pub(crate) struct LocationZh<'a>(pub(crate) &'a Location);

impl fmt::Display for LocationZh<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.0;
        f.write_str(at.input())?;
        match (at.sheet_name(), at.cell_ref()) {
            (Some(sheet), Some(cell)) => {
                write!(f, " {sheet}!{cell}")?;
                if let Some(c) = at.column_name() {
                    write!(f, "（{}）", Visible(c))?;
                }
                return Ok(());
            }
            (Some(sheet), None) => write!(f, " 工作表“{sheet}”")?,
            (None, Some(cell)) => write!(f, " 单元格{cell}")?,
            (None, None) => {}
        }
        if let Some(line) = at.line_number() {
            write!(f, " 第{line}行")?;
        }
        if let Some(c) = at.column_name() {
            write!(f, " “{}”列", Visible(c))?;
        }
        Ok(())
    }
}

/// An [`InputError`] in Chinese.
pub(crate) struct InputErrorZh<'a>(pub(crate) &'a InputError);

impl fmt::Display for InputErrorZh<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：", LocationZh(self.0.location()))?;
        kind_zh(self.0.kind(), f)
    }
}

#[expect(clippy::too_many_lines, reason = "one arm per kind of error")]
fn kind_zh(kind: &InputErrorKind, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    use InputErrorKind as K;
    match kind {
        K::Io(e) => write!(f, "无法读取：{e}"),
        K::Gbk => {
            f.write_str("文件编码无法识别（看似 GBK，但有无效字节）；请另存为“CSV UTF-8”后重新导入")
        }
        K::Utf16 => f.write_str(
            "文件是 UTF-16 编码（没有字节顺序标记，或含无效字符）；请另存为“CSV UTF-8”后重新导入",
        ),
        K::Utf32 => f.write_str("文件是 UTF-32 编码；请另存为“CSV UTF-8”后重新导入"),
        K::ZipArchive => f.write_str(
            "不是 CSV 文本：文件是 zip 压缩包（如 .xlsx 工作簿）；请把工作表另存为“CSV UTF-8”，或按工作簿读取",
        ),
        K::XlsWorkbook => f.write_str(
            "不是 CSV 文本：文件是 Excel 97-2003 工作簿（.xls）；请把工作表另存为“CSV UTF-8”，或把工作簿另存为 .xlsx",
        ),
        K::TwoByteOrderMarks => f.write_str(
            "文件开头有两个字节顺序标记（U+FEFF）：请删除一个（是否保存时重复加了标记，或与另一文件拼接？）",
        ),
        K::CarriageReturns => f.write_str(
            "行尾只有回车符（旧版 Mac 格式）：请用 Windows（CRLF）或 Unix（LF）换行符保存",
        ),
        K::NotUtf8(b) => write!(
            f,
            "文件编码无法识别（无效字节 0x{b:02X}）；请另存为“CSV UTF-8”后重新导入"
        ),
        K::NoHeader(expected) => write!(f, "没有表头行；应有这些列：{expected}"),
        K::UnclosedQuote => f.write_str("引号没有闭合，直到文件结尾"),
        K::StrayQuote => f.write_str("多余的引号：含引号的字段须整体加引号，内部引号写两次"),
        K::Quoted => f.write_str("字段带引号（批量通道只读不带引号的 CSV）"),
        K::UnknownColumn { column, expected } => {
            write!(f, "无法识别的列“{}”；可用的列：{expected}", Visible(column))
        }
        K::DuplicateColumn(c) => write!(f, "列“{}”出现了两次", Visible(c)),
        K::SameField { column, earlier } => {
            write!(
                f,
                "列“{}”与前面的列“{}”是同一项内容，只能保留一列",
                Visible(column),
                Visible(earlier)
            )
        }
        K::MissingColumn { column, expected } => {
            write!(f, "缺少必填列 {column}；应有这些列：{expected}")
        }
        K::ColumnOrder { column, expected } => {
            write!(f, "列 {column} 的位置不对；应为：{expected}")
        }
        K::FieldCount { expected, found } => {
            write!(f, "这一行有 {found} 个字段，表头有 {expected} 列")
        }
        K::Value(e) => parse_zh(e, f),
        K::NotPositive { text } => write!(f, "金额“{text}”必须大于零"),
        K::OutsideYear { date, year } => write!(f, "日期 {date} 不在 {year} 预算年度内"),
        K::CustomCategory(c) => write!(f, "自定义类别“{c}”（批量通道只统计内置类别）"),
        K::UnknownProject { id } => write!(f, "项目“{id}”不在项目库中"),
        K::ProjectElsewhere { id, project, row } => {
            write!(f, "项目“{id}”属于 {project}，这笔支出却记在 {row}")
        }
        K::ProjectNotPooled { id } => {
            write!(f, "项目“{id}”未纳入项目库（未审定入库），不能支出衔接资金")
        }
        K::DuplicateId { id } => write!(f, "编号“{id}”重复"),
        K::DuplicateProject { id } => write!(f, "项目编号“{id}”重复"),
        K::Overflow => f.write_str("金额合计超出可表示的范围"),
        K::Overspent {
            bucket,
            date,
            spent,
            allocated,
        } => write!(
            f,
            "{bucket} 截至 {date} 已支出 {spent}，超过截至当日下达的 {allocated}（超支）"
        ),
        K::OverspentTotal {
            bucket,
            spent,
            allocated,
        } => write!(
            f,
            "{bucket} 全年支出合计 {spent}，超过全年下达合计 {allocated}（超支；按日检查可定位日期和行）"
        ),
        K::SpentBeforeAllocation {
            bucket,
            date,
            first,
        } => write!(
            f,
            "{bucket} 的支出日期 {date} 早于该资金的首次下达日期 {first}"
        ),
        K::NothingAllocated { bucket, date } => {
            write!(f, "{bucket} 在 {date} 有支出，但该资金没有任何下达")
        }
        K::AllocationsAfterExpenditures => {
            f.write_str("资金下达表须在支出表之前读取（支出按已下达资金检查）")
        }
        K::SumOverflow { what, bucket } => {
            let what = match *what {
                "allocated sum" => "下达",
                "spent sum" => "支出",
                _ => "计划投资",
            };
            write!(f, "{bucket} 的{what}合计超出可表示的范围")
        }
        K::AmountTooLarge { text } => write!(f, "金额“{text}”过大，超出可表示的范围"),
        K::LineTooLong { limit, start } => {
            write!(f, "该行超过 {limit} 字节（开头为“{start}”）")
        }
        K::HeaderTooLong { limit, start } => {
            write!(f, "表头行超过 {limit} 字节（开头为“{start}”）")
        }
        K::FieldTooLong { limit, start } => {
            write!(f, "该字段超过 {limit} 字节（开头为“{start}”）")
        }
        K::TooManyColumns { limit, found } => {
            write!(f, "表头有 {found} 列，超过上限 {limit} 列")
        }
        K::TooManyBlankLines { limit } => write!(f, "空行超过 {limit} 行"),
        K::AsOfMismatch { left, right } => {
            write!(f, "截至 {left} 与截至 {right} 的部分结果不能合并")
        }
        K::RegionTree {
            code,
            expected,
            found,
        } => write!(f, "地区 {code}：按代码应为 {expected}，而不是“{found}”"),
        K::AmountWithoutUnit(c) => write!(
            f,
            "金额列“{c}”没有写明单位：请写作“金额（元）”或“金额（万元）”"
        ),
        K::NotCommaSeparated(sep) => write!(
            f,
            "表头用{}分隔，而不是逗号：请另存为 CSV（逗号分隔）",
            if *sep == '\t' { "制表符" } else { "分号" }
        ),
        K::SecondHeader => f.write_str("出现第二个表头行：每张表只能有一行表头，数据紧接其下"),
        K::AfterTotal { label, row } => {
            write!(f, "第{row}行“{label}”之后还有数据：合计行必须是最后一行")
        }
        K::TotalMismatch {
            label,
            printed,
            sum,
        } => write!(
            f,
            "“{label}”行写的是 {printed}，但上面各行相加为 {sum}；请核对是否漏行或重复"
        ),
        K::NotAWorkbook(why) => write!(f, "不是 .xlsx 工作簿：{why}"),
        K::HiddenSheet(s) => write!(
            f,
            "工作表“{s}”被隐藏：请取消隐藏（其数据会被计入）或删除该表"
        ),
        K::SheetTwice {
            sheet,
            earlier,
            what,
        } => write!(
            f,
            "工作表“{earlier}”和“{sheet}”都是{}，只能保留一张",
            what_zh(what)
        ),
        K::NoKnownSheet(found) => write!(
            f,
            "没有可识别的工作表（应为 地区、资金下达、项目库、资金支出、资金调整、资金类别）；实际有：{found}"
        ),
        K::HeaderlessColumn(col) => write!(
            f,
            "第 {col} 列有数据但没有表头（表头单元格是否被合并？每一列须有自己的表头单元格）"
        ),
        K::EmptySheet => f.write_str("没有表头行"),
        K::Ledger { record, kind } => {
            write!(f, "{}：", record_zh(record))?;
            ledger_zh(kind, f)
        }
    }
}

/// `allocation A-2` → `资金下达 A-2`.
fn record_zh(record: &str) -> String {
    for (en, zh) in [
        ("region ", "地区 "),
        ("allocation ", "资金下达 "),
        ("project ", "项目 "),
        ("expenditure ", "支出 "),
        ("adjustment ", "资金调整 "),
    ] {
        if let Some(rest) = record.strip_prefix(en) {
            return format!("{zh}{rest}");
        }
    }
    record.to_owned()
}

fn what_zh(what: &str) -> &str {
    match what {
        "regions" => "地区表",
        "allocations" => "资金下达表",
        "projects" => "项目库",
        "expenditures" => "资金支出表",
        "adjustments" => "资金调整表",
        "categories" => "资金类别表",
        other => other,
    }
}

fn ledger_zh(kind: &LedgerErrorKind, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    use LedgerErrorKind as L;
    match kind {
        L::UnknownRegion(c) => write!(f, "地区 {c} 未登记（请先在“地区”表中列出）"),
        L::UnknownProject(p) => write!(f, "项目 {p} 不在项目库中"),
        L::DuplicateId(id) => write!(f, "编号 {id} 重复"),
        L::DuplicateRegion(c) => write!(f, "地区 {c} 已登记过"),
        L::NegativePlanned(m) => write!(f, "计划投资 {m} 不能为负数"),
        L::OutsideYear { date, year } => write!(f, "日期 {date} 不在 {year} 预算年度内"),
        L::NotPositive(m) => write!(f, "金额 {m} 必须大于零"),
        L::NotPooled { project, stage } => write!(
            f,
            "项目 {project} 处于“{}”阶段，未纳入项目库，不能支出衔接资金",
            stage.as_str()
        ),
        L::RegionMismatch {
            project,
            expected,
            found,
        } => write!(f, "项目 {project} 属于地区 {expected}，而不是 {found}"),
        L::CategoryMismatch {
            project,
            expected,
            found,
        } => write!(
            f,
            "项目 {project} 的资金类别是“{expected}”，而不是“{found}”"
        ),
        L::UndeclaredCategory {
            category,
            suggestion,
        } => {
            write!(f, "资金类别“{category}”未声明")?;
            match suggestion {
                Some(s) => write!(f, "；是否应为“{s}”？"),
                None => f.write_str("；自定义类别须先在“资金类别”表中声明"),
            }
        }
        L::SameBucket(b) => write!(f, "调出与调入是同一资金（{b}）"),
        L::Overdrawn {
            bucket,
            date,
            funds,
            spent,
        } => write!(
            f,
            "{bucket} 在 {date} 超支：到位资金 {funds}，已支出 {spent}"
        ),
        L::Overflow => f.write_str("金额过大，超出台账可表示的范围"),
        L::TooManyRecords => f.write_str("记录过多：台账每类记录（及每批）至多 4294967293 条"),
    }
}

/// A [`ParseError`] in Chinese.
pub(crate) fn parse_zh(e: &ParseError, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    use ParseErrorKind as P;
    let what = match e.what() {
        "amount" => "金额",
        "region code" | "region" => "地区代码",
        "date" => "日期",
        "year" => "年度",
        "category" => "资金类别",
        "fund level" => "资金级次",
        "project stage" => "项目状态",
        "adjustment kind" => "调整类型",
        "project id" => "项目编号",
        "id" | "record id" => "编号",
        "document number" => "文号",
        "batch" => "批次",
        "bucket" => "资金",
        "fiscal year" => "预算年度",
        other => other,
    };
    write!(f, "{what}“{}”无效：", Visible(e.input()))?;
    match e.kind() {
        P::Empty => f.write_str("不能为空"),
        P::UnexpectedChar { ch, .. } => write!(f, "含有不应出现的字符“{ch}”"),
        P::Exponent { .. } => f.write_str("不能用科学计数法，请写出完整数字"),
        P::SecondPoint { .. } => f.write_str("有两个小数点"),
        P::BadGrouping { .. } => f.write_str("千分位逗号位置不对"),
        P::NoDigits => f.write_str("没有数字"),
        P::BarePoint { .. } => f.write_str("小数点两边都要有数字"),
        P::TooManyDecimals { decimals } => {
            write!(f, "折合元有 {decimals} 位小数（最多 2 位，金额精确到分）")
        }
        P::NegativeZero => f.write_str("负零"),
        P::TooManyPlaces { places, max } => write!(f, "{places} 位小数（最多 {max} 位）"),
        P::Overflow => f.write_str("数值过大"),
        P::Format(expected) => write!(f, "格式不对；应为{}", expected_zh(expected)),
        P::Unknown(known) => write!(f, "无法识别；可用的有：{known}"),
        P::NotInVocabulary {
            suggestion: Some(s),
            ..
        } => write!(f, "无法识别；是否应为“{s}”？"),
        P::NotInVocabulary {
            suggestion: None,
            known,
        } => write!(f, "不在可用类别中（可用：{known}）；自定义类别须先声明"),
    }
}

/// What a value should have been, in Chinese (the English text for one not listed).
fn expected_zh(expected: &str) -> &str {
    match expected {
        "a date such as 2021-09-30, 2021/9/30, 2021.9.30 or 2021年9月30日" => {
            "日期，如 2021-09-30、2021/9/30、2021.9.30 或 2021年9月30日"
        }
        "a date without a time of day" => "不带时刻的日期",
        "a date, not a number (format the cell as a date)" => {
            "日期，而不是数字（请把单元格格式设为日期）"
        }
        "a value, not an error value (fix the formula)" => "数值，而不是错误值（请修改公式）",
        "a formula with a cached value (open and save the file in Excel or WPS)" => {
            "有计算结果的公式（请用 Excel 或 WPS 打开并保存后再导入）"
        }
        "a number of 元, as the column header says (no other unit)" => {
            "以“元”为单位的数字（与表头单位一致，不能写其他单位）"
        }
        "a number of 万元, as the column header says (no other unit)" => {
            "以“万元”为单位的数字（与表头单位一致，不能写其他单位）"
        }
        "a number of 亿元, as the column header says (no other unit)" => {
            "以“亿元”为单位的数字（与表头单位一致，不能写其他单位）"
        }
        "an amount" => "金额",
        "a finite number" => "有限的数字",
        "text" => "文字",
        "text or a whole number" => "文字或整数",
        "a year such as 2021" | "a year such as 2020" => "年份，如 2021",
        "a whole batch number such as 2" => "整数批次号，如 2",
        "six ASCII digits PPCCDD" => "6 位数字的行政区划代码",
        "1–64 bytes without control characters or surrounding spaces" => {
            "1–64 字节、不含控制字符、首尾没有空格的文字"
        }
        "no invisible characters in an id (byte-order mark U+FEFF, zero-width or direction marks; were files joined?)" => {
            "不含不可见字符（字节顺序标记 U+FEFF、零宽字符、方向控制符）的编号（是否拼接了多个文件？）"
        }
        other => other,
    }
}

/// An [`ImportNote`] in Chinese.
pub(crate) struct NoteZh<'a>(pub(crate) &'a ImportNote);

impl fmt::Display for NoteZh<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：", LocationZh(self.0.location()))?;
        match self.0.kind() {
            NoteKind::UnknownColumn(c) => write!(f, "无法识别的列“{}”，未读取", Visible(c)),
            NoteKind::UnusedColumn(_) => f.write_str("已读取，但记录中没有对应字段，未使用"),
            NoteKind::UnknownSheet(s) => write!(f, "工作表“{s}”无法识别，未读取"),
            NoteKind::BlankRows(n) => write!(f, "跳过 {n} 个空行"),
            NoteKind::TitleRow(t) => write!(f, "表头上方的标题“{t}”已跳过"),
            NoteKind::TotalRow {
                label,
                checked: Some(m),
            } => write!(f, "“{label}”行不计入；其金额 {m} 与各行之和一致"),
            NoteKind::TotalRow {
                label,
                checked: None,
            } => write!(f, "“{label}”行不计入"),
            NoteKind::Declared(c) => write!(f, "声明自定义资金类别“{c}”"),
        }
    }
}

impl InputError {
    /// The error in Chinese, for people (the `Display` form is English, for logs): where
    /// (sheet and cell, or file, line and column), the value, and the rule.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::{Batch, CsvKind};
    /// let csv = "支付凭证号,支付日期,项目编号,地区代码,资金级次,资金类别,金额（元）\n\
    ///            ZF001,2021/9/30,P1,450521,中央,产业扶贫,100\n";
    /// let err = Batch::new().read(CsvKind::Expenditures, "支出.csv", csv.as_bytes()).unwrap_err();
    /// assert_eq!(err.zh().to_string(), "支出.csv 第2行 “资金类别”列：资金类别“产业扶贫”无效：无法识别；是否应为“产业发展”？");
    /// ```
    pub fn zh(&self) -> impl fmt::Display + '_ {
        InputErrorZh(self)
    }
}
