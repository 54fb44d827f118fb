//! One-time codes: 6 digits, valid 10 minutes, 5 tries, at most 3 codes per signer per 15
//! minutes. Codes are stored hashed; this module decides, storage counts.

use chrono::{DateTime, Duration, Utc};

/// Digits of a code.
pub const DIGITS: usize = 6;
/// How long a code is valid.
pub const VALID_FOR: Duration = Duration::minutes(10);
/// Wrong tries that lock a code (a new code is then needed).
pub const MAX_ATTEMPTS: i32 = 5;
/// Codes one signer may be sent within [`ISSUE_WINDOW`].
pub const MAX_CODES: usize = 3;
pub const ISSUE_WINDOW: Duration = Duration::minutes(15);

/// Whether a new code may be sent at `now`, given when the signer's earlier codes were sent.
/// `Err` carries when the next one may be.
pub fn may_issue(sent: &[DateTime<Utc>], now: DateTime<Utc>) -> Result<(), DateTime<Utc>> {
    let mut recent: Vec<DateTime<Utc>> = sent
        .iter()
        .copied()
        .filter(|t| *t > now - ISSUE_WINDOW)
        .collect();
    if recent.len() < MAX_CODES {
        return Ok(());
    }
    recent.sort();
    // The window frees a slot when the oldest code in it leaves.
    let oldest = recent[recent.len() - MAX_CODES];
    Err(oldest + ISSUE_WINDOW)
}

/// Whether `raw` has the form of a code (6 ASCII digits).
pub fn well_formed(raw: &str) -> bool {
    raw.len() == DIGITS && raw.bytes().all(|b| b.is_ascii_digit())
}

/// A code as storage holds it when a try is counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeState {
    pub expires_at: DateTime<Utc>,
    /// Tries so far, this one included.
    pub attempts: i32,
}

/// What a try of a code comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    /// Wrong code; `remaining` tries are left on this code.
    Wrong {
        remaining: i32,
    },
    Expired,
    /// Too many wrong tries: a new code is needed.
    Locked,
}

/// Judges a try: `matches` is whether the hash of the code given matches the stored one.
pub fn judge(state: &CodeState, matches: bool, now: DateTime<Utc>) -> Verdict {
    if state.attempts > MAX_ATTEMPTS {
        return Verdict::Locked;
    }
    if now >= state.expires_at {
        return Verdict::Expired;
    }
    if matches {
        Verdict::Accepted
    } else {
        Verdict::Wrong {
            remaining: MAX_ATTEMPTS - state.attempts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(min: i64) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0)
            .single()
            .expect("time")
            + Duration::minutes(min)
    }

    #[test]
    fn three_codes_per_fifteen_minutes() {
        assert_eq!(may_issue(&[], t(0)), Ok(()));
        assert_eq!(may_issue(&[t(0), t(1)], t(2)), Ok(()));
        assert_eq!(may_issue(&[t(0), t(1), t(2)], t(3)), Err(t(15)));
        // The first code leaves the window at 15 minutes past.
        assert_eq!(may_issue(&[t(0), t(1), t(2)], t(15)), Ok(()));
        assert_eq!(may_issue(&[t(0), t(1), t(2), t(15)], t(15)), Err(t(16)));
        assert_eq!(may_issue(&[t(0), t(1), t(2), t(15)], t(16)), Ok(()));
    }

    #[test]
    fn five_tries_then_locked_and_ten_minutes_of_validity() {
        let state = |attempts| CodeState {
            expires_at: t(0) + VALID_FOR,
            attempts,
        };
        assert_eq!(judge(&state(1), true, t(1)), Verdict::Accepted);
        assert_eq!(
            judge(&state(1), false, t(1)),
            Verdict::Wrong { remaining: 4 }
        );
        assert_eq!(
            judge(&state(5), false, t(1)),
            Verdict::Wrong { remaining: 0 }
        );
        // The fifth try may still be right; the sixth is refused whatever it is.
        assert_eq!(judge(&state(5), true, t(1)), Verdict::Accepted);
        assert_eq!(judge(&state(6), true, t(1)), Verdict::Locked);
        assert_eq!(judge(&state(1), true, t(10)), Verdict::Expired);
        assert_eq!(judge(&state(1), true, t(9)), Verdict::Accepted);
    }

    #[test]
    fn codes_are_six_digits() {
        assert!(well_formed("012345"));
        assert!(!well_formed("12345"));
        assert!(!well_formed("1234567"));
        assert!(!well_formed("12a456"));
        assert!(!well_formed("１２３４５６"));
    }
}
