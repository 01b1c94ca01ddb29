//! Stretches of time — "in the last 30 days", "this month", "since 1 Jan 2025", "before 2025", "a year
//! ago" — and the date conditions they become.

use super::vocabulary::unit_days;
use super::Scanner;
use crate::local::rules::tree::{all_of, condition, Rule, Value};
use chrono::{Duration, NaiveDate};
use minicrm_domain::rules::{Field, Operator};

mod dated;
mod days;

/// A stretch of time read from text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Window {
    /// The last N days.
    Days(u32),
    /// From this day on ("this month", "since 1 Jan 2025").
    Since(NaiveDate),
    /// Before this day.
    Before(NaiveDate),
    /// A calendar period [start, end); `approx` is its length in days when "last month" may also
    /// be read as "the last 30 days".
    Period {
        start: NaiveDate,
        end: NaiveDate,
        approx: Option<u32>,
    },
}

impl Window {
    /// The calendar period [start, end).
    fn calendar(start: NaiveDate, end: NaiveDate) -> Window {
        Window::Period {
            start,
            end,
            approx: None,
        }
    }

    /// A date field in the window: within N days, on or after a day, before a day, in a period.
    pub(super) fn date_condition(self, field: Field) -> Rule {
        match self {
            Window::Days(d) => condition(field, Operator::WithinLastDays, Value::Days(d)),
            Window::Since(d) => condition(field, Operator::Ge, Value::Date(d)),
            Window::Before(d) => condition(field, Operator::Lt, Value::Date(d)),
            Window::Period { start, end, .. } => all_of(vec![
                condition(field, Operator::Ge, Value::Date(start)),
                condition(field, Operator::Lt, Value::Date(end)),
            ]),
        }
    }

    /// "Ordered in this window": the last order is in it (or, for "before", the first order is).
    pub(super) fn ordered_in(self) -> Option<Rule> {
        let last_order = |op, value| condition(Field::LastOrderAt, op, value);
        match self {
            Window::Days(d) => Some(last_order(Operator::WithinLastDays, Value::Days(d))),
            Window::Since(d) => Some(last_order(Operator::Ge, Value::Date(d))),
            Window::Before(d) => Some(condition(Field::FirstOrderAt, Operator::Lt, Value::Date(d))),
            Window::Period {
                approx: Some(d), ..
            } => Some(last_order(Operator::WithinLastDays, Value::Days(d))),
            Window::Period { approx: None, .. } => None,
        }
    }
}

impl Scanner<'_> {
    /// A stretch of time: "in the last 30 days", "in 6 months", "this month", "recently",
    /// "since 1 Jan 2025", "before 2025", "in March", "last year".
    pub(super) fn window(&self, p: usize) -> Option<(Window, usize)> {
        let prep = match self.word(p) {
            w @ ("in" | "within" | "during" | "over" | "for" | "since" | "from") => Some(w),
            _ => None,
        };
        let q = if prep.is_some() { p + 1 } else { p };
        let the = self.word(q) == "the";
        let r = if the { q + 1 } else { q };
        if matches!(
            self.word(r),
            "last" | "past" | "previous" | "preceding" | "trailing" | "recent"
        ) {
            return self.last(r, the || prep.is_some());
        }
        if the {
            return None;
        }
        self.lasting(q, prep)
            .or_else(|| self.current_period(q, prep))
            .or_else(|| self.near(p, q, prep))
            .or_else(|| self.date_range(p))
            .or_else(|| self.since(p))
            .or_else(|| self.before(p))
            .or_else(|| self.on_day(p))
            .or_else(|| self.named_period(q, prep))
    }

    /// After "last", "past", "previous"…: "6 months", "month". "Last month" alone is the calendar
    /// month before this one (or, for a rolling window, the last 30 days).
    fn last(&self, r: usize, rolling: bool) -> Option<(Window, usize)> {
        if let Some((d, e)) = self.duration(r + 1) {
            return Some((Window::Days(d), e));
        }
        let unit = self.word(r + 1);
        let days = unit_days(unit)?;
        if rolling || self.word(r) != "last" {
            return Some((Window::Days(days), r + 2));
        }
        let (start, end) = self.previous_period(unit.trim_end_matches('s'))?;
        let window = Window::Period {
            start,
            end,
            approx: Some(days),
        };
        Some((window, r + 2))
    }

    /// "in 6 months", "in over 3 months", "for more than 90 days": the same window.
    fn lasting(&self, q: usize, prep: Option<&str>) -> Option<(Window, usize)> {
        if !matches!(
            prep,
            Some("in" | "within" | "for" | "since" | "over" | "during")
        ) {
            return None;
        }
        let q = self
            .pats(
                q,
                &["over|about|around|nearly|almost", "more than", "at least"],
            )
            .unwrap_or(q);
        let (d, e) = self.duration(q)?;
        Some((Window::Days(d), e))
    }

    /// "today", "yesterday", "recently", "in a while".
    fn near(&self, p: usize, q: usize, prep: Option<&str>) -> Option<(Window, usize)> {
        if self.word(q) == "today" && prep.is_none() {
            return Some((Window::Since(self.today), q + 1));
        }
        if self.word(q) == "yesterday" && prep.is_none() {
            let window = Window::Period {
                start: self.today - Duration::days(1),
                end: self.today,
                approx: Some(1),
            };
            return Some((window, q + 1));
        }
        if prep.is_none() {
            if let Some(e) = self.pats(p, &["recently|lately", "of late"]) {
                return Some((Window::Days(30), e));
            }
        }
        if matches!(prep, Some("in" | "for")) {
            if let Some(e) = self.pats(q, &["a while", "a long time", "long", "ages", "a bit"]) {
                return Some((Window::Days(90), e));
            }
        }
        None
    }

    /// A window at q if there is one, and where the text goes on.
    pub(super) fn optional_window(&self, q: usize) -> (Option<Window>, usize) {
        match self.window(q) {
            Some((w, e)) => (Some(w), e),
            None => (None, q),
        }
    }
}
