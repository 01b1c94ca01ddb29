//! A window as days counted back from today: for the rolling windows of orders and spend, for "a year
//! ago", and for "inactive for this long".

use super::Scanner;
use super::Window;
use minicrm_domain::rules::Operator;

impl Scanner<'_> {
    /// The days of a window, for the rolling windows of orders and spend.
    pub(in crate::local::rules::recognisers) fn window_days(&self, w: Window) -> Option<u32> {
        match w {
            Window::Days(d) => Some(d),
            Window::Since(d) => u32::try_from((self.today - d).num_days() + 1)
                .ok()
                .filter(|n| (1..=36_500).contains(n)),
            Window::Period {
                approx: Some(d), ..
            } => Some(d),
            _ => None,
        }
    }

    /// "more than 90 days ago", "a year ago", "less than a week ago": (older?, days, end).
    pub(in crate::local::rules::recognisers) fn ago(
        &self,
        p: usize,
        need_ago: bool,
    ) -> Option<(Operator, u32, usize)> {
        let (op, q) = if let Some(q) = self.pats(
            p,
            &[
                "more|longer|greater than|then",
                "over|above|beyond",
                "at least",
                "atleast",
                "upwards of",
            ],
        ) {
            (Some(Operator::OlderThanDays), q)
        } else if let Some(q) = self.pats(
            p,
            &[
                "less|fewer than|then",
                "under|within",
                "at most",
                "no more than",
                "not more than",
                "up to",
            ],
        ) {
            (Some(Operator::WithinLastDays), q)
        } else {
            (None, p)
        };
        let (days, e) = self.duration(q)?;
        if let Some(e2) = self.pat(e, "ago|back|earlier") {
            return Some((op.unwrap_or(Operator::OlderThanDays), days, e2));
        }
        match op {
            Some(op) if !need_ago => Some((op, days, e)),
            _ => None,
        }
    }

    /// "Inactive for this long": the days of the window, with no order in them.
    pub(in crate::local::rules::recognisers) fn older_days(&self, w: Window) -> Option<u32> {
        match w {
            Window::Since(d) => u32::try_from((self.today - d).num_days().max(1)).ok(),
            other => self.window_days(other),
        }
    }
}
