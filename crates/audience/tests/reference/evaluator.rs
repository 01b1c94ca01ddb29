//! The reference evaluator: the meaning of a rule tree, written plainly over customers in memory. It
//! shares the compiler's stated semantics (see `compile.rs`) and nothing else.

use minicrm_domain::rules::{
    Combinator, Condition, Field, Group, Operand, Operator, Rule, Subject,
};

pub const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone)]
pub struct Order {
    pub amount: i64,
    pub completed: bool,
    pub ordered_at: i64,
    pub category: Option<String>,
    pub sku: String,
}

#[derive(Debug, Clone)]
pub struct Customer {
    pub name: String,
    pub email: Option<String>,
    pub city: Option<String>,
    pub tier: Option<String>,
    pub created_at: i64,
    pub orders: Vec<Order>,
}

impl Customer {
    fn completed(&self) -> impl Iterator<Item = &Order> {
        self.orders.iter().filter(|o| o.completed)
    }

    fn spend(&self) -> i64 {
        self.completed().map(|o| o.amount).sum()
    }

    fn count(&self) -> i64 {
        self.completed().count() as i64
    }
}

pub fn matches(group: &Group, c: &Customer, now: i64) -> bool {
    let mut results = group.rules.iter().map(|r| match r {
        Rule::Group(g) => matches(g, c, now),
        Rule::Condition(cond) => condition(cond, c, now),
    });
    let all = match group.combinator {
        Combinator::And => results.all(|r| r),
        Combinator::Or => results.any(|r| r),
    };
    all != group.not
}

fn condition(cond: &Condition, c: &Customer, now: i64) -> bool {
    let op = cond.operator;
    match &cond.subject {
        Subject::Attribute(_) => text(c.tier.as_deref(), op, &cond.operand),
        Subject::Field(f) => match f {
            Field::Name => text(Some(&c.name), op, &cond.operand),
            Field::Email => text(c.email.as_deref(), op, &cond.operand),
            Field::Phone => text(None, op, &cond.operand),
            Field::City => text(c.city.as_deref(), op, &cond.operand),
            Field::CreatedAt => date(Some(c.created_at), op, &cond.operand, now),
            Field::TotalSpend => number(Some(c.spend()), op, &cond.operand),
            Field::OrderCount => number(Some(c.count()), op, &cond.operand),
            Field::AvgOrderValue => {
                let avg = if c.count() > 0 {
                    (c.spend() + c.count() / 2) / c.count()
                } else {
                    0
                };
                number(Some(avg), op, &cond.operand)
            }
            Field::FirstOrderAt => date(
                c.completed().map(|o| o.ordered_at).min(),
                op,
                &cond.operand,
                now,
            ),
            Field::LastOrderAt => date(
                c.completed().map(|o| o.ordered_at).max(),
                op,
                &cond.operand,
                now,
            ),
            Field::OrdersInLastDays | Field::SpendInLastDays => {
                window(*f, c, op, &cond.operand, now)
            }
            Field::BoughtSku | Field::BoughtCategory => bought(*f, c, op, &cond.operand),
        },
    }
}

fn text(value: Option<&str>, op: Operator, operand: &Operand) -> bool {
    let v = value.map(str::to_lowercase);
    match (op, operand, v) {
        (Operator::IsNull, _, v) => v.is_none(),
        (Operator::IsNotNull, _, v) => v.is_some(),
        (Operator::Ne | Operator::NotContains | Operator::NotIn, _, None) => true,
        (_, _, None) => false,
        (Operator::Eq, Operand::Text(t), Some(v)) => v == *t,
        (Operator::Ne, Operand::Text(t), Some(v)) => v != *t,
        (Operator::Contains, Operand::Text(t), Some(v)) => v.contains(t.as_str()),
        (Operator::NotContains, Operand::Text(t), Some(v)) => !v.contains(t.as_str()),
        (Operator::BeginsWith, Operand::Text(t), Some(v)) => v.starts_with(t.as_str()),
        (Operator::EndsWith, Operand::Text(t), Some(v)) => v.ends_with(t.as_str()),
        (Operator::In, Operand::Texts(ts), Some(v)) => ts.contains(&v),
        (Operator::NotIn, Operand::Texts(ts), Some(v)) => !ts.contains(&v),
        other => panic!("not a text test: {other:?}"),
    }
}

fn number(value: Option<i64>, op: Operator, operand: &Operand) -> bool {
    let Some(v) = value else {
        return matches!(op, Operator::Ne | Operator::NotBetween | Operator::IsNull);
    };
    match (op, operand) {
        (Operator::Eq, Operand::Number(n)) => v == *n,
        (Operator::Ne, Operand::Number(n)) => v != *n,
        (Operator::Lt, Operand::Number(n)) => v < *n,
        (Operator::Le, Operand::Number(n)) => v <= *n,
        (Operator::Gt, Operand::Number(n)) => v > *n,
        (Operator::Ge, Operand::Number(n)) => v >= *n,
        (Operator::Between, Operand::Range(l, h)) => (*l..=*h).contains(&v),
        (Operator::NotBetween, Operand::Range(l, h)) => !(*l..=*h).contains(&v),
        (Operator::In, Operand::Numbers(ns)) => ns.contains(&v),
        (Operator::NotIn, Operand::Numbers(ns)) => !ns.contains(&v),
        (Operator::IsNull, _) => false,
        (Operator::IsNotNull, _) => true,
        other => panic!("not a number test: {other:?}"),
    }
}

fn date(value: Option<i64>, op: Operator, operand: &Operand, now: i64) -> bool {
    match (op, operand) {
        (Operator::WithinLastDays, Operand::Days(d)) => {
            value.is_some_and(|v| v >= now - i64::from(*d) * DAY_MS)
        }
        (Operator::OlderThanDays, Operand::Days(d)) => {
            value.is_none_or(|v| v < now - i64::from(*d) * DAY_MS)
        }
        (op, Operand::Time(t)) => number(value, op, &Operand::Number(t.millis())),
        (op, Operand::TimeRange(l, h)) => {
            number(value, op, &Operand::Range(l.millis(), h.millis()))
        }
        (op, operand) => number(value, op, operand),
    }
}

fn window(field: Field, c: &Customer, op: Operator, operand: &Operand, now: i64) -> bool {
    let Operand::Window { days, operand } = operand else {
        panic!("a window without days")
    };
    let recent = c
        .completed()
        .filter(|o| o.ordered_at >= now - i64::from(*days) * DAY_MS);
    let measure = match field {
        Field::OrdersInLastDays => recent.count() as i64,
        _ => recent.map(|o| o.amount).sum(),
    };
    number(Some(measure), op, operand)
}

fn bought(field: Field, c: &Customer, op: Operator, operand: &Operand) -> bool {
    let value = |o: &Order| match field {
        Field::BoughtSku => Some(o.sku.clone()),
        _ => o.category.clone(),
    };
    let positive = match op {
        Operator::Ne => Operator::Eq,
        Operator::NotContains => Operator::Contains,
        Operator::NotIn => Operator::In,
        Operator::IsNull | Operator::IsNotNull => Operator::IsNotNull,
        other => other,
    };
    let any = c
        .completed()
        .any(|o| text(value(o).as_deref(), positive, operand));
    match op {
        Operator::Ne | Operator::NotContains | Operator::NotIn | Operator::IsNull => !any,
        _ => any,
    }
}
