//! The serde wire format: amounts, ratios and gaps travel as strings and are checked again
//! on the way in.

#![cfg(feature = "serde")]

use fundtrack::report::{CompoundGrowth, Schedule, ScheduleGap, Shares};
use fundtrack::{FiscalYear, Money, Ratio, Rounding};
use rust_decimal_macros::dec;

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(v: &T) -> (String, T) {
    let json = serde_json::to_string(v).unwrap();
    let back = serde_json::from_str(&json).unwrap();
    (json, back)
}

#[test]
fn amounts_and_gaps_travel_as_strings() {
    let (json, back) = round_trip(&Money::from_fen(3_070_048));
    assert_eq!(json, r#""30700.48""#);
    assert_eq!(back, Money::from_fen(3_070_048));

    let rate = Ratio::new(dec!(30700.48), dec!(39757.09)).unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
    let gap: ScheduleGap = Schedule::Days.compare(&rate, FiscalYear::new(2021).unwrap(), as_of);
    let (json, back) = round_trip(&gap);
    assert!(json.contains(r#""numerator":"30700.48""#), "{json}");
    assert_eq!(back, gap);
    assert_eq!(back.gap().round(Rounding::default()), dec!(2.43));
    assert!(
        serde_json::from_str::<fundtrack::PercentagePoints>(
            r#"{"numerator":"1","denominator":"0"}"#
        )
        .is_err()
    );
}

#[test]
fn shares_and_compound_growth_are_checked_on_the_way_in() {
    let s = Shares::of([
        ("a".to_string(), fundtrack::money::Count::persons(215)),
        ("b".to_string(), fundtrack::money::Count::persons(508)),
    ])
    .unwrap();
    let (json, back) = round_trip(&s);
    assert_eq!(
        json,
        r#"[{"key":"a","part":"215"},{"key":"b","part":"508"}]"#
    );
    assert_eq!(back, s);
    assert!(
        serde_json::from_str::<Shares<String>>(
            r#"[{"key":"a","part":"1"},{"key":"b","part":"-1"}]"#
        )
        .is_err()
    );

    let g = CompoundGrowth::of(
        Money::yuan(dec!(121)).unwrap(),
        Money::yuan(dec!(100)).unwrap(),
        2,
    )
    .unwrap();
    let (json, back) = round_trip(&g);
    assert_eq!(json, r#"{"start":"100.00","end":"121.00","periods":2}"#);
    assert_eq!(back, g);
    assert!(
        serde_json::from_str::<CompoundGrowth>(r#"{"start":"0","end":"1","periods":2}"#).is_err()
    );
}

#[test]
fn milestones_and_growth_are_rebuilt_from_their_inputs() {
    use fundtrack::report::{Base, Growth, Milestones};
    let d = |m| chrono::NaiveDate::from_ymd_opt(2021, m, 30).unwrap();
    let m = Milestones::new([
        (d(3), Ratio::from_percent(dec!(30)).unwrap()),
        (d(6), Ratio::from_percent(dec!(50)).unwrap()),
    ])
    .unwrap();
    let (json, back) = round_trip(&m);
    assert_eq!(back, m);
    // The same table with its entries reversed reads back sorted; a falling one is refused.
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut entries = v.as_array().unwrap().clone();
    entries.reverse();
    let reversed: Milestones =
        serde_json::from_value(serde_json::Value::Array(entries.clone())).unwrap();
    assert_eq!(
        reversed.minimum_at(d(9)).to_percent(Rounding::default()),
        dec!(50.00)
    );
    entries[0][1] = serde_json::json!({"numerator": "10", "denominator": "100"});
    assert!(serde_json::from_value::<Milestones>(serde_json::Value::Array(entries)).is_err());

    // A growth figure read back is recomputed from its current amount and base.
    let g = Growth::new(Money::from_fen(115), Base::Prior(Money::from_fen(100)));
    let json = serde_json::to_string(&g).unwrap();
    let tampered = json.replace(r#""numerator":"0.15""#, r#""numerator":"9""#);
    let back: Growth = serde_json::from_str(&tampered).unwrap();
    assert_eq!(back, g);
}

#[test]
fn roundings_with_too_many_places_are_refused_on_the_way_in() {
    // Used to be accepted uncapped (and then loop for ever rounding at 4294967295 places).
    let err = serde_json::from_str::<fundtrack::Rounding>(r#"{"mode":"half_up","dp":4294967295}"#)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("4294967295 decimal places (at most 10)"),
        "{err}"
    );
    let ok: fundtrack::Rounding = serde_json::from_str(r#"{"mode":"trunc","dp":10}"#).unwrap();
    assert_eq!(ok, fundtrack::Rounding::trunc(10).unwrap());
    assert!(
        serde_json::from_str::<fundtrack::Rounding>(r#"{"mode":"trunc","dp":1,"x":0}"#).is_err()
    );
}

#[test]
fn counts_and_averages_round_trip() {
    use fundtrack::money::Count;
    use fundtrack::report::Average;
    let c: Count = "28.54万人".parse().unwrap();
    let (json, back) = round_trip(&c);
    assert_eq!(json, r#""285400人""#);
    assert_eq!(back, c);
    let a = Average::new(Count::persons(1114), Count::households(295)).unwrap();
    let (json, back) = round_trip(&a);
    assert_eq!(json, r#"{"total":"1114人","per":"295户"}"#);
    assert_eq!(back, a);
    assert!(serde_json::from_str::<Average<Count>>(r#"{"total":"1人","per":"0户"}"#).is_err());
}
