//! The 2021 Beihai (北海市) report on transition funds and the consolidation of poverty
//! alleviation, as of 30 September 2021, rebuilt from the inputs the report prints
//! (SPEC §8; seed: People's Daily Guangxi, 15 October 2021).
//!
//! ```text
//! cargo run --example beihai_2021                  # the bulletin (Chinese) and a table
//! cargo run --example beihai_2021 -- --format json # the same reports as JSON
//! ```
//!
//! Every figure is computed by the library from inputs, except where the report prints no
//! inputs. Those are labelled in the output:
//!
//! - 〔推算输入〕 *inferred input*: one input is not printed and is reconstructed from the
//!   printed figure (last year's comparable base, the annual lending task);
//! - 〔报道数〕 *reported*: the report gives no inputs, so the figure is carried as given;
//! - 〔参数〕 *parameter*: the region's milestone behind "达到自治区要求" is not printed; 75% by
//!   30 September is assumed here.
//!
//! The report gives city-wide totals only: the funds go into the ledger as three
//! allocations at the city code, dated on the as-of date; spending is a printed total, so
//! it enters as a total. No district split, date or expenditure record is invented.

use std::error::Error;
use std::fmt::Write as _;

use chrono::NaiveDate;
use fundtrack::format::{Align, Bulletin, Clause, MoneyFormat, Paragraph, TextStyle, TextTable};
use fundtrack::money::{Count, CountUnit, Unit};
use fundtrack::policy::loans::lending_completion;
use fundtrack::policy::milestone::{MilestoneCheck, MilestoneOptions, check_milestones};
use fundtrack::policy::monitoring::{GroupCount, MonitoringGroup, MonitoringSummary};
use fundtrack::policy::standard::{ProRated, ProRating, StandardSchedule};
use fundtrack::record::{Allocation, Region};
use fundtrack::report::{
    Average, Base, Execution, ExecutionOptions, Growth, Milestones, PoolCoverage, Progress,
    Schedule, ScheduleGap, completion,
};
use fundtrack::{FiscalYear, FundLevel, Ledger, Money, Ratio, RegionCode, SourceMix};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// Everything the bulletin prints, computed (or carried, where labelled).
pub(crate) struct Beihai {
    as_of: NaiveDate,
    ledger: Ledger,
    by_level: Execution,
    funds: Progress,
    upper_growth: Growth,
    months: ScheduleGap,
    days: ScheduleGap,
    milestone: MilestoneCheck,
    milestone_rate: Ratio,
    pool: PoolCoverage,
    monitoring: MonitoringSummary,
    new_lending: Money,
    lending_task: Money,
    lending: Ratio,
    dibao: ProRated,
    housing_started: Ratio,
    housing_completed: Ratio,
    migrant: Ratio,
    water: Average,
    jobs: Average,
    training: Average,
    cadres_stayed: u64,
    cadres: Ratio,
}

fn wan(s: &str) -> Result<Money, Box<dyn Error>> {
    Ok(format!("{s}万元").parse()?)
}

/// Reported figures (报道数): printed without inputs, carried as given.
mod reported {
    pub(crate) const INDUSTRY_2016_2020_WAN: &str = "3974.82";
    pub(crate) const LOAN_BALANCE_WAN: &str = "11551.59";
    pub(crate) const LOAN_STOCK_COVERAGE_PERCENT: &str = "25.62";
    pub(crate) const PENSIONS_WAN: &str = "2461.08";
    pub(crate) const INPATIENT_REIMBURSED_PERCENT: &str = "91.65";
    pub(crate) const CHRONIC_REIMBURSED_PERCENT: &str = "82.69";
    pub(crate) const RURAL_DOCTORS_WAN: &str = "1062";
}

