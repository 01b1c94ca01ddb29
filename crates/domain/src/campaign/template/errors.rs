//! What goes wrong with a template, and Liquid's errors turned into sentences a reader can act on.

use super::MAX_TEMPLATE_CHARS;

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

/// Liquid names the missing variable in its error's context (`requested variable=x`).
pub(super) fn classify(message: &str) -> TemplateError {
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
pub(super) fn syntax(message: &str) -> String {
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
