//! `Email` and `Phone`: contact details in one canonical shape (a checked address; E.164 numbers).

use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Accepts an RFC 5322 address whose domain has a dot; the domain is lower-cased.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let parsed = email_address::EmailAddress::from_str(text)
            .map_err(|_| format!("'{text}' is not an e-mail address"))?;
        let domain = parsed.domain().to_ascii_lowercase();
        if !domain.contains('.') || domain.starts_with('[') {
            return Err(format!("'{text}' has no usable domain"));
        }
        Ok(Self(format!("{}@{domain}", parsed.local_part())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number in E.164 (`+` and 8 to 15 digits). National Indian numbers (ten digits, or with a
/// leading 0 or 91) are read as +91, the default market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(text: &str) -> Result<Self, String> {
        let international = text.trim_start().starts_with('+');
        let mut digits = String::with_capacity(16);
        for c in text.trim().trim_start_matches('+').chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' | '.' => {}
                _ => return Err(format!("'{text}' is not a phone number")),
            }
        }
        let e164 = if international {
            digits
        } else {
            national_to_e164(&digits).ok_or_else(|| {
                format!("'{text}' is not a phone number: use E.164 such as +919876543210")
            })?
        };
        if !(8..=15).contains(&e164.len()) || e164.starts_with('0') {
            return Err(format!(
                "'{text}' is not a phone number: use E.164 such as +919876543210"
            ));
        }
        Ok(Self(format!("+{e164}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn national_to_e164(digits: &str) -> Option<String> {
    match digits.len() {
        10 if !digits.starts_with('0') => Some(format!("91{digits}")),
        11 if digits.starts_with('0') => Some(format!("91{}", &digits[1..])),
        12 if digits.starts_with("91") => Some(digits.to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
