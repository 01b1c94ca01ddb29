//! `Row`: reads the fields of one JSON object, collecting an error per bad field instead of stopping at
//! the first, so a client learns everything wrong with a batch in one answer.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// One bad field: the row's index in the batch, the field's path within the row, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    pub index: usize,
    pub field: String,
    pub reason: String,
}

impl FieldError {
    /// The JSON pointer (RFC 6901) of the field in the request body.
    pub fn pointer(&self) -> String {
        let path = self
            .field
            .replace('[', "/")
            .replace("].", "/")
            .replace(']', "")
            .replace('.', "/");
        format!("/{}/{}", self.index, path)
    }
}

pub struct Row {
    index: usize,
    prefix: String,
    errors: Vec<FieldError>,
}

impl Row {
    pub fn new(index: usize) -> Self {
        Self {
            index,
            prefix: String::new(),
            errors: Vec::new(),
        }
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn error(&mut self, field: &str, reason: impl Into<String>) {
        let field = format!("{}{field}", self.prefix);
        self.errors.push(FieldError {
            index: self.index,
            field,
            reason: reason.into(),
        });
    }

    /// Runs `f` with field paths prefixed by `prefix` (for nested objects such as `items[2].`).
    pub fn nested<T>(&mut self, prefix: &str, f: impl FnOnce(&mut Row) -> T) -> T {
        let inner = format!("{}{prefix}", self.prefix);
        let saved = std::mem::replace(&mut self.prefix, inner);
        let out = f(self);
        self.prefix = saved;
        out
    }

    /// Parses the row itself as `T` (a struct of raw fields), reporting unknown fields and non-objects.
    pub fn shape<'a, T: Deserialize<'a>>(&mut self, raw: &'a RawValue) -> Option<T> {
        match serde_json::from_str::<T>(raw.get()) {
            Ok(t) => Some(t),
            Err(e) => {
                let text = e.to_string();
                let field = unknown_field(&text).unwrap_or_default();
                let reason = text.split(" at line").next().unwrap_or(&text).to_owned();
                self.error(&field, reason);
                None
            }
        }
    }

    /// A field that must be present and not null.
    pub fn required<T>(
        &mut self,
        field: &str,
        raw: Option<&RawValue>,
        parse: impl FnOnce(&RawValue) -> Result<T, String>,
    ) -> Option<T> {
        match raw.filter(|r| r.get() != "null") {
            None => {
                self.error(field, "is required");
                None
            }
            Some(r) => self.parsed(field, r, parse),
        }
    }

    /// A field that may be absent or null; `None` too when it is present but bad (the error is kept).
    pub fn optional<T>(
        &mut self,
        field: &str,
        raw: Option<&RawValue>,
        parse: impl FnOnce(&RawValue) -> Result<T, String>,
    ) -> Option<T> {
        let r = raw.filter(|r| r.get() != "null")?;
        self.parsed(field, r, parse)
    }

    fn parsed<T>(
        &mut self,
        field: &str,
        raw: &RawValue,
        parse: impl FnOnce(&RawValue) -> Result<T, String>,
    ) -> Option<T> {
        parse(raw).map_err(|reason| self.error(field, reason)).ok()
    }
}

fn unknown_field(serde_message: &str) -> Option<String> {
    let rest = serde_message.strip_prefix("unknown field `")?;
    Some(rest.split('`').next()?.to_owned())
}

/// A JSON string, trimmed, of 1 to `max` characters.
pub fn text(raw: &RawValue, max: usize) -> Result<String, String> {
    let s: String = serde_json::from_str(raw.get()).map_err(|_| "must be a string".to_owned())?;
    let s = s.trim();
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err("must not contain control characters".into());
    }
    Ok(s.to_owned())
}

/// A JSON number or a numeric string, as its exact text.
pub fn number_text(raw: &RawValue) -> Result<String, String> {
    let t = raw.get();
    if t.starts_with('"') {
        serde_json::from_str::<String>(t).map_err(|_| "must be a number".into())
    } else if t.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        Ok(t.to_owned())
    } else {
        Err("must be a number or a decimal string".into())
    }
}

#[cfg(test)]
mod tests;
