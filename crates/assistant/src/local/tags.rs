//! Tags a campaign earns from its audience rules and its objective, so campaigns can be found and
//! compared by kind: `win-back`, `high-value`, `new-customers`, `repeat-buyers`, `one-time-buyers`,
//! `never-ordered`, `recent-buyers`, `city-targeted`, and the objective's own (`festive`, …).

use super::messages::Objective;
use minicrm_domain::rules::{Field, Group, Operand, Operator, Rule, Subject};

// Spend from which an audience counts as high value, in minor units of the store's currency (₹10,000).
const HIGH_VALUE_MINOR: i64 = 1_000_000;

fn conditions<'a>(
    group: &'a Group,
    negated: bool,
    out: &mut Vec<(&'a minicrm_domain::rules::Condition, bool)>,
) {
    for rule in &group.rules {
        match rule {
            Rule::Condition(c) => out.push((c, negated != group.not)),
            Rule::Group(g) => conditions(g, negated != group.not, out),
        }
    }
}

/// The tags of an audience and objective, in a stable order, without repeats.
pub fn tags(rules: &Group, objective: Option<&str>, minor_per_major: i64) -> Vec<String> {
    let mut found: Vec<&'static str> = Vec::new();
    let mut add = |tag: &'static str| {
        if !found.contains(&tag) {
            found.push(tag);
        }
    };
    let mut list = Vec::new();
    conditions(rules, false, &mut list);
    let high = HIGH_VALUE_MINOR * minor_per_major / 100;
    for (c, negated) in list {
        if negated {
            continue;
        }
        let number = |o: &Operand| match o {
            Operand::Number(n) => Some(*n),
            Operand::Range(low, _) => Some(*low),
            _ => None,
        };
        match (&c.subject, c.operator) {
            (Subject::Field(Field::LastOrderAt), Operator::OlderThanDays) => add("win-back"),
            (Subject::Field(Field::LastOrderAt), Operator::WithinLastDays) => add("recent-buyers"),
            (
                Subject::Field(Field::CreatedAt),
                Operator::WithinLastDays | Operator::Gt | Operator::Ge,
            ) => add("new-customers"),
            (
                Subject::Field(Field::TotalSpend | Field::AvgOrderValue),
                Operator::Gt | Operator::Ge | Operator::Between,
            ) if number(&c.operand).is_some_and(|n| n >= high) => add("high-value"),
            (Subject::Attribute(key), Operator::Eq | Operator::In) if key == "tier" => {
                match &c.operand {
                    Operand::Text(t) if t == "gold" || t == "platinum" => add("high-value"),
                    Operand::Texts(ts) if ts.iter().all(|t| t == "gold" || t == "platinum") => {
                        add("high-value")
                    }
                    _ => {}
                }
            }
            (Subject::Field(Field::OrderCount), op) => match (op, number(&c.operand)) {
                (Operator::Eq, Some(0)) | (Operator::Lt, Some(1)) => add("never-ordered"),
                (Operator::Eq, Some(1)) => add("one-time-buyers"),
                (Operator::Ge, Some(n)) if n >= 2 => add("repeat-buyers"),
                (Operator::Gt, Some(n)) if n >= 1 => add("repeat-buyers"),
                _ => {}
            },
            (Subject::Field(Field::City), Operator::Eq | Operator::In) => add("city-targeted"),
            _ => {}
        }
    }
    if let Some(objective) = objective {
        match Objective::read(objective) {
            Objective::WinBack => add("win-back"),
            Objective::FestiveSale => add("festive"),
            Objective::NewArrivals => add("new-arrivals"),
            Objective::LoyaltyReward => add("loyalty"),
            Objective::CartReminder => add("cart-reminder"),
            Objective::ReEngagement => add("re-engagement"),
            Objective::Welcome => add("new-customers"),
            Objective::Other => {}
        }
    }
    found.into_iter().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests;
