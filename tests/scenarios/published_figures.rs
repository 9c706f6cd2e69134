//! Published budget-execution figures (预算执行情况, 衔接资金, 直达资金, 财政收支), each with
//! its source and printed text, recomputed through the public API from its printed inputs and
//! checked by [`fundtrack::audit`].
//!
//! Every case records what the page printed. The test recomputes the figure from the printed
//! inputs taken as exact (`Ratio::of`, `Growth`, `money::sum`, `ScheduleGap`) and then asks
//! the audit, which allows for the rounding of every printed input. Three outcomes are
//! recorded per case and asserted:
//!
//! - `Same`: the printed inputs, taken as exact, give the printed figure;
//! - `Rounding`: they do not, but some exact inputs that print as the printed inputs do (the
//!   audit says consistent);
//! - `Flagged`: no exact inputs do; the audit says inconsistent, with the slip that reproduces
//!   the figure when one does.
//!
//! Nothing here is fitted: the expectations are what the pages print and what exact
//! arithmetic says about them.

use fundtrack::audit::{self, Basis, Change, Elapsed, Figure, Outcome, Printed, PrintedUnit, Slip};
use fundtrack::money::{Count, Unit};
use fundtrack::report::{Base, Contribution, Growth, Schedule, ScheduleGap};
use fundtrack::{Decimal, Money, NaiveDate, Ratio, RoundMode, Rounding};

/// What the recomputation and the audit say about a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Same,
    Rounding,
    Flagged(Option<Slip>),
}

struct Case {
    source: &'static str,
    text: &'static str,
    figure: Figure,
    expect: Expect,
}

