//! Electronic signature of a lease: who signs, in which order, and the one-time codes (OTP)
//! that prove a signer's hand.
//!
//! The document is fixed when the process starts (its SHA-256); signers sign in ascending
//! `order` (equal orders sign in any order between them); when every signer has signed the
//! process is COMPLETED and the lease comes into force.

pub mod otp;

use chrono::{DateTime, Duration, Utc};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::values::{Email, Phone};
use faireplace_kernel::{ValidationErrors, text_enum, typed_id};

use faireplace_kernel::ids::LeaseId;
pub use faireplace_kernel::ids::SignatureId;
typed_id!(
    /// One signer of a process.
    SignerId
);

/// The most signers one process may have.
pub const MAX_SIGNERS: usize = 20;
/// How long a process stays open before it expires.
pub const VALIDITY_DAYS: i64 = 30;

text_enum!(
    /// Where a signature process stands.
    pub SignatureStatus {
        /// Nobody has signed yet.
        Pending => "PENDING",
        /// Some have signed.
        InProgress => "IN_PROGRESS",
        /// Everyone signed: the lease is in force.
        Completed => "COMPLETED",
        Cancelled => "CANCELLED",
        /// Not completed in time.
        Expired => "EXPIRED",
    }
);

impl SignatureStatus {
    /// Whether signers may still sign.
    pub fn is_open(self) -> bool {
        matches!(self, SignatureStatus::Pending | SignatureStatus::InProgress)
    }
}

text_enum!(
    /// In which capacity someone signs.
    pub SignerRole {
        Lessee => "LESSEE",
        Owner => "OWNER",
        Guarantor => "GUARANTOR",
        /// The letting agent, for the owner.
        Agent => "AGENT",
    }
);

text_enum!(
    /// Where one signer stands.
    pub SignerStatus {
        Pending => "PENDING",
        Signed => "SIGNED",
        /// Refused to sign (reported by a signature provider): the process is cancelled.
        Declined => "DECLINED",
    }
);

text_enum!(
    /// How a signature was given.
    pub SignMethod {
        /// A one-time code sent to the signer and verified here.
        Otp => "OTP",
        /// Reported by a signature provider's worker.
        Provider => "PROVIDER",
    }
);

/// A signer as sent by a client.
#[derive(Debug, Clone, Default)]
pub struct SignerInput {
    pub role: Option<String>,
    pub party_id: Option<uuid::Uuid>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub order: Option<i64>,
}

/// A signer's identity and place in the order. `email` and `phone` are where its one-time
/// codes go: always the party's own, as on its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerData {
    pub role: SignerRole,
    pub party_id: uuid::Uuid,
    pub email: Email,
    pub phone: Option<Phone>,
    /// From 1; lower orders sign first.
    pub order: u32,
}

/// A signer as read from a request, before its party's record is known. An e-mail or phone
/// sent by the client is only a check of the record, never a destination of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedSigner {
    pub role: SignerRole,
    pub party_id: uuid::Uuid,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub order: u32,
}

/// How a party can be reached, from its own record (a lessee, an owner, a contact).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reachable {
    pub email: Option<Email>,
    pub phone: Option<Phone>,
}

