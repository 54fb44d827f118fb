//! Keys of an estate and who holds them, declared once; storage keeps every hand-over.

use chrono::{DateTime, Utc};
use faireplace_kernel::values::Text;
use faireplace_kernel::{Context, Declared, Item, Record, Rules, ValidationErrors};
use faireplace_kernel::{text_enum, typed_id};

use crate::estate::EstateId;

typed_id!(
    /// A set of keys of an estate.
    KeyId
);

text_enum!(
    /// What a key opens.
    pub KeyKind {
        Door => "DOOR",
        Mailbox => "MAILBOX",
        Badge => "BADGE",
        Garage => "GARAGE",
        Remote => "REMOTE",
        Other => "OTHER",
    }
);

text_enum!(
    /// Who holds a key: the AGENCY (the tenant itself) needs no holder_id; the others name an
    /// owner, lessee or contact of the tenant.
    pub HolderKind {
        Owner => "OWNER",
        Lessee => "LESSEE",
        Agency => "AGENCY",
        Contact => "CONTACT",
    }
);

/// How far ahead of the server's clock a hand-over time may be (clocks differ a little).
pub const HANDOVER_CLOCK_SKEW_MINUTES: i64 = 5;

/// A set of keys of an estate. Storage adds a hand-over to its history when it is created with
/// a holder and whenever its holder or hand-over times change (`key_handovers`).
#[derive(Debug, Clone, PartialEq, Record)]
#[record(name = "EstateKey", rules)]
pub struct KeyData {
    pub kind: KeyKind,
    #[field(max_len = 100, example = "Porte d'entrée")]
    pub label: Text,
    #[field(default = 1, min = 1, max = 1000, example = "2")]
    pub quantity: i32,
    pub holder_kind: Option<HolderKind>,
    /// The owner, lessee or contact holding the key (after its `holder_kind`); absent for the
    /// AGENCY. One id of three kinds, so no single typed id.
    pub holder_id: Option<uuid::Uuid>,
    /// Not in the future.
    pub handed_over_at: Option<DateTime<Utc>>,
    /// Not before handed_over_at.
    pub returned_at: Option<DateTime<Utc>>,
}

impl Rules for KeyData {
    fn check(&self, errors: &mut ValidationErrors, _: &Context) {
        match (self.holder_kind, self.holder_id) {
            (Some(HolderKind::Agency), Some(_)) => {
                errors.push("holder_id", "must be absent when the AGENCY holds the key");
            }
            (Some(k), None) if k != HolderKind::Agency => {
                errors.push("holder_id", format!("is required when holder_kind is {k}"));
            }
            (None, Some(_)) => errors.push("holder_kind", "is required with holder_id"),
            _ => {}
        }
        if self.handed_over_at.is_some() && self.holder_kind.is_none() {
            errors.push("holder_kind", "is required with handed_over_at");
        }
        if let (Some(given), Some(back)) = (self.handed_over_at, self.returned_at)
            && back < given
        {
            errors.push("returned_at", "must not be before handed_over_at");
        }
        if self.returned_at.is_some() && self.handed_over_at.is_none() {
            errors.push("returned_at", "needs handed_over_at");
        }
    }
}

impl KeyData {
    /// A hand-over time ahead of `now` (beyond a little clock skew) is refused.
    pub fn check_time(&self, now: DateTime<Utc>, errors: &mut ValidationErrors) {
        if self
            .handed_over_at
            .is_some_and(|at| at > now + chrono::Duration::minutes(HANDOVER_CLOCK_SKEW_MINUTES))
        {
            errors.push("handed_over_at", "must not be in the future");
        }
    }
}

impl Declared for KeyData {
    type Id = KeyId;
    type Parent = EstateId;
    const NOUN: &'static str = "estate key";
    const PLURAL: &'static str = "estate keys";
    const TABLE: &'static str = "estate_keys";
    const PATH: &'static str = "/api/estates/{estate_id}/keys";
    const PARENT_FIELD: &'static str = "estate_id";
    const PARENT_TABLE: &'static str = "estates";
    const TAG: &'static str = "Keys";
    const SEARCH: &'static [&'static str] = &["label"];
    const EXAMPLE: Option<&'static str> = Some(
        r#"{"kind": "DOOR", "label": "Porte d'entrée", "quantity": 2, "holder_kind": "AGENCY"}"#,
    );
}

/// A set of keys of an estate.
pub type EstateKey = Item<KeyData>;

/// One entry of a key's history: who held it and when, as recorded at `recorded_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHandover {
    pub holder_kind: Option<HolderKind>,
    pub holder_id: Option<uuid::Uuid>,
    pub handed_over_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub recorded_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use faireplace_kernel::RecordTrait;
    use serde_json::{Value, json};

    fn ctx() -> Context {
        Context {
            today: Utc::now().date_naive(),
        }
    }

    fn read(extra: Value) -> Result<KeyData, ValidationErrors> {
        let mut body = json!({"kind": "DOOR", "label": "Porte d'entrée"});
        for (k, v) in extra.as_object().expect("object") {
            body[k] = v.clone();
        }
        KeyData::decode_json(&body, &ctx())
    }

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.errors().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn holders_are_consistent() {
        let now = Utc::now();
        assert_eq!(read(json!({})).expect("valid").quantity, 1);
        let e = read(json!({"holder_kind": "LESSEE"})).expect_err("holder id missing");
        assert_eq!(fields(&e), ["holder_id"]);
        let e = read(json!({"holder_kind": "AGENCY", "holder_id": uuid::Uuid::now_v7()}))
            .expect_err("agency takes no id");
        assert_eq!(fields(&e), ["holder_id"]);
        let e = read(json!({"holder_kind": "AGENCY", "handed_over_at": now,
                            "returned_at": now - chrono::Duration::days(1)}))
        .expect_err("returned before given");
        assert_eq!(fields(&e), ["returned_at"]);
        let later = read(json!({"holder_kind": "AGENCY",
                                "handed_over_at": now + chrono::Duration::hours(1)}))
        .expect("reads");
        let mut errors = ValidationErrors::new();
        later.check_time(now, &mut errors);
        assert_eq!(fields(&errors), ["handed_over_at"]);
    }
}