fn p(s: &str) -> Printed {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn rate(part: &str, whole: &str, result: &str) -> Figure {
    Figure::Rate {
        part: p(part),
        whole: p(whole),
        result: p(result),
        households: None,
    }
}

fn sum(parts: &[&str], total: &str) -> Figure {
    Figure::Sum {
        parts: parts.iter().map(|s| p(s)).collect(),
        total: p(total),
    }
}

fn up(current: &str, increase: &str, result: &str) -> Figure {
    Figure::Growth {
        current: p(current),
        change: Change::Increase(p(increase)),
        result: p(result),
    }
}

fn down(current: &str, decrease: &str, result: &str) -> Figure {
    Figure::Growth {
        current: p(current),
        change: Change::Decrease(p(decrease)),
        result: p(result),
    }
}

fn over(current: &str, prior: &str, result: &str) -> Figure {
    Figure::Growth {
        current: p(current),
        change: Change::Prior(p(prior)),
        result: p(result),
    }
}

fn gap_of(part: &str, whole: &str, rate: &str, months: u32, result: &str) -> Figure {
    Figure::Gap {
        rate: p(rate),
        inputs: Some((p(part), p(whole))),
        schedule: Elapsed::months(months).unwrap(),
        basis: Basis::Months,
        result: p(result),
    }
}

fn gap(rate: &str, elapsed: Elapsed, result: &str) -> Figure {
    Figure::Gap {
        rate: p(rate),
        inputs: None,
        schedule: elapsed,
        basis: Basis::Months,
        result: p(result),
    }
}

const DAYAO: &str = "http://dayao.gov.cn/info/egovinfo/1007/overt_centent/dyx009-/2024-0516001.htm";
const GUANGZHOU: &str = "https://czj.gz.gov.cn/zzzs/zdlyxxgk/content/post_9663016.html";
const JIANGMEN: &str = "http://jiafan.net/zdlyxxgk/czyjshsgjf/czyjs/content/post_2812373.html";
const SIGUA: &str =
    "http://www.siguashuiruye.com/resources/site/86/html/czjxxgk/zdgknr/czszxx/202205/651075.html";
const ZHANGYE: &str =
    "https://www.zhangye.gov.cn/zyszfxxgk/fdzdgknr_5657/xczx/202305/t20230524_1050703.html";
const DACHUAN: &str = "http://www.dachuan.gov.cn/news-show-155664.html";
const FUZHOU_8: &str = "https://hzrunxin.com/zgfzzt/czzj/czzjzdjc/202111/t20211125_4252779.htm";
const FUZHOU_4: &str = "https://hzrunxin.com/zgfzzt/czzj/czzjzdjc/202105/t20210508_4094689.htm";
const TONGLING: &str = "https://www.ahtxq.gov.cn/sjfb/sjjd/8994557.html";
const TIANJIN: &str =
    "https://cz.tj.gov.cn/zwgk_53713/zfxxgk/fdzdgknr_x/tjxx/202408/t20240801_6689272.html";
const NANKOK: &str = "http://www.nankok.cn/32415/57873/57874/57875/content_1366026.html";
const CHONGQING: &str =
    "http://czj.cq.gov.cn/zwgk_268/fdzdgknr/ysjs/yszx/202006/t20200619_7592507_wap.html";
const MOF_2024: &str =
    "https://chchumg.com/a/2024nian-shang-ban-nian-cai-zheng-shou-zhi-qing-kuang-fa-bu.html";
const BAOSHAN: &str = "https://alkalih2o.com/info/7860/2315024.htm";
const CPAD_0327: &str = "http://ieau.cc/news_detail.asp?char=char6&id=695&page=17";
const XINHUA_0416: &str = "http://hqyb.net.cn/domestic/2878.html";
const SOHU_2009: &str = "https://news.sohu.com/20091215/n268961368_3.shtml";
const LUKOU: &str = "http://www.lukou.gov.cn/c18753/20200703/i1539799.html";
const CHANGDE: &str = "https://czj.changde.gov.cn/zwgk//public/6617354/8259416.html";
const LIUBA: &str =
    "http://www.qidianzhan.cn/lbxzf/czysszzxqkfx/202406/ce3c99ac9cf047c79ccc3521e18a7edd.shtml";
const GUANGDONG: &str = "http://czt.gd.gov.cn/cstzgg/content/post_165886.html";
const LUXI: &str = "https://www.hhlx.gov.cn/info/2861/221921.htm";
const CPAD_2020: &str = "http://shadafang.com/a/bb/1119322VO2020.html";
const GUANGMING_0905: &str = "http://www.nakedbustytits.com/china/gedi/2020/0905/4640337.shtml";
const CPAD_0430: &str = "http://www.one-tool.net/zonghe/20200514/051415332.html";
const GUANSHANHU: &str = "http://guanshanhu.gov.cn/GSHGOV/F/czygs/129488.shtml";
const TIANSHUI: &str = "https://www.tianshui.gov.cn/jkq/info/1912/164702.htm";
const HEFEI: &str = "https://www.xiaomilidoc.com/p-608835.html";
const MOF_2014: &str = "http://info.jctrans.net/news/macro_economy/201410222077704.shtml";
const GUANGXI: &str = "http://m.gxcounty.com/show-7-98811-0.html";

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    use Expect::{Flagged, Rounding as R, Same};
    let c = |source, text, figure, expect| Case {
        source,
        text,
        figure,
        expect,
    };
    let apr30 = Elapsed::at(NaiveDate::from_ymd_opt(2023, 4, 30).unwrap()).unwrap();
    vec![
        // 大姚县 2024年4月
        c(
            DAYAO,
            "一般公共预算收入累计完成24627万元,完成年初预算数60999万元的40.4%",
            rate("24627万元", "60999万元", "40.4%"),
            Same,
        ),
        c(
            DAYAO,
            "一般公共预算收入累计完成24627万元……比上年减收1070万元,下降4.2%",
            down("24627万元", "1070万元", "-4.2%"),
            Same,
        ),
        c(
            DAYAO,
            "税收收入8103万元,比上年增收1284万元,增长18.8%",
            up("8103万元", "1284万元", "18.8%"),
            Same,
        ),
        c(
            DAYAO,
            "非税收入16524万元,比上年减收2354万元,下降12.5%",
            down("16524万元", "2354万元", "-12.5%"),
            Same,
        ),
        c(
            DAYAO,
            "收入累计完成24627万元……其中:税收收入8103万元……非税收入16524万元",
            sum(&["8103万元", "16524万元"], "24627万元"),
            Same,
        ),
        c(
            DAYAO,
            "一般公共预算支出累计完成107752万元,完成预算数257288万元的41.9%",
            rate("107752万元", "257288万元", "41.9%"),
            Same,
        ),
        c(
            DAYAO,
            "支出累计完成107752万元……比上年减支9240万元,下降7.9%",
            down("107752万元", "9240万元", "-7.9%"),
            Same,
        ),
        c(
            DAYAO,
            "政府性基金预算收入累计完成2236万元,完成年初预算数25200万元的8.9%",
            rate("2236万元", "25200万元", "8.9%"),
            Same,
        ),
        c(
            DAYAO,
            "政府性基金预算收入累计完成2236万元……比上年增收367万元,增长19.6%",
            up("2236万元", "367万元", "19.6%"),
            Same,
        ),
        c(
            DAYAO,
            "政府性基金支出累计完成5308万元,完成年初预算数24710万元的21.5%",
            rate("5308万元", "24710万元", "21.5%"),
            Same,
        ),
        c(
            DAYAO,
            "政府性基金支出累计完成5308万元……比上年减支27580万元,下降83.9%",
            down("5308万元", "27580万元", "-83.9%"),
            Same,
        ),
        // 广州市 1-4月
        c(
            GUANGZHOU,
            "全市一般公共预算收入700.4亿元……市本级收入341.5亿元……区级收入358.9亿元",
            sum(&["341.5亿元", "358.9亿元"], "700.4亿元"),
            Same,
        ),
        c(
            GUANGZHOU,
            "全市一般公共预算支出1025.5亿元……市本级支出417.7亿元……区级支出607.8亿元",
            sum(&["417.7亿元", "607.8亿元"], "1025.5亿元"),
            Same,
        ),
        c(
            GUANGZHOU,
            "1-4月……支出……完成年初预算36.7%,快于序时进度3.4个百分点",
            gap("36.7%", Elapsed::months(4).unwrap(), "3.4个百分点"),
            Same,
        ),
        // 江门市 1-7月
        c(
            JIANGMEN,
            "7月份全市地方公共财政预算收入完成170,024万元,同比增收41,823万元,增长32.62%",
            up("170,024万元", "41,823万元", "32.62%"),
            Same,
        ),
        c(
            JIANGMEN,
            "1-7月,全市地方公共财政预算收入完成1,392,476万元,同比增收249,885万元,增长21.87%",
            up("1,392,476万元", "249,885万元", "21.87%"),
            Same,
        ),
        c(
            JIANGMEN,
            "市本级公共财政预算收入完成541,412万元,同比增收72,266万元,增长15.40%",
            up("541,412万元", "72,266万元", "15.40%"),
            Same,
        ),
        c(
            JIANGMEN,
            "7个县(区)公共财政预算收入共完成851,064万元,同比增收177,619万元,增长26.37%",
            up("851,064万元", "177,619万元", "26.37%"),
            Same,
        ),
        c(
            JIANGMEN,
            "1,392,476万元……其中:市本级……541,412万元;7个县(区)……851,064万元",
            sum(&["541,412万元", "851,064万元"], "1,392,476万元"),
            Same,
        ),
        c(
            JIANGMEN,
            "全市地方公共财政预算支出累计完成1,655,028万元, 同比增支218,447万元,增长15.21%",
            up("1,655,028万元", "218,447万元", "15.21%"),
            Same,
        ),
        // 截至4月底 财政收入
        c(
            SIGUA,
            "全市财政总收入完成191347万元,较上年同期增长15.35%,增收25457万元",
            up("191347万元", "25457万元", "15.35%"),
            Same,
        ),
        c(
            SIGUA,
            "地方财政收入完成100223万元,较上年同期增长2.61%,增收2546万元",
            up("100223万元", "2546万元", "2.61%"),
            Same,
        ),
        c(
            SIGUA,
            "税收收入完成66342万元,较上年同期增长18.39%,增收10304万元",
            up("66342万元", "10304万元", "18.39%"),
            Same,
        ),
        c(
            SIGUA,
            "税收收入完成66342万元……税收收入占地方财政收入66.19%",
            rate("66342万元", "100223万元", "66.19%"),
            Same,
        ),
        c(
            SIGUA,
            "全市一般公共预算支出完成372037万元,较上年同期增长9.66%,增支32770万元",
            up("372037万元", "32770万元", "9.66%"),
            Same,
        ),
        // 张掖市 2023 衔接资金
        c(
            ZHANGYE,
            "已累计到位中央、省级衔接资金66185万元,较上年同期增加3893万元,增长6.25%",
            up("66185万元", "3893万元", "6.25%"),
            Same,
        ),
        c(
            ZHANGYE,
            "至4月底……衔接资金已支出21185.83万元,支出率42.02%,超序时进度8.68个百分点",
            gap("42.02%", apr30, "8.68个百分点"),
            R,
        ),
        // 达川区 2024 衔接资金分配
        c(
            DACHUAN,
            "中央财政衔接资金(5273万元):2993.7万元;1050万元;60万元;480万元;385万元;258万元;46.3万元",
            sum(
                &[
                    "2993.7万元",
                    "1050万元",
                    "60万元",
                    "480万元",
                    "385万元",
                    "258万元",
                    "46.3万元",
                ],
                "5273万元",
            ),
            Same,
        ),
        c(
            DACHUAN,
            "省级财政衔接资金(5509万元):1843.72万元;2705.39万元;20万元;844.8万元;40万元;55.09万元",
            sum(
                &[
                    "1843.72万元",
                    "2705.39万元",
                    "20万元",
                    "844.8万元",
                    "40万元",
                    "55.09万元",
                ],
                "5509万元",
            ),
            Same,
        ),
        c(
            DACHUAN,
            "下达我区2024年财政衔接资金10782万元,其中,中央资金5273万元,省级资金5509万元",
            sum(&["5273万元", "5509万元"], "10782万元"),
            Same,
        ),
        // 福州市 直达资金 1-8月
        c(
            FUZHOU_8,
            "全市直达资金总量75.20亿元,支出45.76亿元,支付率为60.8%",
            rate("45.76亿元", "75.20亿元", "60.8%"),
            R,
        ),
        c(
            FUZHOU_8,
            "全市财政直达资金总额75.20亿元……其中:中央安排直达资金全市61.02亿元……地方安排直达资金13.78亿元",
            sum(&["61.02亿元", "13.78亿元"], "75.20亿元"),
            Flagged(None),
        ),
        c(
            FUZHOU_8,
            "市本级直达资金45.66亿元……其中:中央安排直达资金39.64亿元……地方安排资金6.02亿元",
            sum(&["39.64亿元", "6.02亿元"], "45.66亿元"),
            Same,
        ),
        c(
            FUZHOU_8,
            "县区直达资金合计33.88亿元,已分配33.80亿元……分配率99.8%",
            rate("33.80亿元", "33.88亿元", "99.8%"),
            Same,
        ),
        // 福州市 直达资金 1-4月
        c(
            FUZHOU_4,
            "全市财政直达资金总额62.33亿元……中央安排直达资金全市48.67亿元……地方安排直达资金13.65亿元",
            sum(&["48.67亿元", "13.65亿元"], "62.33亿元"),
            R,
        ),
        c(
            FUZHOU_4,
            "市本级直达资金33.87亿元……中央安排直达资金28.71亿元……地方安排资金5.16亿元",
            sum(&["28.71亿元", "5.16亿元"], "33.87亿元"),
            Same,
        ),
        c(
            FUZHOU_4,
            "全市中央直达资金总量为48.67亿元,支出19.28亿元,支付率为39.62%",
            rate("19.28亿元", "48.67亿元", "39.62%"),
            R,
        ),
        c(
            FUZHOU_4,
            "市本级中央直达资金总额为28.71亿元,占全市总量的59.0%",
            rate("28.71亿元", "48.67亿元", "59.0%"),
            Same,
        ),
        c(
            FUZHOU_4,
            "县区直达资金合计28.46亿元,已分配28.40亿元……分配率为99.80%",
            rate("28.40亿元", "28.46亿元", "99.80%"),
            R,
        ),
        // 铜陵市郊区 1-6月
        c(
            TONGLING,
            "一般公共预算收入累计完成61646万元,占年初预算数109466万元的56.3%",
            rate("61646万元", "109466万元", "56.3%"),
            Same,
        ),
        c(
            TONGLING,
            "累计完成61646万元……同比增长10.7%,增收5939万元",
            up("61646万元", "5939万元", "10.7%"),
            Same,
        ),
        c(
            TONGLING,
            "其中税务部门完成28684万元……财政部门完成32962万元",
            sum(&["28684万元", "32962万元"], "61646万元"),
            Same,
        ),
        // 天津市 上半年
        c(
            TIANJIN,
            "全市一般公共预算收入1144.4亿元……地方税收收入865.4亿元……非税收入279亿元",
            sum(&["865.4亿元", "279亿元"], "1144.4亿元"),
            Same,
        ),
        // 上半年 公共财政预算收入
        c(
            NANKOK,
            "完成公共财政预算收入20348万元……地方公共财政预算收入13916万元……上划收入6432万元",
            sum(&["13916万元", "6432万元"], "20348万元"),
            Same,
        ),
        c(
            NANKOK,
            "国税部门完成3954万元……地税部门完成10529万元……财政部门完成5865万元",
            sum(&["3954万元", "10529万元", "5865万元"], "20348万元"),
            Same,
        ),
        // 重庆市 1-5月
        c(
            CHONGQING,
            "全市一般公共预算收入完成856.8亿元……税收收入完成579.9亿元……非税收入完成276.9亿元",
            sum(&["579.9亿元", "276.9亿元"], "856.8亿元"),
            Same,
        ),
        // 财政部 2024年上半年
        c(
            MOF_2024,
            "全国一般公共预算收入115913亿元……中央一般公共预算收入50011亿元……地方一般公共预算本级收入65902亿元",
            sum(&["50011亿元", "65902亿元"], "115913亿元"),
            Same,
        ),
        c(
            MOF_2024,
            "全国税收收入94080亿元……非税收入21833亿元",
            sum(&["94080亿元", "21833亿元"], "115913亿元"),
            Same,
        ),
        c(
            MOF_2024,
            "全国一般公共预算支出136571亿元……中央……18267亿元……地方……118304亿元",
            sum(&["18267亿元", "118304亿元"], "136571亿元"),
            Same,
        ),
        // 保山市 2021 防返贫监测
        c(
            BAOSHAN,
            "监测总数为16369户……脱贫不稳定户5018户……边缘易致贫户4876户……突发严重困难户6475户",
            sum(&["5018户", "4876户", "6475户"], "16369户"),
            Same,
        ),
        c(
            BAOSHAN,
            "54851人(……18684人……17551人……18616人)",
            sum(&["18684人", "17551人", "18616人"], "54851人"),
            Same,
        ),
        c(
            BAOSHAN,
            "累计消除风险7282户27256人……风险消除率49.69%",
            Figure::Rate {
                part: p("27256人"),
                whole: p("54851人"),
                result: p("49.69%"),
                households: Some((p("7282户"), p("16369户"))),
            },
            Same,
        ),
        c(
            BAOSHAN,
            "累计消除风险7282户27256人(……2655户10152人……2997户11585人……1630户5519人)",
            sum(&["10152人", "11585人", "5519人"], "27256人"),
            Same,
        ),
        // 国务院扶贫办 2020
        c(
            CPAD_0327,
            "中西部22个省份有扶贫车间28447个,已复工26236个,复工率92.23%",
            rate("26236个", "28447个", "92.23%"),
            Same,
        ),
        c(
            CPAD_0327,
            "中西部22个省份有扶贫龙头企业28985个,已复工27621个,复工率95.29%",
            rate("27621个", "28985个", "95.29%"),
            Same,
        ),
        c(
            CPAD_0327,
            "吸纳贫困人口就业30.25万人,较3月6日增加8.23万人、增幅37.38%",
            up("30.25万人", "8.23万人", "37.38%"),
            Same,
        ),
        c(
            XINHUA_0416,
            "中西部22个省份安排扶贫项目37.9万个,已开工项目28.11万个,开工率74.10%",
            rate("28.11万个", "37.9万个", "74.10%"),
            R,
        ),
        c(
            CPAD_0430,
            "安排扶贫项目38.92万个,已开工项目31.85万个,开工率81.84%",
            rate("31.85万个", "38.92万个", "81.84%"),
            R,
        ),
        c(
            CPAD_0430,
            "有扶贫龙头企业28485家,已复工27769家,复工率97.49%",
            rate("27769个", "28485个", "97.49%"),
            Same,
        ),
        c(
            GUANGMING_0905,
            "中西部22个省份有扶贫车间31441个,已复工31354个,复工率99.7%",
            rate("31354个", "31441个", "99.7%"),
            Same,
        ),
        c(
            GUANGMING_0905,
            "吸纳中西部地区贫困劳动力778.74万人,是2019年吸纳人数816.86万人的95.33%",
            rate("778.74万人", "816.86万人", "95.33%"),
            Same,
        ),
        c(
            CPAD_2020,
            "平均务工年收入从12451元持续增长至26544元,增长113.2%",
            over("26544元", "12451元", "113.2%"),
            Same,
        ),
        // 2009 财政部
        c(
            SOHU_2009,
            "1至11月累计,全国财政支出56235.97亿元……应完成支出76235亿元……仅完成了73.8%",
            rate("56235.97亿元", "76235亿元", "73.8%"),
            Same,
        ),
        // 2015年8月底
        c(
            LUKOU,
            "公共财政预算总收入67949万元……比上年同期增加6517万元,增长10.61%",
            up("67949万元", "6517万元", "10.61%"),
            Same,
        ),
        c(
            LUKOU,
            "地方公共财政预算收入完成51653万元,增加6455万元,增长14.28%",
            up("51653万元", "6455万元", "14.28%"),
            Same,
        ),
        c(
            LUKOU,
            "上划中央收入完成12133万元,减少282万元,下降2.27%",
            down("12133万元", "282万元", "-2.27%"),
            Same,
        ),
        c(
            LUKOU,
            "总收入67949万元……地方……51653万元……上划中央……12133万元……上划省级……4163万元",
            sum(&["51653万元", "12133万元", "4163万元"], "67949万元"),
            Same,
        ),
        c(
            LUKOU,
            "累计完成税收收入36552万元……税收占财政总收入的比重为53.79%",
            rate("36552万元", "67949万元", "53.79%"),
            Same,
        ),
        c(
            LUKOU,
            "累计完成基金支出13658万元,减少14621万元,下降51.7 %",
            down("13658万元", "14621万元", "-51.7%"),
            Same,
        ),
        // 常德市 元至5月
        c(
            CHANGDE,
            "上划中央收入完成37.78亿元,减少0.46亿元,负增长1.21%",
            down("37.78亿元", "0.46亿元", "-1.21%"),
            R,
        ),
        c(
            CHANGDE,
            "省直管县完成133.92亿元,增加10.45亿元,增长8.47%",
            up("133.92亿元", "10.45亿元", "8.47%"),
            R,
        ),
        c(
            CHANGDE,
            "一般公共预算支出227.53亿元……市本级完成44.11亿元……市辖区完成49.5亿元……省直管县完成133.92亿元",
            sum(&["44.11亿元", "49.5亿元", "133.92亿元"], "227.53亿元"),
            Same,
        ),
        // 留坝县 1-5月
        c(
            LIUBA,
            "完成政府性基金收入969万元,占年初预算2180万元的44.5%",
            rate("969万元", "2180万元", "44.5%"),
            R,
        ),
        c(
            LIUBA,
            "财政部门完成289万元,占年初预算1050万元的27.5%",
            rate("289万元", "1050万元", "27.5%"),
            Same,
        ),
        c(
            LIUBA,
            "全县完成一般公共预算支出57271万元,占年初预算74261万元的77.1%",
            rate("57271万元", "74261万元", "77.1%"),
            Same,
        ),
        // 广东省 1-6月 国库集中支付
        c(
            GUANGDONG,
            "批复单位用款计划额度823,667万元……实际支用计划额度643,655万元,占总用款计划额度的78%",
            rate("643,655万元", "823,667万元", "78%"),
            Same,
        ),
        c(
            GUANGDONG,
            "国库集中支付金额达851,234万元……比上年同期国库集中支付支出285,414万元增长了198%",
            over("851,234万元", "285,414万元", "198%"),
            Same,
        ),
        // 泸西县 2019 涉农整合资金
        c(
            LUXI,
            "共支出……21621.62万元……其中:部门支出10282.59万元……乡镇支出11339.03万元",
            sum(&["10282.59万元", "11339.03万元"], "21621.62万元"),
            Same,
        ),
        c(
            LUXI,
            "其中:财政专项扶贫资金支出8304.36万元……财政涉农整合资金支出13317.26万元",
            sum(&["8304.36万元", "13317.26万元"], "21621.62万元"),
            Same,
        ),
        // 观山湖区 三季度
        c(
            GUANSHANHU,
            "完成一般公共预算收入33.82亿元……为人大预算数37.1亿元的91.16%",
            rate("33.82亿元", "37.1亿元", "91.16%"),
            Same,
        ),
        c(
            GUANSHANHU,
            "为人大预算数37.1亿元的91.16%,超序时进度16个百分点",
            gap_of("33.82亿元", "37.1亿元", "91.16%", 9, "16个百分点"),
            Same,
        ),
        c(
            GUANSHANHU,
            "一般公共预算收入累计完成33.82亿元……为市下三季度目标33.23亿元的101.76%",
            rate("33.82亿元", "33.23亿元", "101.76%"),
            R,
        ),
        c(
            GUANSHANHU,
            "企业所得税完成4.92亿元……较上年同期增收1.98亿元,增长67.35%",
            up("4.92亿元", "1.98亿元", "67.35%"),
            Same,
        ),
        // 天水经开区 截止9月底
        c(
            TIANSHUI,
            "大口径财政收入完成27733万元,占年初预算67885万元的40.9%,短平均进度34.1个百分点",
            gap_of("27733万元", "67885万元", "40.9%", 9, "-34.1个百分点"),
            Same,
        ),
        c(
            TIANSHUI,
            "一般公共预算收入完成12935万元,占年初预算25800万元的50.1%,短平均进度24.9个百分点",
            gap_of("12935万元", "25800万元", "50.1%", 9, "-24.9个百分点"),
            Same,
        ),
        c(
            TIANSHUI,
            "税收收入完成23771万元……较上年同期增收13138万元,增长123.6%",
            up("23771万元", "13138万元", "123.6%"),
            Same,
        ),
        c(
            TIANSHUI,
            "非税收入完成3962万元,占年初预算24410万元的16.2%,短平均进度58.8个百分点",
            gap_of("3962万元", "24410万元", "16.2%", 9, "-58.8个百分点"),
            Same,
        ),
        c(
            TIANSHUI,
            "9月份……大口径财政收入完成2104万元,占年初预算月进度的37.2%,短月进度3533万元 \
           (the month target the shortfall implies: 2104 + 3533 = 5637万元)",
            rate("2104万元", "5637万元", "37.2%"),
            Flagged(None),
        ),
        c(
            TIANSHUI,
            "较上年同月减收401万元,下降16%",
            down("2104万元", "401万元", "-16%"),
            Same,
        ),
        // 合肥市 2009年9月
        c(
            HEFEI,
            "9月份,全市财政收入完成26.68亿元,比上年同月增收6.18亿元,增长30.09%",
            up("26.68亿元", "6.18亿元", "30.09%"),
            Flagged(None),
        ),
        c(
            HEFEI,
            "全市财政收入完成26.68亿元……国税完成13.98亿元……占全月收入的52.4%",
            rate("13.98亿元", "26.68亿元", "52.4%"),
            Same,
        ),
        c(
            HEFEI,
            "地税8.03亿元……国税13.98亿元……财政3.45亿元……海关0.8亿元……省地税直属局0.42亿元",
            sum(
                &["8.03亿元", "13.98亿元", "3.45亿元", "0.8亿元", "0.42亿元"],
                "26.68亿元",
            ),
            Same,
        ),
        c(
            HEFEI,
            "9月份,全市税收入库24.79亿元,占财政收入比重达到92.92%",
            rate("24.79亿元", "26.68亿元", "92.92%"),
            Same,
        ),
        c(
            HEFEI,
            "全市财政支出完成22.49亿元,比上年同期增加10.24亿元,增长83.66%",
            up("22.49亿元", "10.24亿元", "83.66%"),
            R,
        ),
        // 财政部 2014年9月
        c(
            MOF_2014,
            "9月份,全国财政收入9953亿元,比去年同月增加591亿元,增长6.3%",
            up("9953亿元", "591亿元", "6.3%"),
            Same,
        ),
        c(
            MOF_2014,
            "全国财政收入9953亿元……中央财政收入4482亿元……地方财政收入(本级)5471亿元",
            sum(&["4482亿元", "5471亿元"], "9953亿元"),
            Same,
        ),
        // 广西 1-9月
        c(
            GUANGXI,
            "全区财政民生支出合计1814.61亿元,占财政支出的76.7%",
            rate("1814.61亿元", "2365.93亿元", "76.7%"),
            Same,
        ),
    ]
}