/// Reads the signers of a new process: 1 to [`MAX_SIGNERS`], each party once.
pub fn parse_signers(inputs: &[SignerInput]) -> Result<Vec<ParsedSigner>, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if inputs.is_empty() {
        errors.push("signers", "at least one signer is required");
    }
    if inputs.len() > MAX_SIGNERS {
        errors.push("signers", format!("at most {MAX_SIGNERS} signers"));
    }
    let mut out = Vec::with_capacity(inputs.len());
    let mut seen = std::collections::HashSet::new();
    for (i, s) in inputs.iter().enumerate() {
        let field = |name: &str| format!("signers[{i}].{name}");
        let role = match s.role.as_deref() {
            None => {
                errors.push(field("role"), "is required");
                None
            }
            Some(raw) => errors.take(&field("role"), SignerRole::parse(raw)),
        };
        let party_id = s.party_id;
        if party_id.is_none() {
            errors.push(field("party_id"), "is required");
        }
        let email = s
            .email
            .as_deref()
            .and_then(|raw| errors.take(&field("email"), Email::parse(raw)));
        let phone = s
            .phone
            .as_deref()
            .and_then(|raw| errors.take(&field("phone"), Phone::parse(raw)));
        let order = match s.order {
            None => Some(1),
            Some(o) if (1..=100).contains(&o) => Some(o as u32),
            Some(_) => {
                errors.push(field("order"), "must be between 1 and 100");
                None
            }
        };
        if let (Some(role), Some(party)) = (role, party_id)
            && !seen.insert((role, party))
        {
            errors.push(field("party_id"), "names the same signer twice");
        }
        if let (Some(role), Some(party_id), Some(order)) = (role, party_id, order) {
            out.push(ParsedSigner {
                role,
                party_id,
                email,
                phone,
                order,
            });
        }
    }
    errors.into_result()?;
    Ok(out)
}

/// Gives each signer its party's own destination (`records[i]` for `signers[i]`): codes can
/// only reach the person who signs. An e-mail or phone the client sent must be the one on
/// record; to reach the person elsewhere, the party itself is changed (an audited change),
/// never the process.
pub fn bind_destinations(
    signers: Vec<ParsedSigner>,
    records: &[Reachable],
) -> Result<Vec<SignerData>, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let mut out = Vec::with_capacity(signers.len());
    for (i, (s, record)) in signers.into_iter().zip(records).enumerate() {
        let field = |name: &str| format!("signers[{i}].{name}");
        let Some(on_record) = record.email.clone() else {
            errors.push(
                field("party_id"),
                "has no e-mail on record, where the one-time codes go: add it to the party first",
            );
            continue;
        };
        if s.email.as_ref().is_some_and(|e| *e != on_record) {
            errors.push(
                field("email"),
                "must be the party's own e-mail on record (or be left out): to send the codes \
                 elsewhere, change the party's e-mail",
            );
        }
        if s.phone.is_some() && s.phone != record.phone {
            errors.push(
                field("phone"),
                "must be the party's own phone on record (or be left out): to send the codes \
                 elsewhere, change the party's phone",
            );
        }
        out.push(SignerData {
            role: s.role,
            party_id: s.party_id,
            email: on_record,
            phone: record.phone.clone(),
            order: s.order,
        });
    }
    errors.into_result()?;
    Ok(out)
}

/// How a signature was given, kept as evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignEvidence {
    pub at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub method: SignMethod,
    pub provider_reference: Option<String>,
}

/// One signer of a process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    pub id: SignerId,
    pub data: SignerData,
    pub status: SignerStatus,
    /// When the status last changed (signed, declined).
    pub status_at: Option<DateTime<Utc>>,
    pub evidence: Option<SignEvidence>,
    pub updated_at: DateTime<Utc>,
}

/// A signature process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub id: SignatureId,
    pub lease_id: LeaseId,
    /// As stored; see [`Signature::status_at`] for the expiry.
    pub status: SignatureStatus,
    /// The SHA-256 of the document signed, hex.
    pub document_sha256: String,
    pub expires_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub signers: Vec<Signer>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Why a signer may not sign now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignRefusal {
    #[error("no such signer in this process")]
    UnknownSigner,
    #[error("the signature process is {0}")]
    Closed(SignatureStatus),
    #[error("this signer has already signed")]
    AlreadySigned,
    #[error("this signer declined to sign")]
    Declined,
    #[error("signers of an earlier order must sign first")]
    OutOfOrder,
}

impl SignRefusal {
    /// A stable error code for clients.
    pub fn code(&self) -> ErrorCode {
        match self {
            SignRefusal::UnknownSigner => ErrorCode::NotFound,
            SignRefusal::Closed(SignatureStatus::Expired) => ErrorCode::SignatureExpired,
            SignRefusal::Closed(_) => ErrorCode::SignatureClosed,
            SignRefusal::AlreadySigned => ErrorCode::AlreadySigned,
            SignRefusal::Declined => ErrorCode::SignerDeclined,
            SignRefusal::OutOfOrder => ErrorCode::SignerOutOfOrder,
        }
    }
}