impl Beihai {
    /// Builds the ledger from the report's inputs and computes every figure.
    pub(crate) fn compute() -> Result<Beihai, Box<dyn Error>> {
        let as_of = NaiveDate::from_ymd_opt(2021, 9, 30).ok_or("bad date")?;
        let city: RegionCode = "450500".parse()?;
        let mut ledger = Ledger::new(FiscalYear::new(2021)?);
        ledger.insert([Region::new(city, "北海市")])?;
        // "向上级争取中央、自治区衔接资金2批次共15302万元": the central/regional split is not
        // printed, so the money is recorded at the level that passed it down (自治区).
        ledger.insert([
            Allocation::new(
                "BH-2021-upper".parse()?,
                as_of,
                city,
                FundLevel::Provincial,
                wan("15302")?,
            ),
            Allocation::new(
                "BH-2021-city".parse()?,
                as_of,
                city,
                FundLevel::City,
                wan("14753")?,
            ),
            Allocation::new(
                "BH-2021-county".parse()?,
                as_of,
                city,
                FundLevel::County,
                wan("9702.09")?,
            ),
        ])?;
        let by_level = ledger.execution(ExecutionOptions::new(as_of).by_level());
        // "全市支出衔接资金30700.48万元": a printed total.
        let funds = Progress::of(wan("30700.48")?, by_level.total().allocated());
        let rate = funds.rate()?;
        let upper =
            ledger.execution(ExecutionOptions::new(as_of).sources(SourceMix::CentralAndProvincial));
        // INFERRED INPUT: last year's comparable base, implied by the printed +15.63%.
        let upper_growth = Growth::new(
            upper.total().allocated(),
            Base::Comparable(wan("13233.59")?),
        );
        // PARAMETER: the region's milestone is not printed; 75% by 30 September is assumed.
        let milestone_rate = Ratio::from_percent(dec!(75))?;
        let rule = Schedule::Milestones(Milestones::new([(as_of, milestone_rate)])?);
        let checks = check_milestones([(city, &funds)], &MilestoneOptions::new(as_of, rule)?)?;
        let milestone = checks
            .checks()
            .first()
            .cloned()
            .ok_or("no milestone check")?;
        let monitoring = MonitoringSummary::from_counts([
            (MonitoringGroup::Marginal, GroupCount::new(56, 215)),
            (MonitoringGroup::Unstable, GroupCount::new(136, 508)),
            (MonitoringGroup::SuddenHardship, GroupCount::new(103, 391)),
        ])?;
        let new_lending = wan("2646.50")?;
        // INFERRED INPUT: the annual task, implied by the printed 110.18%.
        let lending_task = wan("2402")?;
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).ok_or("bad date");
        let dibao = StandardSchedule::annual([
            (d(2020, 1, 1)?, "6000元".parse()?),
            (d(2021, 4, 1)?, "6800元".parse()?),
        ])?;
        let months = Schedule::Months.compare(&rate, ledger.year(), as_of);
        let days = Schedule::Days.compare(&rate, ledger.year(), as_of);
        Ok(Beihai {
            as_of,
            months,
            days,
            pool: PoolCoverage::from_totals("4.49亿元".parse()?, 391, funds.allocated()),
            lending: lending_completion(new_lending, lending_task)?,
            // The report prints 6600 for the year: the month-first-day convention gives it.
            dibao: dibao.pro_rated(ledger.year(), ProRating::MonthFirstDay)?,
            housing_started: completion(Count::households(412), Count::households(412))?,
            housing_completed: completion(Count::households(386), Count::households(412))?,
            migrant: completion(Count::persons(20955), Count::persons(20815))?,
            water: Average::new(wan("204")?, Count::projects(56))?,
            jobs: Average::new(wan("529.59")?, Count::items(810))?,
            training: Average::new(wan("162.88")?, Count::new(196, CountUnit::PersonTime))?,
            cadres_stayed: 24 + 156,
            cadres: Ratio::from_counts(24 + 156, 447)?,
            ledger,
            by_level,
            funds,
            upper_growth,
            milestone,
            milestone_rate,
            monitoring,
            new_lending,
            lending_task,
        })
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let json = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--format") => match std::env::args().nth(2).as_deref() {
            Some("json") => true,
            Some("text") => false,
            other => return Err(format!("--format takes text or json, not {other:?}").into()),
        },
        Some(other) => {
            return Err(format!("unknown argument {other}; use --format text|json").into());
        }
    };
    let b = Beihai::compute()?;
    let text = if json { self::json(&b)? } else { bulletin(&b)? };
    print!("{text}");
    Ok(())
}

