//! When customers ordered and joined: "lapsed", "inactive for 90 days", "first order more than a year
//! ago", "joined this month", "customers for over a year".

use super::windows::Window;
use super::{Found, Scanner};
use crate::local::rules::tree::{condition, Value};
use minicrm_domain::rules::{Field, Operator};

impl Scanner<'_> {
    /// "lapsed", "inactive for 90 days", "dormant", "active in the past month", "recently active".
    pub(super) fn activity(&self, p: usize) -> Found {
        if let Some(e) = self.pats(
            p,
            &[
                "lapsed|inactive|dormant|churned|idle|lapsing|churning",
                "not active",
                "win-back",
            ],
        ) {
            return self.inactive(e);
        }
        let e = self.pats(
            p,
            &[
                "active|engaged|activity|engagement",
                "recently|currently active|engaged",
                "active recently|lately",
            ],
        )?;
        let (w, e) = self.window(e).unwrap_or((Window::Days(30), e));
        Some((w.ordered_in()?, e))
    }

    /// After "lapsed", "inactive" (e): for how long — "for 90 days", "since March", "6 months" —
    /// or 90 days when the prompt does not say.
    fn inactive(&self, e: usize) -> Found {
        let e = self.skip(e, &["customers", "users", "members", "shoppers", "buyers"]);
        let q = self.pat(e, "for|since|in").unwrap_or(e);
        let older = |days| {
            condition(
                Field::LastOrderAt,
                Operator::OlderThanDays,
                Value::Days(days),
            )
        };
        if let Some((op, days, e2)) = self.ago(q, false) {
            if op == Operator::OlderThanDays {
                return Some((older(days), e2));
            }
        }
        if let Some((w, e2)) = self.window(e) {
            return Some((older(self.older_days(w)?), e2));
        }
        if let Some((days, e2)) = self.duration(q) {
            return Some((older(days), e2));
        }
        Some((older(90), e))
    }

    /// "first order more than a year ago", "last purchase in the last 30 days", "last order before 2025".
    pub(super) fn first_last(&self, p: usize) -> Found {
        const NOUN: &str = "order|orders|purchase|purchases|transaction|transactions|ordered|purchased|bought|shopped|transacted|order-date";
        let last = self.pats(
            p,
            &[
                &format!("last|latest {NOUN}"),
                &format!("most recent {NOUN}"),
                &format!("placed|made their|a|the|his|her? last|latest {NOUN}"),
            ],
        );
        let first = self.pats(
            p,
            &[
                &format!("first {NOUN}"),
                &format!("placed|made their|a|the|his|her? first {NOUN}"),
            ],
        );
        let (field, q) = match (last, first) {
            (Some(q), _) => (Field::LastOrderAt, q),
            (None, Some(q)) => (Field::FirstOrderAt, q),
            _ => return None,
        };
        let q = self.skip(
            q,
            &[
                "date",
                "was",
                "is",
                "placed",
                "made",
                "happened",
                "being",
                "something",
                "anything",
            ],
        );
        if let Some((op, days, e)) = self.ago(q, false) {
            return Some((condition(field, op, Value::Days(days)), e));
        }
        let (w, e) = self.window(q)?;
        Some((w.date_condition(field), e))
    }

    /// "joined this month", "signed up in the last 10 days", "registered before 2025".
    pub(super) fn joined(&self, p: usize) -> Found {
        let q = self.pats(
            p,
            &[
                "joined|join|joining|registered|onboarded|acquired|created",
                "signed|sign up|on",
                "signed-up|signup|signups|sign-up|sign-ups|registration|registrations",
                "account|accounts created|opened",
                "created|opened an|their|a? account|accounts",
                "became|become a? customer|customers|member|members",
                "customer|member since",
            ],
        )?;
        // "customer since 2024": the window starts at "since".
        if self.word(q - 1) == "since" {
            let (w, e) = self.window(q - 1)?;
            return Some((w.date_condition(Field::CreatedAt), e));
        }
        let q = self
            .pats(q, &["us", "with us", "the platform|app|store"])
            .unwrap_or(q);
        if let Some((op, days, e)) = self.ago(q, false) {
            return Some((condition(Field::CreatedAt, op, Value::Days(days)), e));
        }
        let (w, e) = self.window(q)?;
        Some((w.date_condition(Field::CreatedAt), e))
    }

    /// "customers for over a year", "with us for less than 3 months".
    pub(super) fn tenure(&self, p: usize) -> Found {
        let q = self.pats(
            p,
            &[
                "customers|customer|members|member|subscribers for",
                "been with us for",
                "with us for",
                "been a? customer|customers|member|members for",
            ],
        )?;
        let (op, days, e) = self.ago(q, false).or_else(|| {
            let (d, e) = self.duration(q)?;
            Some((Operator::OlderThanDays, d, e))
        })?;
        Some((condition(Field::CreatedAt, op, Value::Days(days)), e))
    }
}
