//! Reading a condition's JSON value for its field's type and operator.

use super::{Kind, Operand, Operator};
use crate::{Currency, Money, Timestamp};
use serde_json::Value;

/// The most values an `in` list may hold, and the longest text compared.
pub const MAX_LIST: usize = 500;
pub const MAX_TEXT: usize = 200;
/// The widest window or relative-time N: a century.
pub const MAX_DAYS: u32 = 36_500;

pub fn operand(
    kind: Kind,
    op: Operator,
    value: Option<&Value>,
    currency: Currency,
) -> Result<Operand, String> {
    use Operator::*;
    let value = || {
        value
            .filter(|v| !v.is_null())
            .ok_or_else(|| "a value is required".to_owned())
    };
    match (kind, op) {
        (_, IsNull | IsNotNull) => Ok(Operand::None),
        (Kind::Date, WithinLastDays | OlderThanDays) => days(value()?).map(Operand::Days),
        (Kind::CountInWindow | Kind::MoneyInWindow, _) => window(kind, op, value()?, currency),
        (_, Between | NotBetween) => range(kind, value()?, currency),
        (_, In | NotIn) => list(kind, value()?, currency),
        (Kind::Text, _) => text(value()?).map(Operand::Text),
        (Kind::Date, _) => time(value()?).map(Operand::Time),
        (Kind::Count | Kind::Money, _) => scalar(kind, value()?, currency).map(Operand::Number),
    }
}

fn window(kind: Kind, op: Operator, value: &Value, currency: Currency) -> Result<Operand, String> {
    let obj = value
        .as_object()
        .ok_or("must be {\"days\": N, \"value\": …}")?;
    if let Some(extra) = obj.keys().find(|k| *k != "days" && *k != "value") {
        return Err(format!(
            "unknown key '{extra}': use {{\"days\": N, \"value\": …}}"
        ));
    }
    let days = days(obj.get("days").ok_or("'days' is required")?)?;
    let inner = if kind == Kind::CountInWindow {
        Kind::Count
    } else {
        Kind::Money
    };
    let operand = operand(inner, op, obj.get("value"), currency)?;
    Ok(Operand::Window {
        days,
        operand: Box::new(operand),
    })
}

fn days(value: &Value) -> Result<u32, String> {
    let n = whole(value).map_err(|_| "days must be a whole number".to_owned())?;
    u32::try_from(n)
        .ok()
        .filter(|d| (1..=MAX_DAYS).contains(d))
        .ok_or_else(|| format!("days must be between 1 and {MAX_DAYS}"))
}

/// Two values: an array, or the `"low,high"` text react-querybuilder's inputs produce.
fn range(kind: Kind, value: &Value, currency: Currency) -> Result<Operand, String> {
    let parts = parts(value)?;
    let [low, high] = parts.as_slice() else {
        return Err("between takes two values, [low, high]".into());
    };
    match kind {
        Kind::Date => {
            let (low, high) = (time(low)?, time(high)?);
            ordered(low, high).map(|(l, h)| Operand::TimeRange(l, h))
        }
        Kind::Text => Err("between does not apply to text".into()),
        _ => ordered(scalar(kind, low, currency)?, scalar(kind, high, currency)?)
            .map(|(l, h)| Operand::Range(l, h)),
    }
}

fn ordered<T: PartialOrd>(low: T, high: T) -> Result<(T, T), String> {
    if low <= high {
        Ok((low, high))
    } else {
        Err("the low end of between is above the high end".into())
    }
}

/// A list: an array, or comma-separated text.
fn list(kind: Kind, value: &Value, currency: Currency) -> Result<Operand, String> {
    let parts = parts(value)?;
    if parts.is_empty() || parts.len() > MAX_LIST {
        return Err(format!("in takes 1 to {MAX_LIST} values"));
    }
    match kind {
        Kind::Text => parts
            .iter()
            .map(text)
            .collect::<Result<_, _>>()
            .map(Operand::Texts),
        _ => parts
            .iter()
            .map(|p| scalar(kind, p, currency))
            .collect::<Result<_, _>>()
            .map(Operand::Numbers),
    }
}

fn parts(value: &Value) -> Result<Vec<Value>, String> {
    match value {
        Value::Array(items) => Ok(items.clone()),
        Value::String(s) => Ok(s
            .split(',')
            .map(|p| Value::String(p.trim().to_owned()))
            .filter(|v| v != "")
            .collect()),
        _ => Err("must be a list of values".into()),
    }
}

fn text(value: &Value) -> Result<String, String> {
    let s = match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return Err("must be text".into()),
    };
    if s.is_empty() || s.chars().count() > MAX_TEXT {
        return Err(format!("must be 1 to {MAX_TEXT} characters"));
    }
    // As in the records themselves, which never hold one; a NUL would also cut SQLite's LIKE pattern
    // short and be refused by PostgreSQL.
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err("must not contain control characters".into());
    }
    Ok(s.to_lowercase())
}

fn whole(value: &Value) -> Result<i64, String> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| "must be a whole number".to_owned()),
        Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| "must be a whole number".to_owned()),
        _ => Err("must be a whole number".into()),
    }
}

fn scalar(kind: Kind, value: &Value, currency: Currency) -> Result<i64, String> {
    match kind {
        Kind::Money => {
            let text = match value {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                _ => return Err("must be an amount such as 5000 or 1499.50".into()),
            };
            Money::parse_major(&text, currency).map(|m| m.minor)
        }
        _ => whole(value).and_then(|n| {
            if n < 0 {
                Err("must not be negative".into())
            } else {
                Ok(n)
            }
        }),
    }
}

/// A date (`2025-01-31`, the start of that day in UTC) or a time with an offset.
fn time(value: &Value) -> Result<Timestamp, String> {
    let s = value
        .as_str()
        .ok_or("must be a date such as 2025-01-31")?
        .trim();
    if let Ok(day) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc();
        return Ok(Timestamp::from_millis(midnight.timestamp_millis()));
    }
    Timestamp::parse(s)
}
