//! Paging through a newest-first listing: a cursor names the last row shown
//! (its time and id), and the next page holds the rows strictly older.
//! Written `MS.ID` in a URL (`?before=1796000000000.ver_01…`).

use super::AppError;
use serde::{Deserialize, Serialize};

/// The last row of a page: the next page starts after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The row's time (ms).
    pub at: i64,
    /// The row's id (ties on `at` are broken by id, newest first).
    pub id: String,
}

impl Cursor {
    /// Parses `MS.ID`; blank is `None` (the first page).
    pub fn parse(text: &str) -> Result<Option<Self>, AppError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let bad = || AppError::invalid("Page", "this page link is damaged: go back to the newest entries");
        let (at, id) = text.split_once('.').ok_or_else(bad)?;
        let at: i64 = at.parse().map_err(|_| bad())?;
        if at < 0 || id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(bad());
        }
        Ok(Some(Self { at, id: id.to_owned() }))
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.at, self.id)
    }
}

/// One page of a newest-first listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The rows, newest first.
    pub rows: Vec<T>,
    /// Where the next (older) page starts, when there may be one.
    pub older: Option<Cursor>,
}

impl<T> Page<T> {
    /// A page from up to `limit + 1` rows read newest first: the extra row
    /// only tells that an older page exists. `key` gives a row's cursor.
    pub fn of(mut rows: Vec<T>, limit: usize, key: impl Fn(&T) -> Cursor) -> Self {
        let more = rows.len() > limit;
        rows.truncate(limit);
        let older = if more { rows.last().map(key) } else { None };
        Self { rows, older }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_damaged_ones_are_refused() {
        let c = Cursor { at: 1_796_000_000_000, id: "ver_01kbx6z8q4w2n3m5p7r9t1v3x5".into() };
        assert_eq!(Cursor::parse(&c.to_string()).unwrap(), Some(c));
        assert_eq!(Cursor::parse(" ").unwrap(), None);
        for bad in ["123", "x.ver_1", "-1.ver_1", "12.", "12.ver'1", "12.a b"] {
            assert!(Cursor::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_page_knows_whether_an_older_one_exists() {
        let key = |n: &i64| Cursor { at: *n, id: format!("r{n}") };
        let full = Page::of(vec![5, 4, 3], 2, key);
        assert_eq!((full.rows, full.older.map(|c| c.at)), (vec![5, 4], Some(4)));
        let last = Page::of(vec![2, 1], 2, key);
        assert_eq!((last.rows, last.older), (vec![2, 1], None));
    }
}