/// The printed figure's value in its printed unit (`75.20亿元` → 75.20), as printed.
fn printed(q: &Printed) -> Decimal {
    let unit = Decimal::from(10i64.pow(q.shift()));
    let mut v = q.value() / unit;
    v.rescale(q.dp());
    v
}

fn money(q: &Printed) -> Money {
    Money::yuan(q.value()).unwrap()
}

fn count(q: &Printed) -> Count {
    let PrintedUnit::Count(unit) = q.unit() else {
        panic!("{q} is not a count")
    };
    Count::new(
        i64::try_from(q.value().normalize().mantissa()).unwrap(),
        unit,
    )
}

fn at(dp: u32) -> Rounding {
    Rounding::half_up(dp).unwrap()
}

/// The figure recomputed through the public API from its printed inputs taken as exact, and
/// rounded as printed; `None` when the API has no value (a zero base).
fn recompute(figure: &Figure) -> Option<Decimal> {
    match figure {
        Figure::Rate {
            part,
            whole,
            result,
            ..
        } => {
            let r = match part.unit() {
                PrintedUnit::Money => Ratio::of(money(part), money(whole)),
                _ => Ratio::of(count(part), count(whole)),
            };
            Some(r.ok()?.to_percent(at(result.dp())))
        }
        Figure::Sum { parts, total } => {
            let s = match total.unit() {
                PrintedUnit::Money => fundtrack::money::sum(parts.iter().map(money))
                    .ok()?
                    .as_decimal(),
                _ => Decimal::from(fundtrack::money::sum(parts.iter().map(count)).ok()?.get()),
            };
            let mut s = s / Decimal::from(10i64.pow(total.shift()));
            s.rescale(total.dp());
            Some(s)
        }
        Figure::Growth {
            current,
            change,
            result,
        } => {
            let rate = match (current.unit(), change) {
                (PrintedUnit::Money, Change::Increase(c)) => {
                    Growth::new(money(current), Base::Increase(money(c))).rate()
                }
                (PrintedUnit::Money, Change::Decrease(c)) => {
                    Growth::new(money(current), Base::Increase(-money(c))).rate()
                }
                (PrintedUnit::Money, Change::Prior(c)) => {
                    Growth::new(money(current), Base::Prior(money(c))).rate()
                }
                (_, Change::Increase(c)) => {
                    Growth::new(count(current), Base::Increase(count(c))).rate()
                }
                (_, c) => panic!("no count case for {c:?}"),
            };
            Some(rate.ok()?.to_percent(at(result.dp())))
        }
        Figure::Gap {
            rate,
            inputs,
            schedule,
            result,
            ..
        } => {
            let r = match inputs {
                Some((part, whole)) => Ratio::of(money(part), money(whole)).ok()?,
                None => Ratio::from_percent(rate.value()).ok()?,
            };
            let expected = Schedule::months_elapsed(schedule.month_count()).ok()?;
            let g = ScheduleGap::new(r, expected);
            Some(g.gap().round(at(result.dp())))
        }
        _ => None,
    }
}

