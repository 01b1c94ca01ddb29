//! When people shop: per-city weights for the hour of the day and the day of the week, in India
//! Standard Time (UTC+5:30), and the sampling of order times from them. The peaks are deliberately
//! strong so that the send-time recommendation has something real to find.

use super::sample::pick_weighted;
use rand::Rng;

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;
/// India Standard Time is UTC+5:30 all year.
const IST_OFFSET_MS: i64 = 5 * HOUR_MS + HOUR_MS / 2;

/// Relative weights of the 24 IST hours and of the days Monday..Sunday.
pub struct Rhythm {
    pub hours: [u32; 24],
    pub days: [u32; 7],
}

/// Most cities: a broad daytime, a mild evening rise, weekends heavier.
pub const BASE: Rhythm = Rhythm {
    hours: [
        2, 1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 9, 10, 10, 9, 9, 10, 11, 12, 13, 13, 11, 7, 4,
    ],
    days: [10, 10, 10, 10, 11, 14, 15],
};

/// Mumbai: the commute home and after: a sharp 19:00–22:59 peak.
pub const EVENING: Rhythm = Rhythm {
    hours: [
        3, 1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 5, 5, 5, 5, 5, 5, 6, 8, 26, 30, 30, 26, 8,
    ],
    days: [10, 10, 10, 10, 11, 13, 13],
};

/// Delhi: weekends dominate; afternoons and early evenings.
pub const WEEKEND: Rhythm = Rhythm {
    hours: [
        2, 1, 1, 1, 1, 1, 1, 2, 4, 6, 8, 10, 12, 13, 14, 15, 16, 17, 16, 14, 12, 9, 6, 3,
    ],
    days: [6, 6, 6, 6, 8, 26, 28],
};

/// Bengaluru and Pune: the lunch break (12:00–13:59) and late night (22:00–00:59), weekdays.
pub const LUNCH_AND_LATE: Rhythm = Rhythm {
    hours: [
        18, 6, 2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 26, 26, 7, 5, 5, 5, 6, 7, 8, 10, 22, 24,
    ],
    days: [12, 12, 12, 12, 12, 10, 10],
};

/// Hyderabad: late evenings (21:00–23:59).
pub const LATE_NIGHT: Rhythm = Rhythm {
    hours: [
        6, 3, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 7, 8, 10, 14, 26, 28, 24,
    ],
    days: [10, 10, 10, 10, 11, 13, 13],
};

/// Chennai and the south: early risers, 07:00–09:59.
pub const MORNING: Rhythm = Rhythm {
    hours: [
        1, 1, 1, 1, 1, 3, 8, 24, 28, 24, 10, 8, 7, 7, 6, 6, 6, 7, 8, 8, 6, 4, 2, 1,
    ],
    days: [10, 10, 10, 10, 11, 13, 15],
};

/// The IST calendar day (days since 1970-01-01 in IST) that contains `t`.
pub fn ist_day(t: i64) -> i64 {
    (t + IST_OFFSET_MS).div_euclid(DAY_MS)
}

/// The UTC millis of 00:00 IST on `day`.
pub fn ist_midnight(day: i64) -> i64 {
    day * DAY_MS - IST_OFFSET_MS
}

/// Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).
pub fn weekday(day: i64) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// A time in `[from, to]` that follows `rhythm`: a day accepted in proportion to its weekday's
/// weight, then an hour drawn from the hour weights, then a uniform minute and second.
pub fn sample_time(rng: &mut impl Rng, rhythm: &Rhythm, from: i64, to: i64) -> i64 {
    let (first, last) = (ist_day(from), ist_day(to));
    let heaviest = rhythm.days.iter().copied().max().unwrap_or(1).max(1);
    for _ in 0..64 {
        let day = rng.gen_range(first..=last);
        if rng.gen_range(0..heaviest) >= rhythm.days[weekday(day)] {
            continue;
        }
        let hour = pick_weighted(rng, &rhythm.hours) as i64;
        let t = ist_midnight(day) + hour * HOUR_MS + rng.gen_range(0..HOUR_MS);
        if (from..=to).contains(&t) {
            return t;
        }
    }
    // A window too short for the rhythm to fit (a few hours): any time in it will do.
    rng.gen_range(from..=to)
}

#[cfg(test)]
mod tests;
