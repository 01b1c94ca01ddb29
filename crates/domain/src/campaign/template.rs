//! Personalised messages: Liquid templates (`{{first_name}}`, `{{first_name | default: "there"}}`,
//! `if`/`unless`/`case` and the text filters: see `language`) over a closed set of recipient
//! variables. A template that names a variable outside the set, or a tag or filter outside the
//! language, is refused when the campaign is created, naming it.

mod amounts;
mod errors;
mod language;
mod variables;

use crate::money::Currency;
use std::sync::OnceLock;

pub use amounts::format_amount;
pub use errors::TemplateError;
use errors::{classify, syntax};
use variables::globals;
pub use variables::{Recipient, Variable, VARIABLES};

/// The most characters a template may have.
pub const MAX_TEMPLATE_CHARS: usize = 2_000;

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

#[cfg(test)]
mod tests;