const REPORTED: &str = "〔报道数〕";

/// How the bulletin names each fund level (Guangxi is an autonomous region).
fn level_label(level: Option<FundLevel>) -> &'static str {
    match level {
        Some(FundLevel::Provincial) => "中央和自治区",
        Some(FundLevel::City) => "市本级",
        Some(FundLevel::County) => "县区本级",
        Some(FundLevel::Central) => "中央",
        _ => "其他",
    }
}

/// The bulletin: Chinese text, a funds table and a table of every figure with its kind.
#[allow(clippy::too_many_lines, reason = "the report's text, in reading order")]
pub(crate) fn bulletin(b: &Beihai) -> Result<String, Box<dyn Error>> {
    let s = TextStyle::default();
    let r = s.percent_rounding();
    let pct = |x: Decimal| format!("{x}%");
    let prior = b.upper_growth.prior().ok_or("no prior")?;
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };

    let city = b.ledger.regions().next().map_or("北海市", |r| r.name());
    line(format!(
        "{city}衔接推进乡村振兴补助资金执行和巩固拓展脱贫攻坚成果情况"
    ));
    line("（截至2021年9月30日，据人民网广西频道2021年10月15日报道整理）".into());
    line(String::new());
    line("一、资金落实和支出".into());
    // The first two paragraphs are the library's bulletin, worded as the report words them.
    let paragraphs = Bulletin::new("全市")
        .style(s)
        .without_year()
        .with_capital()
        .totals(b.funds)
        .level_label(
            FundLevel::Provincial,
            "向上级争取中央、自治区衔接资金2批次共",
        )
        .after(
            Clause::Level(FundLevel::Provincial),
            format!(
                "，{}〔推算输入：上年同口径{}〕",
                s.growth(&b.upper_growth),
                s.amount(prior)
            ),
        )
        .level_label(FundLevel::City, "市本级资金")
        .level_label(FundLevel::County, "县区本级资金")
        .after(
            Clause::Gap,
            format!(
                "（按日计序时进度{}，{}），{}〔参数：9月30日要求{}〕",
                s.percent(&b.days.expected()),
                s.schedule_gap(&b.days),
                s.milestone_check(&b.milestone, "自治区"),
                s.percent(&b.milestone_rate),
            ),
        )
        .omit(Paragraph::Categories)
        .omit(Paragraph::Regions)
        .omit(Paragraph::Pool)
        .paragraphs(&b.by_level, Some(&b.ledger));
    for p in paragraphs {
        line(p);
    }
    line(String::new());
    let shares = b
        .by_level
        .shares(fundtrack::report::Basis::Allocated)?
        .percents_summing_to_100(r.dp());
    let mut t = TextTable::new([
        ("资金来源", Align::Left),
        ("落实资金（万元）", Align::Right),
        ("占比", Align::Right),
    ]);
    let plain = s.money_format().without_unit();
    for row in b.by_level.rows() {
        let share = shares
            .get(row.key())
            .copied()
            .map_or_else(|| "—".to_owned(), pct);
        t.row([
            level_label(row.key().level()).to_owned(),
            plain.render(row.allocated()),
            share,
        ]);
    }
    t.total([
        "合计".to_owned(),
        plain.render(b.funds.allocated()),
        "100.00%".to_owned(),
    ]);
    out.push_str(&t.render());
    let mut t = TextTable::new([
        ("落实资金（万元）", Align::Right),
        ("已支出（万元）", Align::Right),
        ("支出进度", Align::Right),
        ("序时进度（按月）", Align::Right),
        ("较序时进度（百分点）", Align::Right),
    ]);
    t.row([
        plain.render(b.funds.allocated()),
        plain.render(b.funds.spent()),
        s.rate(b.funds.rate()),
        s.percent(&b.months.expected()),
        format!("{:+}", b.months.gap().round(r)),
    ]);
    out.push('\n');
    out.push_str(&t.render());
    out.push_str(&programmes(b, &s)?);
    out.push_str("附表  主要指标及来源\n");
    out.push_str(&figures_table(b, &s)?);
    out.push('\n');
    let _ = writeln!(
        out,
        "注：1. {}；百分比由未经舍入的数值计算，只在输出时舍入一次。",
        s.rounding_note()
    );
    out.push_str("    2. 〔推算输入〕：报道未列出的一个输入，由报道的结果反推，仅作输入，不作数据；〔报道数〕：报道未给出计算依据，按报道数列示；〔参数〕：自治区节点要求未见报道，本例取9月30日支出进度不低于75%。\n");
    out.push_str("    3. 中央和自治区资金按下达层级（自治区）记录，报道未列出两级分列数。\n");
    Ok(out)
}