#[test]
fn at_least_forty_published_figures_with_their_sources() {
    let cases = cases();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    for case in &cases {
        assert!(case.source.starts_with("http"), "{}", case.text);
        assert!(!case.text.is_empty());
    }
}

#[test]
fn every_published_figure_is_recomputed_and_audited() {
    let mut report = Vec::new();
    for case in cases() {
        let recomputed = recompute(&case.figure);
        let result = match &case.figure {
            Figure::Rate { result, .. }
            | Figure::Growth { result, .. }
            | Figure::Gap { result, .. } => *result,
            Figure::Sum { total, .. } => *total,
            _ => unreachable!(),
        };
        let outcome = case.figure.check();
        let same = recomputed == Some(printed(&result));
        let got = match (&outcome, same) {
            (Outcome::Consistent { .. }, true) => Expect::Same,
            (Outcome::Consistent { .. }, false) => Expect::Rounding,
            (Outcome::Inconsistent { slip, .. }, _) => Expect::Flagged(*slip),
            (Outcome::Unchecked(why), _) => panic!("{}: unchecked ({why})", case.text),
            (other, _) => panic!("{}: {other:?}", case.text),
        };
        // Exact printed inputs that give the printed figure are, a fortiori, consistent.
        assert!(!same || outcome.is_consistent(), "{}", case.text);
        report.push(format!(
            "{:?} {:?} {} | {}",
            got,
            recomputed.map(|d| d.to_string()),
            result,
            case.text
        ));
        assert_eq!(
            got, case.expect,
            "{} ({}): {outcome:?}",
            case.text, case.source
        );
    }
    assert_eq!(report.len(), cases().len());
}

