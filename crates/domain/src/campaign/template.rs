//! Personalised messages: Liquid templates (`{{first_name}}`, `{{first_name | default: "there"}}`,
//! `if`/`unless`/`case` and the text filters: see `language`) over a closed set of recipient
//! variables. A template that names a variable outside the set, or a tag or filter outside the
//! language, is refused when the campaign is created, naming it.

mod language;

use crate::money::{format_minor, Currency};
use liquid::model::{KString, Object, Value};
use std::sync::OnceLock;

/// A personalisation variable: its name in templates, what it holds, and an example value.
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
pub struct Variable {
    pub name: &'static str,
    pub description: &'static str,
    pub example: &'static str,
}

/// Every variable a template may use. A missing value (no city, no orders) is nil, so that
/// `{{city | default: "your city"}}` falls back.
pub const VARIABLES: &[Variable] = &[
    Variable {
        name: "first_name",
        description: "the first word of the customer's name",
        example: "Asha",
    },
    Variable {
        name: "name",
        description: "the customer's full name",
        example: "Asha Verma",
    },
    Variable {
        name: "city",
        description: "the customer's city",
        example: "Pune",
    },
    Variable {
        name: "total_spend",
        description: "completed orders' total, with the currency symbol",
        example: "₹12,450",
    },
    Variable {
        name: "order_count",
        description: "completed orders",
        example: "4",
    },
    Variable {
        name: "last_order_date",
        description: "the day of the last completed order, such as 3 Mar 2025",
        example: "3 Mar 2025",
    },
    Variable {
        name: "email",
        description: "the customer's e-mail address",
        example: "asha@example.com",
    },
];

/// The most characters a template may have.
pub const MAX_TEMPLATE_CHARS: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("the template is empty")]
    Empty,
    #[error("the template is longer than {MAX_TEMPLATE_CHARS} characters")]
    TooLong,
    #[error("unknown variable '{0}'; known: first_name, name, city, total_spend, order_count, last_order_date, email")]
    UnknownVariable(String),
    #[error("the template does not parse: {0}")]
    Syntax(String),
    #[error("the template cannot be rendered: {0}")]
    Render(String),
}

/// A recipient's values for rendering, as the store holds them.
#[derive(Debug, Clone, Default)]
pub struct Recipient<'a> {
    pub name: &'a str,
    pub city: Option<&'a str>,
    pub email: Option<&'a str>,
    pub total_spend_minor: i64,
    pub currency: Option<Currency>,
    pub order_count: i64,
    pub last_order_at: Option<i64>,
}

/// A parsed template, ready to render for many recipients.
pub struct MessageTemplate {
    template: liquid::Template,
}

impl std::fmt::Debug for MessageTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MessageTemplate")
    }
}

fn parser() -> &'static liquid::Parser {
    static PARSER: OnceLock<liquid::Parser> = OnceLock::new();
    PARSER.get_or_init(language::parser)
}

impl MessageTemplate {
    /// Parses `source` and checks that it renders both for a recipient with every value and for one
    /// with none, so an unknown variable is found whichever branch names it.
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        if source.trim().is_empty() {
            return Err(TemplateError::Empty);
        }
        if source.chars().count() > MAX_TEMPLATE_CHARS {
            return Err(TemplateError::TooLong);
        }
        if let Some(number) = language::oversized_integer(source) {
            return Err(TemplateError::Syntax(format!(
                "the number {number} is too large"
            )));
        }
        let template = parser()
            .parse(source)
            .map_err(|e| TemplateError::Syntax(syntax(&e.to_string())))?;
        let parsed = Self { template };
        let full = Recipient {
            name: "Asha Verma",
            city: Some("Pune"),
            email: Some("asha@example.com"),
            total_spend_minor: 1_245_000,
            currency: Some(Currency::INR),
            order_count: 4,
            last_order_at: Some(1_741_000_000_000),
        };
        parsed.render(&full)?;
        parsed.render(&Recipient::default())?;
        Ok(parsed)
    }

    pub fn render(&self, recipient: &Recipient<'_>) -> Result<String, TemplateError> {
        self.template
            .render(&globals(recipient))
            .map_err(|e| classify(&e.to_string()))
    }
}

