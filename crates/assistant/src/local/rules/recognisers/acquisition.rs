//! Acquisition channels: "acquired through ads", "referral customers", "organic", "acquisition
//! channel is instagram", "joined via referral in the last 30 days".

use super::{Found, Scanner};
use crate::local::rules::tree::{all_of, attribute, text_condition};
use minicrm_domain::rules::Field;

impl Scanner<'_> {
    /// "acquired through ads", "referral customers", "organic", "acquisition channel is instagram".
    pub(super) fn acquisition(&self, p: usize) -> Found {
        if let Some(q) = self.pats(
            p,
            &[
                "acquired|sourced|came|coming|come|joined|arrived|converted|registered|found|signed-up through|via|thru|by|using|with|from|on",
                "signed|brought up|in through|via|thru|by|using|with|from|on",
                "who came from|through|via",
            ],
        ) {
            return self.acquired_via(p, q);
        }
        if let Some(q) = self.pats(
            p,
            &[
                "acquisition|traffic|lead|marketing channel|source|medium",
                "acquisition|channel",
                "acquisition channel|source|medium",
            ],
        ) {
            return self.acquisition_named(q);
        }
        self.acquisition_alone(p)
    }

    /// After "acquired through", "came from", "signed up via" (q): the channels, and — after
    /// "joined via referral in the last 30 days" — when, too.
    fn acquired_via(&self, p: usize, q: usize) -> Found {
        let from = self.word(q - 1) == "from";
        let q = self.skip(q, &["a", "an", "the", "our"]);
        let item = |x: usize| {
            self.acquisition_word(x)
                .or_else(|| if from { None } else { self.value_word(x) })
        };
        let (vals, e, _) = self.list(q, &[], item)?;
        let e = self.pat(e, "channel|campaigns|campaign").unwrap_or(e);
        let channel = text_condition(attribute("acquisition"), false, vals);
        let joining = matches!(
            self.word(p),
            "joined" | "signed" | "signed-up" | "registered" | "acquired"
        );
        if let Some((w, e2)) = self.window(e).filter(|_| joining) {
            let joined = w.date_condition(Field::CreatedAt);
            return Some((all_of(vec![channel, joined]), e2));
        }
        Some((channel, e))
    }

    /// After "acquisition channel" (q): "is instagram", "is not ads".
    fn acquisition_named(&self, q: usize) -> Found {
        let (negated, q) = self.attribute_op(q)?;
        let item = |x: usize| self.acquisition_word(x).or_else(|| self.listed_value(x, q));
        let (vals, e, _) = self.list(q, &[], item)?;
        Some((text_condition(attribute("acquisition"), negated, vals), e))
    }

    /// A channel alone: "ads", "referral customers", "organic".
    fn acquisition_alone(&self, p: usize) -> Found {
        let (vals, e, _) = self.list(p, &[], |x| self.acquisition_word(x))?;
        let e = self
            .pats(
                e,
                &[
                    "customers|users|signups|channel|acquired|acquisitions|leads",
                    "by a? friend|friends|someone",
                    "as|via the|their? acquisition|marketing channel|source",
                    "as|via the|their? acquisition|marketing? channel|source",
                ],
            )
            .unwrap_or(e);
        Some((text_condition(attribute("acquisition"), false, vals), e))
    }

    /// A channel by any of its names: ads, referral or organic.
    fn acquisition_word(&self, p: usize) -> Option<(String, usize)> {
        if let Some(e) = self.pats(
            p,
            &[
                "paid|google|facebook|instagram|meta? ads|ad|advertising|advertisements|adverts|advert|advertisement",
                "ads|ad|advertising|advertisements|adverts|advert|advertisement campaigns|campaign?",
                "ad-driven|paid-ads",
            ],
        ) {
            return Some(("ads".into(), e));
        }
        if let Some(e) = self.pats(
            p,
            &[
                "friend|customer? referral|referrals|referred|referal|refferal program|programme|link|links|code|codes?",
                "word of mouth",
            ],
        ) {
            return Some(("referral".into(), e));
        }
        if let Some(e) = self.pat(p, "organic|organically search|traffic|reach?") {
            return Some(("organic".into(), e));
        }
        None
    }
}