/// Sections 二 to 八: project pool, monitoring, loans, social assistance, housing and
/// health, employment, cadres.
#[allow(clippy::too_many_lines, reason = "the report's text, in reading order")]
fn programmes(b: &Beihai, s: &TextStyle) -> Result<String, Box<dyn Error>> {
    let r = s.percent_rounding();
    let yuan = MoneyFormat::new(Unit::Yuan);
    let pct = |x: Decimal| format!("{x}%");
    let reported_wan = |w: &str| -> Result<String, Box<dyn Error>> { Ok(s.amount(wan(w)?)) };
    let reported_pct = |p: &str| -> Result<String, Box<dyn Error>> {
        Ok(format!("{}%", Decimal::from_str_exact(p)?))
    };
    let shares = b
        .monitoring
        .person_shares()?
        .percents_summing_to_100(r.dp());
    let share_of = |g| shares.get(&g).copied().map_or_else(|| "—".to_owned(), pct);
    let group = |g| b.monitoring.groups().get(&g).copied().unwrap_or_default();
    let segments = b.dibao.segments();
    let (before, after) = (
        segments.first().ok_or("no 低保 standard")?,
        segments.last().ok_or("no 低保 standard")?,
    );
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(String::new());
    line("二、项目库建设".into());
    line(format!(
        "谋划2021年计划实施的巩固脱贫攻坚成果项目{}个、预计总投资{}，为落实资金的{}，平均每个项目{}，做到“项目等资金”。",
        b.pool.projects(),
        MoneyFormat::new(Unit::Yi).render(b.pool.planned()),
        s.rate(b.pool.coverage()),
        s.money_format().render_average(&b.pool.average()?),
    ));
    line(String::new());
    line("三、防返贫动态监测".into());
    let total = b.monitoring.total();
    line(format!(
        "2021年新增防贫监测对象{}户{}人，户均{}人；其中边缘易致贫户{}户{}人，占{}；脱贫不稳定户{}户{}人，占{}；突发严重困难户{}户{}人，占{}（按人数计，合计100.00%）。",
        total.households(),
        total.persons(),
        b.monitoring.persons_per_household()?.to_decimal(r),
        group(MonitoringGroup::Marginal).households(),
        group(MonitoringGroup::Marginal).persons(),
        share_of(MonitoringGroup::Marginal),
        group(MonitoringGroup::Unstable).households(),
        group(MonitoringGroup::Unstable).persons(),
        share_of(MonitoringGroup::Unstable),
        group(MonitoringGroup::SuddenHardship).households(),
        group(MonitoringGroup::SuddenHardship).persons(),
        share_of(MonitoringGroup::SuddenHardship),
    ));
    line(String::new());
    line("四、产业奖补和小额信贷".into());
    line(format!(
        "2016—2020年安排衔接资金{}{REPORTED}，扶持脱贫不稳定户、边缘易致贫户发展特色产业。",
        reported_wan(reported::INDUSTRY_2016_2020_WAN)?
    ));
    line(format!(
        "截至9月30日，全市小额信贷新增贷款{}、贷款任务完成率{}〔推算输入：年度任务{}〕，贷款余额{}、存量贷款覆盖率{}{REPORTED}。",
        s.amount(b.new_lending),
        s.percent(&b.lending),
        s.amount(b.lending_task),
        reported_wan(reported::LOAN_BALANCE_WAN)?,
        reported_pct(reported::LOAN_STOCK_COVERAGE_PERCENT)?,
    ));
    line(String::new());
    line("五、社会救助兜底".into());
    line(format!(
        "截至9月底，对符合条件的特殊困难人员发放城乡居民基本养老保险基础养老金{}{REPORTED}。",
        reported_wan(reported::PENSIONS_WAN)?
    ));
    line(format!(
        "从2021年4月1日起，全市农村居民最低生活保障标准从{}/年/人提高到{}/年/人，2021年按月折算全年标准为{}/人（{}个月按原标准、{}个月按新标准）。",
        yuan.render(before.standard()),
        yuan.render(after.standard()),
        yuan.render_average(b.dibao.annual()),
        before.months().ok_or("pro-rated by month")?,
        after.months().ok_or("pro-rated by month")?,
    ));
    line(String::new());
    line("六、“三保障”和饮水安全".into());
    line(format!(
        "自治区下达农村危房改造任务412户，截至9月30日开工412户，开工率{}，竣工386户，竣工率{}。",
        s.percent(&b.housing_started),
        s.percent(&b.housing_completed),
    ));
    line(format!(
        "2021年1—7月，脱贫人口住院救治8600人次，医疗费用平均报销比例{}；门诊特殊慢性病救治15539人次，平均报销比例{}{REPORTED}。",
        reported_pct(reported::INPATIENT_REIMBURSED_PERCENT)?,
        reported_pct(reported::CHRONIC_REIMBURSED_PERCENT)?,
    ));
    line(format!(
        "落实乡村医生“乡聘村用”专项经费{}。争取农村人饮维修养护资金{}，推进{}个农村饮水工程维修养护，平均每个工程{}，9万人受益。",
        reported_wan(reported::RURAL_DOCTORS_WAN)?,
        s.amount(wan("204")?),
        b.water.per().get(),
        s.money_format().render_average(&b.water),
    ));
    line(String::new());
    line("七、就业帮扶".into());
    line(format!(
        "截至9月底，脱贫人口外出务工20955人，是上年度（20815人）的{}。开发乡村公益性岗位{}个，发放岗位补贴{}，平均每个岗位{}；开展脱贫劳动力培训{}人次，发放补贴资金{}，平均每人次{}。",
        s.percent(&b.migrant),
        b.jobs.per().get(),
        s.amount(wan("529.59")?),
        s.money_format().render_average(&b.jobs),
        b.training.per().get(),
        s.amount(wan("162.88")?),
        s.money_format().render_average(&b.training),
    ));
    line(String::new());
    line("八、驻村干部".into());
    line(format!(
        "全市选派驻村干部447名，其中24名第一书记和156名工作队员继续留任，共{}名，占{}。",
        b.cadres_stayed,
        s.percent(&b.cadres),
    ));
    line(String::new());
    Ok(out)
}

