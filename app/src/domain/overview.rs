//! The overview each role lands on: what needs its attention, the figures it
//! owns with a trend, and (operator staff) the OKR tiles. The figures are
//! compared like with like: this month so far against the same days of the
//! previous month ([`month_to_date`]), never a partial month against a whole one.

use super::okr::OkrBoard;
use super::period::Period;
use serde::{Deserialize, Serialize};

/// How urgent an attention item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Tone {
    /// Something is failing or overdue.
    Bad,
    /// Something waits for someone (acknowledged, in progress, expiring).
    Warn,
}

/// One thing that needs the reader's attention, with where to act on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Attention {
    /// How urgent.
    pub tone: Tone,
    /// What it is, in words.
    pub title: String,
    /// Why, or what to do next.
    pub detail: String,
    /// The page to act on it.
    pub href: String,
}

/// Which way a figure moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Direction {
    /// More than before.
    Up,
    /// Less than before.
    Down,
    /// The same.
    Flat,
}

/// A figure's change against the comparison window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Trend {
    /// Which way.
    pub direction: Direction,
    /// In words, with the earlier value ("up 25% on the same days last month (16)").
    pub text: String,
}

/// One figure a role owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Figure {
    /// What it counts.
    pub label: String,
    /// Its value now, formatted.
    pub value: String,
    /// Its change, where there is something to compare with.
    pub trend: Option<Trend>,
    /// What exactly it counts.
    pub note: String,
    /// Where its detail is.
    pub href: String,
}

/// One role's landing page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Overview {
    /// Whose overview ("Finance · Topicality").
    pub heading: String,
    /// What needs attention, most urgent first; empty when nothing does.
    pub attention: Vec<Attention>,
    /// What to do when nothing needs attention.
    pub all_clear: String,
    /// The figures the role owns.
    pub figures: Vec<Figure>,
    /// The OKR scoreboard (operator staff only).
    pub okrs: Option<OkrBoard>,
    /// When it was measured (ms).
    pub measured_at: i64,
}

/// A half-open time window `[from, to)` in ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First instant.
    pub from: i64,
    /// First instant after.
    pub to: i64,
}

/// This month so far, and the same stretch of the previous month (cut at that
/// month's end when it is shorter: 31 March compares with all of February).
pub fn month_to_date(now: i64) -> (Window, Window) {
    let this = Period::containing(now);
    let last = this.previous();
    let elapsed = now - this.start_ms();
    let current = Window { from: this.start_ms(), to: now + 1 };
    let previous = Window { from: last.start_ms(), to: (last.start_ms() + elapsed + 1).min(last.end_ms()) };
    (current, previous)
}

/// The change from `before` to `now`, in words after `since` ("on the same days last month").
pub fn trend(now: i64, before: i64, since: &str) -> Trend {
    let direction = match now.cmp(&before) {
        std::cmp::Ordering::Greater => Direction::Up,
        std::cmp::Ordering::Less => Direction::Down,
        std::cmp::Ordering::Equal => Direction::Flat,
    };
    let text = match (direction, before) {
        (Direction::Flat, _) => format!("no change {since} ({before})"),
        (Direction::Up, 0) => format!("new: none {since}"),
        (_, _) => {
            // Rounded towards zero: never shows more change than there was.
            let percent = (now - before).abs().saturating_mul(100) / before.abs().max(1);
            let word = if direction == Direction::Up { "up" } else { "down" };
            format!("{word} {percent}% {since} ({before})")
        }
    };
    Trend { direction, text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DAY: i64 = 86_400_000;

    fn at(text: &str) -> i64 {
        crate::domain::period::Day::parse(&text[..10]).unwrap().start_ms()
            + i64::from(text[11..13].parse::<u8>().unwrap()) * 3_600_000
    }

    #[test]
    fn month_to_date_compares_the_same_days() {
        let (now, before) = month_to_date(at("2026-12-07T03"));
        assert_eq!((now.from, now.to), (at("2026-12-01T00"), at("2026-12-07T03") + 1));
        assert_eq!((before.from, before.to), (at("2026-11-01T00"), at("2026-11-07T03") + 1));
    }

    #[test]
    fn a_longer_month_compares_with_all_of_a_shorter_one() {
        let (_, before) = month_to_date(at("2026-03-31T12"));
        assert_eq!((before.from, before.to), (at("2026-02-01T00"), at("2026-03-01T00")));
        let (_, january) = month_to_date(at("2027-01-15T00"));
        assert_eq!(january.from, at("2026-12-01T00"), "across the year");
    }

    #[test]
    fn trends_say_which_way_and_by_how_much() {
        let since = "on the same days last month";
        assert_eq!(trend(20, 16, since).text, "up 25% on the same days last month (16)");
        assert_eq!(trend(12, 16, since).direction, Direction::Down);
        assert_eq!(trend(12, 16, since).text, "down 25% on the same days last month (16)");
        assert_eq!(trend(5, 0, since).text, "new: none on the same days last month");
        assert_eq!(trend(0, 0, since).direction, Direction::Flat);
        assert_eq!(trend(2, 3, since).text, "down 33% on the same days last month (3)", "rounded towards zero");
    }

    proptest! {
        #[test]
        fn the_windows_are_as_long_or_the_earlier_is_cut_at_its_month_end(now in 0i64..4_000_000_000_000) {
            let (current, previous) = month_to_date(now);
            prop_assert!(current.from <= now && now < current.to);
            prop_assert_eq!(previous.to, current.from.min(previous.from + (current.to - current.from)));
            prop_assert!(previous.to - previous.from <= current.to - current.from);
            prop_assert!(current.from - previous.from >= 28 * DAY && current.from - previous.from <= 31 * DAY);
        }

        #[test]
        fn the_direction_matches_the_numbers(now in 0i64..1_000_000, before in 0i64..1_000_000) {
            let t = trend(now, before, "x");
            prop_assert_eq!(t.direction == Direction::Up, now > before);
            prop_assert_eq!(t.direction == Direction::Down, now < before);
        }
    }
}
