//! Durations ("6 months"), days (2025-01-31, 31 Jan 2025), months and years, and calendar periods in
//! the Asia/Kolkata calendar.

use super::vocabulary::{month_number, unit_days};
use super::Scanner;
use crate::local::rules::lexer::{Number, TokenKind, SCALE};
use chrono::{Datelike, Duration, NaiveDate};

impl Scanner<'_> {
    /// "6 months", "a year", "2 weeks".
    pub(super) fn duration(&self, p: usize) -> Option<(u32, usize)> {
        let (n, q) = match (self.number(p), self.word(p)) {
            (Some(n), _) if !n.money => (n.scaled, p + 1),
            (None, "a" | "an") => (SCALE, p + 1),
            _ => return None,
        };
        let unit = i128::from(unit_days(self.word(q))?);
        let days = (n * unit + SCALE / 2) / SCALE;
        let days = u32::try_from(days)
            .ok()
            .filter(|d| (1..=36_500).contains(d))?;
        Some((days, q + 1))
    }

    /// The first day of this week (Monday), month, quarter or year.
    pub(super) fn period_start(&self, unit: &str) -> Option<NaiveDate> {
        let t = self.today;
        match unit {
            "week" => Some(t - Duration::days(i64::from(t.weekday().num_days_from_monday()))),
            "month" => t.with_day(1),
            "quarter" => NaiveDate::from_ymd_opt(t.year(), (t.month() - 1) / 3 * 3 + 1, 1),
            "year" => NaiveDate::from_ymd_opt(t.year(), 1, 1),
            _ => None,
        }
    }

    /// The week, month, quarter or year before this one: [start, end).
    pub(super) fn previous_period(&self, unit: &str) -> Option<(NaiveDate, NaiveDate)> {
        let end = self.period_start(unit)?;
        let start = match unit {
            "week" => end - Duration::days(7),
            "month" => (end - Duration::days(1)).with_day(1)?,
            "quarter" => {
                let before = end - Duration::days(1);
                NaiveDate::from_ymd_opt(before.year(), (before.month() - 1) / 3 * 3 + 1, 1)?
            }
            _ => NaiveDate::from_ymd_opt(end.year() - 1, 1, 1)?,
        };
        Some((start, end))
    }

    /// A year: four digits as written ("2k" is an amount, not the year 2000).
    pub(super) fn year(&self, p: usize) -> Option<i32> {
        let n = self.number(p)?;
        let raw = self.raw(p, p + 1);
        if n.money || raw.len() != 4 || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let y = n.whole()?;
        (1900..=2100).contains(&y).then_some(y as i32)
    }

    /// A month by name, with an optional year: the most recent such month when no year is given.
    pub(super) fn month_period(&self, p: usize) -> Option<(NaiveDate, NaiveDate, usize)> {
        let m = month_number(self.word(p))?;
        let (y, end) = match self.year(p + 1) {
            Some(y) => (y, p + 2),
            None if m <= self.today.month() => (self.today.year(), p + 1),
            None => (self.today.year() - 1, p + 1),
        };
        let start = NaiveDate::from_ymd_opt(y, m, 1)?;
        let next = if m == 12 {
            NaiveDate::from_ymd_opt(y + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(y, m + 1, 1)?
        };
        Some((start, next, end))
    }

    /// A day: 2025-01-31, 31/01/2025, 31 Jan 2025, Jan 31 2025, January 31.
    pub(super) fn date(&self, p: usize) -> Option<(NaiveDate, usize)> {
        if let Some(TokenKind::Date(d)) = self.kind(p) {
            return Some((*d, p + 1));
        }
        let day = |q: usize| {
            self.number(q)
                .filter(|n| !n.money)
                .and_then(Number::whole)
                .filter(|d| (1..=31).contains(d))
        };
        let (d, m, q) = if let (Some(d), Some(m)) = (day(p), month_number(self.word(p + 1))) {
            (d, m, p + 2)
        } else if let (Some(m), Some(d)) = (month_number(self.word(p)), day(p + 1)) {
            (d, m, p + 2)
        } else {
            return None;
        };
        let q2 = self.skip(q, &[","]);
        let (y, end) = match self.year(q2) {
            Some(y) => (y, q2 + 1),
            None => (self.today.year(), q),
        };
        Some((NaiveDate::from_ymd_opt(y, m, d as u32)?, end))
    }
}
