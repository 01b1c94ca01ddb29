//! Message templates: parsing any source never panics; a template that parses renders for any
//! recipient (rendering is total once a campaign is accepted); and the output keeps no known
//! `{{variable}}` unreplaced. Input: the source, then optionally a NUL and the recipient's material.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use minicrm_domain::campaign::{MessageTemplate, Recipient, VARIABLES};
use minicrm_domain::Currency;

const CURRENCIES: &[&str] = &["INR", "USD", "JPY", "KWD", "EUR", "CLF"];

fuzz_target!(|data: &[u8]| {
    let (source, rest) = match data.iter().position(|b| *b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let Ok(source) = std::str::from_utf8(source) else {
        return;
    };
    let Ok(template) = MessageTemplate::parse(source) else {
        return;
    };
    let Ok(recipient) = recipient(&mut Unstructured::new(rest)) else {
        return;
    };
    let out = template
        .render(&recipient)
        .unwrap_or_else(|e| panic!("a parsed template fails to render for {recipient:?}: {e}"));
    // Quotes and `raw` can write a token out on purpose; so can a value holding braces.
    let values = [Some(recipient.name), recipient.city, recipient.email];
    let literal = source.contains(['"', '\''])
        || source.contains("raw")
        || values.iter().flatten().any(|v| v.contains(['{', '}']));
    if !literal {
        for v in VARIABLES {
            for token in [
                format!("{{{{{}}}}}", v.name),
                format!("{{{{ {} }}}}", v.name),
            ] {
                assert!(!out.contains(&token), "{token} left in {out:?}");
            }
        }
    }
});

/// Text up to a NUL, then the numbers.
fn recipient<'a>(u: &mut Unstructured<'a>) -> arbitrary::Result<Recipient<'a>> {
    let text = |u: &mut Unstructured<'a>| -> arbitrary::Result<&'a str> {
        let bytes = u.peek_bytes(u.len()).unwrap_or_default();
        let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
        let s =
            std::str::from_utf8(u.bytes(end)?).map_err(|_| arbitrary::Error::IncorrectFormat)?;
        let _ = u.bytes(usize::from(!u.is_empty()));
        Ok(s)
    };
    let name = text(u)?;
    let city = Some(text(u)?).filter(|s| !s.is_empty());
    let email = Some(text(u)?).filter(|s| !s.is_empty());
    Ok(Recipient {
        name,
        city,
        email,
        total_spend_minor: i64::arbitrary(u)?,
        currency: Option::<u8>::arbitrary(u)?
            .map(|i| Currency::parse(CURRENCIES[i as usize % CURRENCIES.len()]).expect("a code")),
        order_count: i64::arbitrary(u)?,
        last_order_at: Option::<i64>::arbitrary(u)?,
    })
}