/// The expiry date of a process started at `at`.
pub fn expiry(at: DateTime<Utc>) -> DateTime<Utc> {
    at + Duration::days(VALIDITY_DAYS)
}

impl Signature {
    /// The status at `now`: an open process past its expiry is EXPIRED.
    pub fn status_at(&self, now: DateTime<Utc>) -> SignatureStatus {
        if self.status.is_open() && now >= self.expires_at {
            SignatureStatus::Expired
        } else {
            self.status
        }
    }

    pub fn signer(&self, id: SignerId) -> Option<&Signer> {
        self.signers.iter().find(|s| s.id == id)
    }

    /// Whether `signer` may sign at `now`: the process is open, the signer has not signed, and
    /// every signer of a lower order has.
    pub fn may_sign(&self, signer: SignerId, now: DateTime<Utc>) -> Result<&Signer, SignRefusal> {
        let s = self.signer(signer).ok_or(SignRefusal::UnknownSigner)?;
        let status = self.status_at(now);
        if !status.is_open() {
            return Err(SignRefusal::Closed(status));
        }
        match s.status {
            SignerStatus::Signed => return Err(SignRefusal::AlreadySigned),
            SignerStatus::Declined => return Err(SignRefusal::Declined),
            SignerStatus::Pending => {}
        }
        let waiting = self
            .signers
            .iter()
            .any(|o| o.data.order < s.data.order && o.status != SignerStatus::Signed);
        if waiting {
            return Err(SignRefusal::OutOfOrder);
        }
        Ok(s)
    }

    /// Whether every signer has signed.
    pub fn all_signed(&self) -> bool {
        self.signers
            .iter()
            .all(|s| s.status == SignerStatus::Signed)
    }

    /// The status once `signer` has signed: COMPLETED when it was the last one.
    pub fn status_after_signing(&self, signer: SignerId) -> SignatureStatus {
        let rest_signed = self
            .signers
            .iter()
            .filter(|s| s.id != signer)
            .all(|s| s.status == SignerStatus::Signed);
        if rest_signed {
            SignatureStatus::Completed
        } else {
            SignatureStatus::InProgress
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2026, 3, 1, h, 0, 0)
            .single()
            .expect("time")
    }

    fn signer(n: u128, order: u32, status: SignerStatus) -> Signer {
        Signer {
            id: SignerId(uuid::Uuid::from_u128(n)),
            data: SignerData {
                role: SignerRole::Lessee,
                party_id: uuid::Uuid::from_u128(100 + n),
                email: Email::parse("a@example.org").expect("email"),
                phone: None,
                order,
            },
            status,
            status_at: None,
            evidence: None,
            updated_at: at(0),
        }
    }

    fn process(signers: Vec<Signer>) -> Signature {
        Signature {
            id: SignatureId(uuid::Uuid::from_u128(1)),
            lease_id: LeaseId(uuid::Uuid::from_u128(2)),
            status: SignatureStatus::Pending,
            document_sha256: "00".repeat(32),
            expires_at: expiry(at(0)),
            completed_at: None,
            cancelled_at: None,
            signers,
            created_at: at(0),
            updated_at: at(0),
        }
    }

    #[test]
    fn signers_sign_in_their_order_and_equal_orders_in_any_order() {
        let p = process(vec![
            signer(1, 1, SignerStatus::Pending),
            signer(2, 1, SignerStatus::Pending),
            signer(3, 2, SignerStatus::Pending),
        ]);
        let id = |n| SignerId(uuid::Uuid::from_u128(n));
        assert!(p.may_sign(id(2), at(1)).is_ok());
        assert!(p.may_sign(id(1), at(1)).is_ok());
        assert_eq!(p.may_sign(id(3), at(1)), Err(SignRefusal::OutOfOrder));
        assert_eq!(p.may_sign(id(9), at(1)), Err(SignRefusal::UnknownSigner));
        assert_eq!(p.status_after_signing(id(1)), SignatureStatus::InProgress);

        let p = process(vec![
            signer(1, 1, SignerStatus::Signed),
            signer(2, 1, SignerStatus::Signed),
            signer(3, 2, SignerStatus::Pending),
        ]);
        assert!(p.may_sign(id(3), at(1)).is_ok());
        assert_eq!(p.may_sign(id(1), at(1)), Err(SignRefusal::AlreadySigned));
        assert_eq!(p.status_after_signing(id(3)), SignatureStatus::Completed);
    }