/// Every SPEC §8 figure with its value and where it comes from.
#[allow(clippy::too_many_lines, reason = "one row per figure of SPEC §8")]
fn figures_table(b: &Beihai, s: &TextStyle) -> Result<String, Box<dyn Error>> {
    let r = s.percent_rounding();
    let avg = |a: &Average| s.money_format().render_average(a);
    let mut rows: Vec<[String; 3]> = vec![
        [
            "落实衔接资金".into(),
            s.amount(b.funds.allocated()),
            "计算：三级资金之和".into(),
        ],
        [
            "中央和自治区资金同比增长".into(),
            s.growth(&b.upper_growth),
            format!(
                "推算输入：上年同口径{}",
                s.amount(b.upper_growth.prior().unwrap_or(Money::ZERO))
            ),
        ],
        [
            "支出进度".into(),
            s.rate(b.funds.rate()),
            "计算：支出÷落实资金".into(),
        ],
        [
            "较按月序时进度".into(),
            s.schedule_gap(&b.months),
            format!("计算：序时进度{}", s.percent(&b.months.expected())),
        ],
        [
            "较按日序时进度".into(),
            s.schedule_gap(&b.days),
            format!(
                "计算：序时进度{}（{}/{}天）",
                s.percent(&b.days.expected()),
                b.ledger.year().days_elapsed(b.as_of),
                b.ledger.year().days_in_year()
            ),
        ],
        [
            "自治区要求".into(),
            s.milestone_check(&b.milestone, "自治区"),
            format!("参数：要求{}", s.percent(&b.milestone_rate)),
        ],
        [
            "项目库覆盖".into(),
            s.rate(b.pool.coverage()),
            "计算：计划总投资÷落实资金".into(),
        ],
        [
            "平均每个项目投资".into(),
            avg(&b.pool.average()?),
            "计算：4.49亿元÷391个".into(),
        ],
        [
            "2016—2020年产业资金".into(),
            s.amount(wan(reported::INDUSTRY_2016_2020_WAN)?),
            "报道数".into(),
        ],
    ];
    let shares = b
        .monitoring
        .person_shares()?
        .percents_summing_to_100(r.dp());
    for (g, c) in b.monitoring.groups() {
        let share = shares
            .get(g)
            .map_or_else(|| "—".to_owned(), |p| format!("{p}%"));
        rows.push([
            format!("{}人数占比", g.as_str()),
            share,
            format!(
                "计算：{}人÷{}人（最大余数法，合计100.00%）",
                c.persons(),
                b.monitoring.total().persons()
            ),
        ]);
    }
    rows.extend([
        [
            "监测对象户均人数".into(),
            format!("{}人", b.monitoring.persons_per_household()?.to_decimal(r)),
            "计算：1114人÷295户".into(),
        ],
        [
            "小额信贷任务完成率".into(),
            s.percent(&b.lending),
            format!("推算输入：年度任务{}", s.amount(b.lending_task)),
        ],
        [
            "存量贷款覆盖率".into(),
            format!(
                "{}%",
                Decimal::from_str_exact(reported::LOAN_STOCK_COVERAGE_PERCENT)?
            ),
            "报道数（户数未报道）".into(),
        ],
        [
            "基础养老金".into(),
            s.amount(wan(reported::PENSIONS_WAN)?),
            "报道数".into(),
        ],
        [
            "低保全年折算标准".into(),
            MoneyFormat::new(Unit::Yuan).render_average(b.dibao.annual()),
            "计算：按月折算".into(),
        ],
        [
            "危房改造开工率、竣工率".into(),
            format!(
                "{}，{}",
                s.percent(&b.housing_started),
                s.percent(&b.housing_completed)
            ),
            "计算：412、386÷412户".into(),
        ],
        [
            "住院、门诊慢病报销比例".into(),
            format!(
                "{}%，{}%",
                Decimal::from_str_exact(reported::INPATIENT_REIMBURSED_PERCENT)?,
                Decimal::from_str_exact(reported::CHRONIC_REIMBURSED_PERCENT)?
            ),
            "报道数（费用未报道）".into(),
        ],
        [
            "外出务工为上年的".into(),
            s.percent(&b.migrant),
            "计算：20955÷20815人".into(),
        ],
        [
            "饮水工程平均资金".into(),
            avg(&b.water),
            "计算：204万元÷56个".into(),
        ],
        [
            "公益性岗位人均补贴".into(),
            avg(&b.jobs),
            "计算：529.59万元÷810个".into(),
        ],
        [
            "培训人均补贴".into(),
            avg(&b.training),
            "计算：162.88万元÷196人次".into(),
        ],
        [
            "驻村干部留任".into(),
            format!("{}名，{}", b.cadres_stayed, s.percent(&b.cadres)),
            "计算：（24+156）÷447名".into(),
        ],
    ]);
    let mut t = TextTable::new([
        ("指标", Align::Left),
        ("数值", Align::Left),
        ("来源", Align::Left),
    ]);
    for row in rows {
        t.row(row);
    }
    Ok(t.render())
}

