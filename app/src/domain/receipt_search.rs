//! What the Receipts page's search box accepts: a receipt's id (the same as
//! its verification's, `ver_…`) or a subject's SHA-256, whole or its start.

use super::AppError;
use super::ids::VerificationId;

/// Shortest digest start searched for (shorter ones match too much to help).
pub const MIN_DIGEST_CHARS: usize = 6;

/// A checked search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptSearch {
    /// This receipt.
    Id(VerificationId),
    /// Receipts whose subject's SHA-256 starts with these lowercase hex digits.
    Subject(String),
}

impl ReceiptSearch {
    /// Parses the box; blank is `None` (every receipt). `sha256:` in front of
    /// a digest and upper-case hex are accepted.
    pub fn parse(q: &str) -> Result<Option<Self>, AppError> {
        let q = q.trim();
        if q.is_empty() {
            return Ok(None);
        }
        if q.starts_with("ver_") {
            return VerificationId::parse(q).map(|id| Some(Self::Id(id))).map_err(|_| {
                AppError::invalid("Search", format!("{q:?} is not a receipt id (ver_ and 26 characters)"))
            });
        }
        let hex = q.strip_prefix("sha256:").unwrap_or(q).to_ascii_lowercase();
        if hex.len() < MIN_DIGEST_CHARS || hex.len() > 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::invalid(
                "Search",
                format!(
                    "write a receipt id (ver_…) or a SHA-256, whole or its first {MIN_DIGEST_CHARS} or more hex digits"
                ),
            ));
        }
        Ok(Some(Self::Subject(hex)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_digest_starts_parse_and_the_rest_is_refused() {
        assert_eq!(ReceiptSearch::parse("  ").unwrap(), None);
        let id = "ver_01kbx6z8q4w2n3m5p7r9t1v3x5";
        assert_eq!(ReceiptSearch::parse(id).unwrap(), Some(ReceiptSearch::Id(VerificationId::parse(id).unwrap())));
        assert_eq!(ReceiptSearch::parse("sha256:ABCDEF12").unwrap(), Some(ReceiptSearch::Subject("abcdef12".into())));
        for bad in ["ver_short", "abc", "xyz12345", "a%bcdef", &"a".repeat(65)] {
            assert!(ReceiptSearch::parse(bad).is_err(), "{bad}");
        }
    }
}