    #[test]
    fn an_open_process_expires_after_thirty_days() {
        let p = process(vec![signer(1, 1, SignerStatus::Pending)]);
        let id = SignerId(uuid::Uuid::from_u128(1));
        let just_before = p.expires_at - Duration::seconds(1);
        assert_eq!(p.status_at(just_before), SignatureStatus::Pending);
        assert_eq!(p.status_at(p.expires_at), SignatureStatus::Expired);
        assert_eq!(
            p.may_sign(id, p.expires_at),
            Err(SignRefusal::Closed(SignatureStatus::Expired))
        );
        let mut done = p.clone();
        done.status = SignatureStatus::Completed;
        assert_eq!(done.status_at(p.expires_at), SignatureStatus::Completed);
    }

    #[test]
    fn signers_are_validated_each_field_named() {
        let err = parse_signers(&[
            SignerInput {
                role: Some("LANDLORD".into()),
                party_id: None,
                email: Some("nope".into()),
                phone: None,
                order: Some(0),
            },
            SignerInput::default(),
        ])
        .expect_err("invalid");
        let fields: Vec<_> = err.errors().iter().map(|e| e.field.clone()).collect();
        for f in [
            "signers[0].role",
            "signers[0].party_id",
            "signers[0].email",
            "signers[0].order",
            "signers[1].role",
        ] {
            assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
        }
        assert!(parse_signers(&[]).is_err());
        let party = uuid::Uuid::from_u128(5);
        let one = SignerInput {
            role: Some("LESSEE".into()),
            party_id: Some(party),
            email: Some("a@example.org".into()),
            phone: Some("+33612345678".into()),
            order: None,
        };
        let ok = parse_signers(std::slice::from_ref(&one)).expect("valid");
        assert_eq!(ok[0].order, 1);
        assert!(
            parse_signers(&[one.clone(), one]).is_err(),
            "same signer twice"
        );
    }

    #[test]
    fn codes_go_to_the_party_on_record_only() {
        let party = uuid::Uuid::from_u128(5);
        let parsed = |email: Option<&str>, phone: Option<&str>| {
            parse_signers(&[SignerInput {
                role: Some("LESSEE".into()),
                party_id: Some(party),
                email: email.map(str::to_owned),
                phone: phone.map(str::to_owned),
                order: None,
            }])
            .expect("valid")
        };
        let record = Reachable {
            email: Some(Email::parse("lea@example.org").expect("email")),
            phone: Some(Phone::parse("+33612345678").expect("phone")),
        };
        // Left out: the record's.
        let bound =
            bind_destinations(parsed(None, None), std::slice::from_ref(&record)).expect("bound");
        assert_eq!(bound[0].email.as_str(), "lea@example.org");
        assert_eq!(bound[0].phone, record.phone);
        // The same, in another case: accepted.
        assert!(
            bind_destinations(
                parsed(Some(" LEA@example.org"), Some("+33 6 12 34 56 78")),
                std::slice::from_ref(&record)
            )
            .is_ok()
        );
        // Anyone else's: refused, naming the field.
        let err = bind_destinations(
            parsed(Some("attacker@example.net"), Some("+33700000000")),
            std::slice::from_ref(&record),
        )
        .expect_err("forged");
        let fields: Vec<_> = err.errors().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["signers[0].email", "signers[0].phone"]);
        // No e-mail on record: nowhere to send a code.
        let err = bind_destinations(parsed(None, None), &[Reachable::default()])
            .expect_err("unreachable");
        assert_eq!(err.errors()[0].field, "signers[0].party_id");
    }
}