/// The same reports as JSON: the library's reports as they serialise, and the carried
/// figures marked with their kind.
#[cfg(feature = "serde")]
pub(crate) fn json(b: &Beihai) -> Result<String, Box<dyn Error>> {
    use fundtrack::Rounding;
    use serde_json::{Value, json, to_value};
    let r = Rounding::default();
    let gap = |g: &ScheduleGap| -> Result<Value, Box<dyn Error>> {
        Ok(json!({
            "rate": to_value(g.rate())?,
            "expected": to_value(g.expected())?,
            "gap_points_rounded": g.gap().round(r).to_string(),
        }))
    };
    let reported =
        |value: &str, unit: &str| json!({ "value": value, "unit": unit, "kind": "reported" });
    let doc = json!({
        "source": "人民网广西频道 2021-10-15, SPEC §8",
        "as_of": b.as_of.to_string(),
        "rounding": { "mode": r.mode().machine_name(), "dp": r.dp() },
        "regions": b.ledger.regions().map(to_value).collect::<Result<Vec<_>, _>>()?,
        "funds_by_level": to_value(&b.by_level)?,
        "funds": to_value(b.funds)?,
        "upper_growth": { "report": to_value(b.upper_growth)?, "prior_kind": "inferred_input" },
        "schedule_months": gap(&b.months)?,
        "schedule_days": gap(&b.days)?,
        "milestone": {
            "required": to_value(b.milestone.required())?,
            "required_kind": "parameter",
            "met": b.milestone.met(),
            "shortfall": to_value(b.milestone.shortfall())?,
        },
        "pool": to_value(b.pool)?,
        "monitoring": to_value(&b.monitoring)?,
        "small_loans": {
            "new_lending": to_value(b.new_lending)?,
            "task": to_value(b.lending_task)?,
            "task_kind": "inferred_input",
            "completion": to_value(b.lending)?,
            "balance_wan": reported(reported::LOAN_BALANCE_WAN, "万元"),
            "stock_coverage_percent": reported(reported::LOAN_STOCK_COVERAGE_PERCENT, "%"),
        },
        "industry_2016_2020_wan": reported(reported::INDUSTRY_2016_2020_WAN, "万元"),
        "pensions_wan": reported(reported::PENSIONS_WAN, "万元"),
        "dibao": to_value(&b.dibao)?,
        "housing": { "started": to_value(b.housing_started)?, "completed": to_value(b.housing_completed)? },
        "medical_jan_jul": {
            "inpatient_reimbursed_percent": reported(reported::INPATIENT_REIMBURSED_PERCENT, "%"),
            "chronic_reimbursed_percent": reported(reported::CHRONIC_REIMBURSED_PERCENT, "%"),
        },
        "rural_doctors_wan": reported(reported::RURAL_DOCTORS_WAN, "万元"),
        "employment": to_value(b.migrant)?,
        "water_per_project": to_value(b.water)?,
        "jobs_per_post": to_value(b.jobs)?,
        "training_per_trainee": to_value(b.training)?,
        "cadres_stayed": { "count": b.cadres_stayed, "share": to_value(b.cadres)? },
    });
    Ok(serde_json::to_string_pretty(&doc)? + "\n")
}

#[cfg(not(feature = "serde"))]
pub(crate) fn json(_: &Beihai) -> Result<String, Box<dyn Error>> {
    Err("--format json needs the `serde` feature (on by default)".into())
}
