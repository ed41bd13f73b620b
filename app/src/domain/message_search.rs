//! What the Webhooks page's message search accepts: a status and a message id
//! (`msg_…`, the `webhook-id`) or the start of an event type (`pack.`).

use super::AppError;
use super::status::DeliveryStatus;

/// A checked search of a tenant's webhook messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageSearch {
    /// Only messages in this state.
    pub status: Option<DeliveryStatus>,
    /// Only this message, or the event types starting with this.
    pub text: Option<MessageText>,
}

/// The search box's meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageText {
    /// This message (`msg_…`).
    Id(String),
    /// Event types starting with this (letters, digits, `.`, `_`, `-`: nothing a LIKE pattern reads).
    EventPrefix(String),
}

impl MessageSearch {
    /// Parses the form's `status` (blank: every state) and `q` (blank: every message).
    pub fn parse(status: &str, q: &str) -> Result<Self, AppError> {
        let status = match status.trim() {
            "" | "all" => None,
            s => Some(DeliveryStatus::parse(s).map_err(|_| {
                AppError::invalid("Status", format!("{s:?} is not one of pending, delivered, dead, test"))
            })?),
        };
        let q = q.trim();
        let text = if q.is_empty() {
            None
        } else if let Some(rest) = q.strip_prefix("msg_") {
            if !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(AppError::invalid("Search", format!("{q:?} is not a message id (msg_…)")));
            }
            Some(MessageText::Id(q.to_ascii_lowercase()))
        } else {
            let ok = q.len() <= 64 && q.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'));
            if !ok {
                return Err(AppError::invalid(
                    "Search",
                    "write a message id (msg_…) or the start of an event type (letters, digits, dots, dashes)",
                ));
            }
            Some(MessageText::EventPrefix(q.to_ascii_lowercase()))
        };
        Ok(Self { status, text })
    }

    /// True when nothing narrows the list.
    pub fn is_everything(&self) -> bool {
        self.status.is_none() && self.text.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_id_and_event_prefix_parse_and_the_rest_is_refused() {
        assert!(MessageSearch::parse("", " ").unwrap().is_everything());
        let s = MessageSearch::parse("dead", "pack.").unwrap();
        assert_eq!(s.status, Some(DeliveryStatus::Dead));
        assert_eq!(s.text, Some(MessageText::EventPrefix("pack.".into())));
        assert_eq!(MessageSearch::parse("all", "msg_01ABC").unwrap().text, Some(MessageText::Id("msg_01abc".into())));
        for (status, q) in [("gone", ""), ("", "pack%"), ("", "a_b"), ("", "msg_a b"), ("", &"a".repeat(65))] {
            assert!(MessageSearch::parse(status, q).is_err(), "{status:?} {q:?}");
        }
    }
}
