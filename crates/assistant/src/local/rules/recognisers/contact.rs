//! Contact details: "no email", "with an email", "gmail users", "email ends with @acme.com", "phone
//! starts with +91".

use super::{Context, Found, Scanner};
use crate::local::rules::lexer::TokenKind;
use crate::local::rules::tree::{condition, Rule, Value};
use minicrm_domain::rules::{Field, Operator};

/// E-mail providers a prompt may name: "gmail users".
const PROVIDERS: &[(&str, &str)] = &[
    ("gmail", "@gmail.com"),
    ("googlemail", "@googlemail.com"),
    ("yahoo", "@yahoo.com"),
    ("ymail", "@ymail.com"),
    ("hotmail", "@hotmail.com"),
    ("outlook", "@outlook.com"),
    ("rediffmail", "@rediffmail.com"),
    ("rediff", "@rediffmail.com"),
    ("icloud", "@icloud.com"),
    ("protonmail", "@protonmail.com"),
];

/// What may follow a provider or a domain: "gmail users", "acme.com addresses".
const ADDRESSES: &str =
    "users|user|addresses|address|accounts|account|ids|id|emails|email|customers|mail";

/// How a prompt compares an e-mail or a phone number with a value.
const TESTS: &[(&str, Operator)] = &[
    ("ending|ends with|in", Operator::EndsWith),
    ("ending|ends", Operator::EndsWith),
    ("domain is|=|:?", Operator::EndsWith),
    ("at|@", Operator::EndsWith),
    (
        "starting|starts|beginning|begins with",
        Operator::BeginsWith,
    ),
    ("containing|contains|including|includes", Operator::Contains),
    ("is|=|equals|:", Operator::Eq),
];

impl Scanner<'_> {
    /// "no email", "with an email", "gmail users", "email ends with @acme.com", "phone starts with +91".
    pub(super) fn contact(&self, p: usize, ctx: Context) -> Found {
        if let Some(found) = self.email_domain(p) {
            return Some(found);
        }
        let (field, q) = self.contact_field(p)?;
        let q2 = self.skip(q, &["is", "are", "was"]);
        if let Some(e) = self.pats(
            q2,
            &[
                "missing|empty|blank|null|absent|unknown|none",
                "not set|available|provided|present|known",
            ],
        ) {
            return Some((condition(field, Operator::IsNull, Value::None), e));
        }
        if let Some(found) = self.contact_test(field, q2) {
            return Some(found);
        }
        let stated = self.pats(
            q,
            &[
                "on file",
                "on record",
                "available|present|provided|set|known",
            ],
        );
        // "opened our last email" is not about having one.
        if ctx.after_unknown && stated.is_none() {
            return None;
        }
        Some((
            condition(field, Operator::IsNotNull, Value::None),
            stated.unwrap_or(q),
        ))
    }

    /// "gmail users", "@acme.com", "acme.com addresses": e-mails at a domain.
    fn email_domain(&self, p: usize) -> Found {
        let w = self.word(p);
        let at_domain = |domain: String| {
            let e = self.pat(p + 1, ADDRESSES).unwrap_or(p + 1);
            Some((email_ending(domain), e))
        };
        if let Some((_, domain)) = PROVIDERS.iter().find(|(name, _)| *name == w) {
            return at_domain((*domain).into());
        }
        if w.contains('.') && (w.starts_with('@') || self.pat(p + 1, ADDRESSES).is_some()) {
            return at_domain(format!("@{}", w.trim_start_matches('@')));
        }
        None
    }

    /// "an email", "e-mail address", "phone number", "mobile no": which field, and where it ends.
    fn contact_field(&self, p: usize) -> Option<(Field, usize)> {
        let q = self.skip(p, &["a", "an", "valid", "any"]);
        if let Some(q) = self.pat(q, "email|e-mail|emails|mail address|addresses|id|ids?") {
            return Some((Field::Email, q));
        }
        let q = self.pats(
            q,
            &[
                "phone|phones|mobile|mobiles|cellphone number|numbers|no|nos?",
                "contact|whatsapp|cell number|numbers|no|nos",
            ],
        )?;
        Some((Field::Phone, q))
    }

    /// "ends with acme.com", "starts with +91", "is asha@example.com": the field compared with a
    /// value. An e-mail's domain gains its "@", and e-mails are compared in lower case.
    fn contact_test(&self, field: Field, q: usize) -> Found {
        let email = field == Field::Email;
        for (pattern, op) in TESTS {
            let Some(r) = self.pat(q, pattern) else {
                continue;
            };
            let Some((mut v, e)) = self.contact_value(r) else {
                continue;
            };
            if *op == Operator::Eq && email && !v.contains('@') {
                continue;
            }
            if *op == Operator::EndsWith && email && !v.starts_with(['@', '.']) {
                v = format!("@{v}");
            }
            let v = if email { v.to_lowercase() } else { v };
            return Some((condition(field, *op, Value::Text(v)), e));
        }
        None
    }

    /// A value as written: quoted text, a word or a number, or "+91…" up to the next space.
    fn contact_value(&self, r: usize) -> Option<(String, usize)> {
        match self.kind(r)? {
            TokenKind::Quoted(s) => Some((s.clone(), r + 1)),
            TokenKind::Word(_) | TokenKind::Number(_) => {
                Some((self.raw(r, r + 1).to_owned(), r + 1))
            }
            TokenKind::Plus => {
                let mut e = r + 1;
                while self
                    .tokens
                    .get(e)
                    .is_some_and(|t| t.start == self.tokens[e - 1].end)
                {
                    e += 1;
                }
                Some((self.raw(r, e).to_owned(), e))
            }
            _ => None,
        }
    }
}

/// E-mails ending with a domain.
fn email_ending(domain: String) -> Rule {
    condition(Field::Email, Operator::EndsWith, Value::Text(domain))
}
