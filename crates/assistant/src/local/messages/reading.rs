//! What a request asks for: the objective, read from the marketer's words, and the tone of voice.

use serde::Serialize;

/// The objectives the local provider writes for; any other text is `other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    WinBack,
    NewArrivals,
    FestiveSale,
    LoyaltyReward,
    CartReminder,
    ReEngagement,
    Welcome,
    Other,
}

impl Objective {
    /// Reads an objective as marketers name it ("win-back", "Diwali sale", "abandoned cart", …).
    pub fn read(text: &str) -> Objective {
        let t = text.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
        if has(&[
            "win back",
            "win-back",
            "winback",
            "lapsed",
            "come back",
            "miss you",
        ]) {
            Objective::WinBack
        } else if has(&["cart", "basket", "checkout", "left behind"]) {
            Objective::CartReminder
        } else if has(&[
            "festive",
            "festival",
            "diwali",
            "holi",
            "eid",
            "christmas",
            "navratri",
            "pongal",
            "onam",
            "new year",
            "sale",
        ]) {
            Objective::FestiveSale
        } else if has(&[
            "new arrival",
            "new collection",
            "launch",
            "just in",
            "new in",
            "new range",
        ]) {
            Objective::NewArrivals
        } else if has(&["loyal", "reward", "vip", "thank", "points", "tier"]) {
            Objective::LoyaltyReward
        } else if has(&[
            "re-engage",
            "reengage",
            "re engage",
            "inactive",
            "dormant",
            "engagement",
        ]) {
            Objective::ReEngagement
        } else if has(&[
            "welcome",
            "onboard",
            "first order",
            "new customer",
            "signed up",
        ]) {
            Objective::Welcome
        } else {
            Objective::Other
        }
    }
}

/// Tone of voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Friendly,
    Urgent,
    Premium,
    Playful,
}

impl Tone {
    pub fn read(text: Option<&str>) -> Tone {
        let t = text.unwrap_or_default().to_lowercase();
        if t.contains("urgent") || t.contains("fomo") || t.contains("bold") {
            Tone::Urgent
        } else if t.contains("premium")
            || t.contains("formal")
            || t.contains("elegant")
            || t.contains("luxury")
        {
            Tone::Premium
        } else if t.contains("playful")
            || t.contains("fun")
            || t.contains("witty")
            || t.contains("casual")
        {
            Tone::Playful
        } else {
            Tone::Friendly
        }
    }
}