#[test]
fn the_inconsistent_fuzhou_total_is_flagged_with_its_range() {
    // 61.02 + 13.78 = 74.80亿元, and no amounts that print as 61.02 and 13.78 add up to
    // anything that prints as 75.20: the printed total is 0.40亿元 off, and leaving out
    // either part does not explain it either.
    let fig = sum(&["61.02亿元", "13.78亿元"], "75.20亿元");
    let verdicts = audit::check([("直达资金总额", fig)]);
    assert_eq!(
        verdicts[0].to_string(),
        "直达资金总额: 不符 (74.7900–74.8100)"
    );
}

#[test]
fn a_report_level_audit_gives_one_verdict_per_figure_in_order() {
    let all = cases();
    let verdicts = audit::check(all.iter().map(|c| (c.text, c.figure.clone())));
    assert_eq!(verdicts.len(), all.len());
    for (v, c) in verdicts.iter().zip(&all) {
        assert_eq!(*v.label(), c.text);
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_snapshot_path("../snapshots");
    let lines: Vec<String> = verdicts.iter().map(ToString::to_string).collect();
    settings.bind(|| insta::assert_snapshot!("published_figures_audit", lines.join("\n")));
    let flagged: Vec<&str> = verdicts
        .iter()
        .filter(|v| !v.outcome().is_consistent())
        .map(|v| *v.label())
        .collect();
    assert_eq!(flagged.len(), 3, "{flagged:?}");
}

#[test]
fn dachuan_management_fee_is_one_percent_of_its_base() {
    // "按1%提取项目管理费55.09万元" of the provincial 5509万元: money × ratio.
    let one = Ratio::from_percent(Decimal::ONE).unwrap();
    let fee = "5509万元"
        .parse::<Money>()
        .unwrap()
        .times(&one, Rounding::default())
        .unwrap();
    assert_eq!(
        fee.round_in(Unit::Wan, Rounding::default()).to_string(),
        "55.09"
    );
    // The central fee of 46.3万元 is not 1% of 5273万元 (52.73万元): it is 1% of the central
    // money less 以工代赈 (385万元) and 林场 (258万元), 4630万元. The page does not say so;
    // the arithmetic does.
    let central: Money = "5273万元".parse().unwrap();
    let all = central.times_exact(&one);
    assert_eq!(
        all.round_in(Unit::Wan, Rounding::half_up(1).unwrap())
            .unwrap()
            .to_string(),
        "52.7"
    );
    let base = central
        .checked_sub("385万元".parse().unwrap())
        .and_then(|m| m.checked_sub("258万元".parse().unwrap()))
        .unwrap();
    let fee = base.times(&one, Rounding::default()).unwrap();
    assert_eq!(
        fee.round_in(Unit::Wan, Rounding::half_up(1).unwrap())
            .to_string(),
        "46.3"
    );
}

#[test]
fn jiangmen_contributions_and_pulls() {
    // 1-7月: 市本级 +72,266 and 县(区) +177,619 of +249,885万元: contributions add to 100%,
    // pulls to the whole's growth of 21.87%.
    let m = |s: &str| s.parse::<Money>().unwrap();
    let whole = Growth::new(m("1392476万元"), Base::Increase(m("249885万元")));
    let city = Growth::new(m("541412万元"), Base::Increase(m("72266万元")));
    let counties = Growth::new(m("851064万元"), Base::Increase(m("177619万元")));
    let a = Contribution::new(&city, &whole).unwrap();
    let b = Contribution::new(&counties, &whole).unwrap();
    let r = Rounding::default();
    assert_eq!(a.share().to_percent(r).to_string(), "28.92");
    assert_eq!(b.share().to_percent(r).to_string(), "71.08");
    assert_eq!(a.pull().round(r).to_string(), "6.32");
    assert_eq!(b.pull().round(r).to_string(), "15.55");
    let total = Ratio::weighted_mean([
        (a.share(), Money::from_fen(1)),
        (b.share(), Money::from_fen(1)),
    ])
    .unwrap();
    assert_eq!(total.to_percent(r).to_string(), "50.00");
    // Last year's base from this year's and the printed rate, and the rate back from it.
    let prior = Growth::prior_from(
        m("1392476万元"),
        &Ratio::from_percent("21.87".parse().unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        prior
            .round_in(Unit::Wan, Rounding::half_up(0).unwrap())
            .unwrap()
            .to_string(),
        "1142591"
    );
    let back = Growth::new(
        m("1392476万元"),
        Base::Prior(prior.to_money(RoundMode::HalfUp).unwrap()),
    );
    assert_eq!(back.rate().unwrap().to_percent(r).to_string(), "21.87");
}

#[test]
fn person_counts_from_printed_text() {
    // 30.25万人 employed, 8.23万人 more: growth of a count, through Count.
    let now: Count = "30.25万人".parse().unwrap();
    let more: Count = "8.23万人".parse().unwrap();
    let g = Growth::new(now, Base::Increase(more));
    assert_eq!(g.prior(), Some(Count::persons(220_200)));
    assert_eq!(
        g.rate()
            .unwrap()
            .to_percent(Rounding::default())
            .to_string(),
        "37.38"
    );
    // 保山: the 49.69% share of persons is not the share of households (44.49%).
    let households = Ratio::of(Count::households(7282), Count::households(16_369)).unwrap();
    assert_eq!(
        households.to_percent(Rounding::default()).to_string(),
        "44.49"
    );
}

#[test]
fn tianshui_shortfalls_are_the_schedule_share_of_the_budget_less_receipts() {
    // "短收 N 万元" after 9 months: 9/12 of the year's budget less what came in, printed to
    // the 万元 (14345.5 prints as 14346: half-up).
    let nine = Schedule::months_elapsed(9).unwrap();
    for (budget, done, printed) in [
        ("67885万元", "27733万元", "23181"),
        ("25800万元", "12935万元", "6415"),
        ("43475万元", "23771万元", "8835"),
        ("24410万元", "3962万元", "14346"),
    ] {
        let budget: Money = budget.parse().unwrap();
        let target = budget.times(&nine, Rounding::default()).unwrap();
        let short = target.checked_sub(done.parse().unwrap()).unwrap();
        assert_eq!(
            short
                .round_in(Unit::Wan, Rounding::half_up(0).unwrap())
                .to_string(),
            printed,
            "{budget}"
        );
    }
}

#[test]
fn fuzhou_city_wide_rate_is_the_amount_weighted_mean_of_its_parts() {
    // 1-4月: 市本级 33.87亿元 at 95.39%, 县区 28.46亿元 at 99.80%, 全市 62.33亿元 at 97.40%;
    // and by source: 中央 48.67亿元 at 99.93%, 地方 13.65亿元 at 88.40%.
    let pct = |s: &str| Ratio::from_percent(s.parse().unwrap()).unwrap();
    let m = |s: &str| s.parse::<Money>().unwrap();
    let by_level = Ratio::weighted_mean([
        (pct("95.39"), m("33.87亿元")),
        (pct("99.80"), m("28.46亿元")),
    ])
    .unwrap();
    let by_source = Ratio::weighted_mean([
        (pct("99.93"), m("48.67亿元")),
        (pct("88.40"), m("13.65亿元")),
    ])
    .unwrap();
    assert_eq!(
        by_level.to_percent(Rounding::default()).to_string(),
        "97.40"
    );
    assert_eq!(
        by_source.to_percent(Rounding::default()).to_string(),
        "97.40"
    );
}
