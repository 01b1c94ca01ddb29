use super::*;

const OBJECTIVES: [&str; 8] = [
    "win-back",
    "new arrivals",
    "Diwali festive sale",
    "loyalty reward",
    "abandoned cart reminder",
    "re-engagement",
    "welcome new customers",
    "quarterly newsletter",
];

#[test]
fn every_objective_tone_and_channel_gives_three_distinct_fit_variants() {
    for objective in OBJECTIVES {
        for tone in [None, Some("urgent"), Some("premium"), Some("playful")] {
            for channel in [Channel::Sms, Channel::Whatsapp, Channel::Email] {
                for (city, value) in [(false, false), (true, true)] {
                    let v = variants(objective, channel, tone, city, value);
                    assert_eq!(v.len(), 3);
                    assert!(
                        v[0].message != v[1].message
                            && v[1].message != v[2].message
                            && v[0].message != v[2].message
                    );
                    for variant in &v {
                        assert!(check(variant, channel).is_ok());
                        if channel == Channel::Sms {
                            assert!(
                                variant.max_chars <= SMS_LIMIT,
                                "{objective}: {}",
                                variant.message
                            );
                        }
                        assert_eq!(variant.subject.is_some(), channel == Channel::Email);
                    }
                }
            }
        }
    }
}

#[test]
fn objectives_are_read_as_marketers_write_them() {
    assert_eq!(
        Objective::read("Win back lapsed buyers"),
        Objective::WinBack
    );
    assert_eq!(Objective::read("Diwali sale"), Objective::FestiveSale);
    assert_eq!(Objective::read("abandoned cart"), Objective::CartReminder);
    assert_eq!(
        Objective::read("launch of the new collection"),
        Objective::NewArrivals
    );
    assert_eq!(Objective::read("something else"), Objective::Other);
}

#[test]
fn unfit_variants_are_refused() {
    let long = Variant {
        angle: "x".into(),
        subject: None,
        message: "a".repeat(161),
        max_chars: 0,
    };
    assert!(check(&long, Channel::Sms).unwrap_err().contains("160"));
    assert!(check(&long, Channel::Whatsapp).is_ok());
    let unknown = Variant {
        angle: "x".into(),
        subject: None,
        message: "Hi {{password}}".into(),
        max_chars: 0,
    };
    assert!(check(&unknown, Channel::Whatsapp)
        .unwrap_err()
        .contains("password"));
    let no_subject = Variant {
        angle: "x".into(),
        subject: None,
        message: "Hi".into(),
        max_chars: 0,
    };
    assert!(check(&no_subject, Channel::Email).is_err());
}
