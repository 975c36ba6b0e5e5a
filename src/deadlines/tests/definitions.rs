//! Regime definitions: the built-ins, and those a config defines.

use super::*;

#[test]
fn every_builtin_is_valid_and_a_registry_holds_them() {
    for def in builtin_regimes() {
        def.validate()
            .unwrap_or_else(|e| panic!("{}: {e}", def.name));
    }
    let regimes = Regimes::new(&uk(), vec![]).expect("valid");
    assert_eq!(
        regimes.names().collect::<Vec<_>>(),
        [
            "ireland-foi",
            "nz-oia",
            "scotland-foisa",
            "uk-eir",
            "uk-foia",
            "uk-foia-school",
            "us-foia"
        ]
    );
    // UK regimes have full holiday data for 2015-2030.
    let foia = regimes.get("uk-foia").expect("present");
    assert_eq!(foia.missing_regions(), [] as [String; 0]);
    assert_eq!(
        foia.holiday_data_covers(),
        Some((d("2015-01-01"), d("2030-12-31")))
    );
    // A deadline past 2030 says its holidays are unknown.
    let late = foia.deadline(d("2030-12-20"), &[]).expect("ok");
    assert_eq!(
        late.warnings(),
        [Warning::BeyondHolidayData {
            from: d("2015-01-01"),
            to: d("2030-12-31")
        }]
    );
}

#[test]
fn config_can_define_a_regime_in_toml() {
    let text = r#"
        name = "jersey-foi"
        description = "Freedom of Information (Jersey) Law 2011"
        period = 20
        unit = "working_days"
        regions = ["jersey"]
        time_zone = "Europe/Jersey"
        extension = 20
        review = { period = 20 }
        blackouts = [{ from = "12-24", to = "12-24", name = "Christmas Eve closure" }]
    "#;
    let def: RegimeDef = toml::from_str(text).expect("parses");
    assert_eq!(def.extension, ExtensionLimit::UpTo(20));
    assert!(def.roll_forward);
    assert_eq!(def.weekend, [chrono::Weekday::Sat, chrono::Weekday::Sun]);
    let regimes = Regimes::new(&uk(), vec![def]).expect("valid");
    let jersey = regimes.get("jersey-foi").expect("present");
    assert!(!jersey.is_working_day(d("2026-12-24")));
    assert_eq!(jersey.missing_regions(), ["jersey"]);
    // A config definition with a built-in's name replaces it.
    let mut ours = RegimeDef::builtin("uk-foia").expect("built in");
    ours.period = 15;
    let regimes = Regimes::new(&uk(), vec![ours]).expect("valid");
    assert_eq!(regimes.get("uk-foia").map(|r| r.def().period), Some(15));

    let unbounded: RegimeDef = toml::from_str(
        "name = \"x\"\nperiod = 1\nunit = \"months\"\ntime_zone = \"UTC\"\nextension = \"unbounded\"\nweekend = [\"fri\", \"Saturday\"]\n",
    )
    .expect("parses");
    assert_eq!(unbounded.extension, ExtensionLimit::Unbounded);
    assert_eq!(
        unbounded.weekend,
        [chrono::Weekday::Fri, chrono::Weekday::Sat]
    );
}

#[test]
fn bad_regime_definitions_are_refused_with_a_clear_error() {
    let base = RegimeDef::builtin("uk-foia").expect("built in");
    let cases = [
        (RegimeDef { name: "UK FOIA".into(), ..base.clone() }, "regime name `UK FOIA` must be lowercase letters, digits and hyphens (e.g. uk-foia)"),
        (RegimeDef { period: 0, ..base.clone() }, "regime `uk-foia`: period 0 is not allowed (between 1 and 2600 working days)"),
        (RegimeDef { time_zone: "Europe/Londn".into(), ..base.clone() }, "regime `uk-foia`: `Europe/Londn` is not an IANA time zone (e.g. Europe/London)"),
        (RegimeDef { regions: vec!["northern ireland".into()], ..base.clone() }, "regime `uk-foia`: region `northern ireland` must be lowercase letters, digits and hyphens"),
        (
            RegimeDef {
                weekend: {
                    use chrono::Weekday::*;
                    vec![Mon, Tue, Wed, Thu, Fri, Sat, Sun]
                },
                ..base.clone()
            },
            "regime `uk-foia`: the weekend covers the whole week, so no day would ever count",
        ),
        (
            RegimeDef { review: Some(ReviewRule { period: 20, latest: Some(10), unit: None }), ..base.clone() },
            "regime `uk-foia`: the review period must be between 1 and the period's maximum, and `latest` at least `period`",
        ),
    ];
    for (def, message) in cases {
        let err = Regime::new(def, &uk()).expect_err(message);
        assert_eq!(err.to_string(), message);
    }
    let duplicate = Regimes::new(&uk(), vec![base.clone(), base.clone()]).expect_err("twice");
    assert_eq!(duplicate, RegimeError::Duplicate("uk-foia".into()));

    let toml_errors = [
        ("name = \"x\"\nperiod = 1\nunit = \"fortnights\"\ntime_zone = \"UTC\"\n", "fortnights"),
        ("name = \"x\"\nperiod = 1\nunit = \"weeks\"\ntime_zone = \"UTC\"\nblackouts = [{ from = \"02-30\", to = \"03-01\", name = \"n\" }]\n", "02-30"),
        ("name = \"x\"\nperiod = 1\nunit = \"weeks\"\ntime_zone = \"UTC\"\nextension = \"lots\"\n", "lots"),
        ("name = \"x\"\nperiod = 1\nunit = \"weeks\"\ntime_zone = \"UTC\"\nperoid = 2\n", "peroid"),
        ("name = \"x\"\nunit = \"weeks\"\ntime_zone = \"UTC\"\n", "period"),
    ];
    for (text, mentions) in toml_errors {
        let err = toml::from_str::<RegimeDef>(text)
            .expect_err(text)
            .to_string();
        assert!(err.contains(mentions), "{err}");
    }
}
