//! Names: "named Asha", "called Priya or Neha", "name contains verma", "whose name starts with A".

use super::vocabulary::NEGATORS;
use super::{Found, Scanner};
use crate::local::rules::lexer::TokenKind;
use crate::local::rules::tree::{combine, condition, Value};
use minicrm_domain::rules::{Combinator, Field, Operator};

impl Scanner<'_> {
    /// "named Asha", "name contains verma", "whose name starts with A".
    pub(super) fn name(&self, p: usize) -> Found {
        const OPS: &str =
            "is|includes|including|contains|containing|has|having|like|matching|matches|with|:|=";
        let contains = format!("by|with? the? name|names {OPS}?");
        let forms: &[(&str, Operator)] = &[
            ("named|called", Operator::Contains),
            (&contains, Operator::Contains),
            ("by|with? the? name|names is exactly", Operator::Eq),
            ("by|with? the? name|names equals|equalling", Operator::Eq),
            (
                "by|with? the? name|names starting|starts|beginning|begins with",
                Operator::BeginsWith,
            ),
            (
                "by|with? the? name|names ending|ends with",
                Operator::EndsWith,
            ),
        ];
        let (op, q) = forms
            .iter()
            .filter_map(|(pt, op)| self.pat(p, pt).map(|e| (*op, e)))
            .max_by_key(|(_, e)| *e)?;
        let value = |r: usize| match self.kind(r)? {
            TokenKind::Quoted(s) => Some((s.to_lowercase(), r + 1)),
            TokenKind::Word(w) if !self.is_connector(r) && !NEGATORS.contains(&w.as_str()) => {
                let mut e = r + 1;
                while e < r + 4 && self.plain(e).is_some() && self.capitalised(e) {
                    e += 1;
                }
                Some((self.raw(r, e).to_lowercase(), e))
            }
            _ => None,
        };
        // "called Priya or Neha": either name.
        let (names, e, _) = self.list(q, &[], |r| {
            if r == q || self.capitalised(r) || matches!(self.kind(r), Some(TokenKind::Quoted(_))) {
                value(r)
            } else {
                None
            }
        })?;
        let conds = names
            .into_iter()
            .map(|n| condition(Field::Name, op, Value::Text(n)))
            .collect();
        Some((combine(Combinator::Or, conds)?, e))
    }
}
