//! Windows fixed on the calendar: this month, between two dates, since or before a date, on a day,
//! in a named month or year.

use super::Scanner;
use super::Window;
use crate::local::rules::recognisers::vocabulary::unit_days;
use chrono::{Duration, NaiveDate};

impl Scanner<'_> {
    /// "this month", "current quarter": from the period's first day.
    pub(super) fn current_period(&self, q: usize, prep: Option<&str>) -> Option<(Window, usize)> {
        if !matches!(self.word(q), "this" | "current") || matches!(prep, Some("since" | "for")) {
            return None;
        }
        let start = self.period_start(self.word(q + 1))?;
        Some((Window::Since(start), q + 2))
    }

    /// "between 2025-01-01 and 2025-06-30", "from 1 Jan to 31 Mar": both days included.
    pub(super) fn date_range(&self, p: usize) -> Option<(Window, usize)> {
        let q = self.pat(p, "between|from")?;
        let (start, q2) = self.date(q)?;
        let r = self.pat(q2, "and|to|till|until|-")?;
        let (last, e) = self.date(r)?;
        let (start, last) = (start.min(last), start.max(last));
        Some((Window::calendar(start, last + Duration::days(1)), e))
    }

    /// "since 1 Jan 2025", "after March", "from 2024": from a day, a month or a year on.
    pub(super) fn since(&self, p: usize) -> Option<(Window, usize)> {
        let q = self.pats(p, &["since|after|from", "starting|beginning from|on?"])?;
        let after = self.word(p) == "after";
        if let Some((d, e)) = self.date(q) {
            let d = if after { d + Duration::days(1) } else { d };
            return Some((Window::Since(d), e));
        }
        if let Some((start, end, e)) = self.month_period(q) {
            let from = if after { end } else { start };
            return Some((Window::Since(from), e));
        }
        let y = self.year(q)?;
        let from = if after { y + 1 } else { y };
        Some((Window::Since(NaiveDate::from_ymd_opt(from, 1, 1)?), q + 1))
    }

    /// "before 2025", "until March", "prior to 1 Jan 2026".
    pub(super) fn before(&self, p: usize) -> Option<(Window, usize)> {
        let q = self.pats(p, &["before|until|till", "prior to", "earlier than"])?;
        if let Some((d, e)) = self.date(q) {
            return Some((Window::Before(d), e));
        }
        if let Some((start, _, e)) = self.month_period(q) {
            return Some((Window::Before(start), e));
        }
        let y = self.year(q)?;
        Some((Window::Before(NaiveDate::from_ymd_opt(y, 1, 1)?), q + 1))
    }

    /// "on 2026-06-01": that one day.
    pub(super) fn on_day(&self, p: usize) -> Option<(Window, usize)> {
        let q = self.pat(p, "on")?;
        let (d, e) = self.date(q)?;
        Some((Window::calendar(d, d + Duration::days(1)), e))
    }

    /// "in March", "during 2024": that month or year.
    pub(super) fn named_period(&self, q: usize, prep: Option<&str>) -> Option<(Window, usize)> {
        if !matches!(prep, Some("in" | "during")) {
            return None;
        }
        if let Some((start, end, e)) = self.month_period(q) {
            return Some((Window::calendar(start, end), e));
        }
        let y = self
            .year(q)
            .filter(|_| unit_days(self.word(q + 1)).is_none())?;
        let start = NaiveDate::from_ymd_opt(y, 1, 1)?;
        let end = NaiveDate::from_ymd_opt(y + 1, 1, 1)?;
        Some((Window::calendar(start, end), q + 1))
    }
}
