//! The stored states of evidence, calls and webhook messages. Rows carry
//! these typed (decoded at the store boundary, so a misspelt state is a
//! compile error, not a silent `false`); the SQL and the wire keep the
//! spellings below.

use crate::domain::identity::string_enum;
use serde::{Deserialize, Serialize};

string_enum!(
    /// How a stored piece of evidence (a release pack, a policy bundle) verified.
    Verdict {
        /// Every check passed.
        Verified = "verified",
        /// A check failed (the row says which).
        Failed = "failed",
    }
);

string_enum!(
    /// How an Attestation API call ended.
    CallOutcome {
        /// The evidence verified (metered, with a receipt).
        Verified = "verified",
        /// The evidence did not verify (a reason code says why).
        Rejected = "rejected",
        /// The request was malformed.
        InvalidRequest = "invalid_request",
    }
);

string_enum!(
    /// Where a tenant webhook message is.
    DeliveryStatus {
        /// Queued or waiting for its next attempt.
        Pending = "pending",
        /// A one-off test delivery (never retried).
        Test = "test",
        /// Accepted by the endpoint.
        Delivered = "delivered",
        /// Out of attempts; waits for a replay.
        Dead = "dead",
    }
);

impl Verdict {
    /// `Verified` when `ok`.
    pub fn of(ok: bool) -> Self {
        if ok { Self::Verified } else { Self::Failed }
    }
}

string_enum!(
    /// One check of a verification report (a release pack's files, signatures and policy).
    CheckStatus {
        /// Ran and passed.
        Passed = "passed",
        /// Ran and failed.
        Failed = "failed",
        /// Did not run (for example, no key could check it): never counted as passed.
        NotChecked = "not_checked",
    }
);