/// Liquid names the missing variable in its error's context (`requested variable=x`).
fn classify(message: &str) -> TemplateError {
    for marker in ["requested variable=", "requested index="] {
        if let Some(at) = message.find(marker) {
            let rest = &message[at + marker.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != ',')
                .collect();
            return TemplateError::UnknownVariable(name);
        }
    }
    TemplateError::Render(first_line(message))
}

/// Liquid's parse error in a sentence: a tag or filter outside the message language named with what
/// the language has; otherwise where the mistake is and what it is, without Liquid's source excerpt.
fn syntax(message: &str) -> String {
    let context = |key: &str| {
        message
            .lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(key))
            .map(str::trim)
    };
    if let (Some(name), Some(available)) =
        (context("requested filter="), context("available filters="))
    {
        return format!(
            "the filter '{name}' is not available in messages (they leave out the filters that \
             repeat text or do arithmetic); available: {available}"
        );
    }
    if message.contains("Unknown tag") {
        if let (Some(name), Some(available)) = (context("requested="), context("available blocks="))
        {
            return format!(
                "the tag '{name}' is not available in messages (no loops, assignments or \
                 arithmetic); available: {available}"
            );
        }
    }
    let at = message
        .split_once("--> ")
        .and_then(|(_, rest)| rest.split_whitespace().next());
    let reason = message
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("= "));
    match (at, reason) {
        (Some(at), Some(reason)) => match at.split_once(':') {
            Some((line, column)) => format!("line {line}, column {column}: {reason}"),
            None => format!("at {at}: {reason}"),
        },
        _ => first_line(message.trim_start_matches("liquid:")),
    }
}

fn first_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

fn text(value: Option<&str>) -> Value {
    match value.map(str::trim) {
        Some(v) if !v.is_empty() => Value::scalar(v.to_owned()),
        _ => Value::Nil,
    }
}

fn globals(r: &Recipient<'_>) -> Object {
    let mut o = Object::new();
    let first = r.name.split_whitespace().next();
    o.insert(KString::from_static("first_name"), text(first));
    o.insert(KString::from_static("name"), text(Some(r.name)));
    o.insert(KString::from_static("city"), text(r.city));
    o.insert(KString::from_static("email"), text(r.email));
    let spend = r
        .currency
        .map(|c| Value::scalar(format_amount(r.total_spend_minor, c)))
        .unwrap_or(Value::Nil);
    o.insert(KString::from_static("total_spend"), spend);
    o.insert(
        KString::from_static("order_count"),
        Value::scalar(r.order_count),
    );
    let last = r.last_order_at.and_then(|ms| {
        chrono::DateTime::from_timestamp_millis(ms).map(|t| t.format("%-d %b %Y").to_string())
    });
    o.insert(
        KString::from_static("last_order_date"),
        last.map(Value::scalar).unwrap_or(Value::Nil),
    );
    o
}

/// An amount for a message: the currency's symbol, digits grouped as its readers do (lakh and crore
/// for the rupee), and the fraction only when there is one: `₹1,24,500`, `₹499.50`, `USD 1,200`.
pub fn format_amount(minor: i64, currency: Currency) -> String {
    let plain = format_minor(minor, currency.exponent());
    let (sign, plain) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest.to_owned()),
        None => ("", plain),
    };
    let (whole, fraction) = match plain.split_once('.') {
        Some((w, f)) if f.chars().any(|c| c != '0') => (w.to_owned(), Some(f.to_owned())),
        Some((w, _)) => (w.to_owned(), None),
        None => (plain.clone(), None),
    };
    let indian = currency.code() == "INR";
    let grouped = group_digits(&whole, indian);
    let prefix = if indian {
        "₹".to_owned()
    } else {
        format!("{} ", currency.code())
    };
    match fraction {
        Some(f) => format!("{sign}{prefix}{grouped}.{f}"),
        None => format!("{sign}{prefix}{grouped}"),
    }
}

fn group_digits(digits: &str, indian: bool) -> String {
    let len = digits.len();
    if len <= 3 {
        return digits.to_owned();
    }
    let (head, last3) = digits.split_at(len - 3);
    let size = if indian { 2 } else { 3 };
    let mut groups: Vec<&str> = Vec::new();
    let mut end = head.len();
    while end > 0 {
        let start = end.saturating_sub(size);
        groups.push(&head[start..end]);
        end = start;
    }
    groups.reverse();
    format!("{},{last3}", groups.join(","))
}

#[cfg(test)]
mod tests;
