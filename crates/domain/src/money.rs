//! `Money`: an amount in minor units (paise for INR) with its ISO 4217 currency.
//!
//! Amounts travel in major units, as a JSON number or a decimal string (`1499.50`), and are parsed from
//! their text, never through a float, so `0.29` is 29 paise exactly.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    pub const INR: Currency = Currency(iso_currency::Currency::INR);

    pub fn parse(code: &str) -> Result<Self, String> {
        iso_currency::Currency::from_code(&code.trim().to_ascii_uppercase())
            .map(Self)
            .ok_or_else(|| format!("'{code}' is not an ISO 4217 currency code"))
    }

    pub fn code(self) -> &'static str {
        // iso_currency's codes are 'static strings of the enum's own table.
        self.0.code()
    }

    /// Digits after the decimal point in this currency's minor unit (INR 2, JPY 0, KWD 3).
    pub fn exponent(self) -> u32 {
        u32::from(self.0.exponent().unwrap_or(0))
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&code).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

/// The largest amount accepted for one order or line: ten million major units.
pub const MAX_MAJOR: i64 = 10_000_000;

/// The schema of an amount as clients send it (the type is only that): major units, as a JSON number
/// or a decimal string, never negative, with at most the currency's decimals.
pub struct Decimal;

impl utoipa::PartialSchema for Decimal {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        let number = ObjectBuilder::new()
            .schema_type(Type::Number)
            .minimum(Some(0))
            .exclusive_maximum(Some(MAX_MAJOR as f64 + 1.0));
        let text = ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^\s*[0-9]+(\.[0-9]+)?\s*$"));
        OneOfBuilder::new()
            .item(number)
            .item(text)
            .description(Some(format!(
                "An amount in major units of the store's currency, as a JSON number or a decimal \
                 string (`1499.50`): not negative, at most {MAX_MAJOR}, with no more decimals than \
                 the currency has."
            )))
            .examples([serde_json::json!("1499.50")])
            .into()
    }
}

impl utoipa::ToSchema for Decimal {}

impl Money {
    /// Parses a non-negative decimal amount in major units, as text (`"1499.5"`, `1499.50`, `1499`).
    pub fn parse_major(text: &str, currency: Currency) -> Result<Self, String> {
        let text = text.trim();
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        if text.starts_with('-') {
            return Err("must not be negative".into());
        }
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !all_digits(whole)
            || !all_digits(frac)
            || (text.contains('.') && frac.is_empty())
        {
            return Err(format!("'{text}' is not an amount such as 1499.50"));
        }
        let exp = currency.exponent();
        if frac.len() > exp as usize {
            return Err(format!(
                "{text} has more than {exp} decimal places for {}",
                currency.code()
            ));
        }
        let whole: i64 = whole
            .parse()
            .ok()
            .filter(|w| *w <= MAX_MAJOR)
            .ok_or_else(|| format!("{text} is larger than the maximum of {MAX_MAJOR}"))?;
        let scale = 10_i64.pow(exp);
        let frac_minor: i64 = format!("{frac:0<width$}", width = exp as usize)
            .parse()
            .unwrap_or(0);
        Ok(Self {
            minor: whole * scale + frac_minor,
            currency,
        })
    }

    /// The amount in major units as exact decimal text (`149950` paise → `1499.50`).
    pub fn to_major_string(self) -> String {
        format_minor(self.minor, self.currency.exponent())
    }
}

/// Formats minor units as exact decimal major units.
pub fn format_minor(minor: i64, exponent: u32) -> String {
    if exponent == 0 {
        return minor.to_string();
    }
    let scale = 10_i64.pow(exponent);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale as u64,
        abs % scale as u64,
        width = exponent as usize
    )
}

#[cfg(test)]
mod tests;
