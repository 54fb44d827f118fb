//! Keys of an estate and who holds them; every hand-over is kept.

use chrono::{DateTime, Utc};
use faireplace_kernel::values::Text;
use faireplace_kernel::{ValidationErrors, text_enum, typed_id};

use crate::estate::EstateId;
use crate::fittings::estate_entity;
use crate::{OfEstate, opt_enum, opt_int, req_enum, req_text};

typed_id!(KeyId);

text_enum!(
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

#[derive(Debug, Clone, Default)]
pub struct KeyInput {
    pub kind: Option<String>,
    pub label: Option<String>,
    pub quantity: Option<i64>,
    pub holder_kind: Option<String>,
    pub holder_id: Option<uuid::Uuid>,
    pub handed_over_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyData {
    pub kind: KeyKind,
    pub label: Text,
    pub quantity: i32,
    pub holder_kind: Option<HolderKind>,
    pub holder_id: Option<uuid::Uuid>,
    pub handed_over_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
}

impl KeyData {
    pub fn parse(input: &KeyInput, now: DateTime<Utc>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let kind = req_enum(&mut errors, "kind", &input.kind, KeyKind::parse);
        let label = req_text(&mut errors, "label", &input.label, 100);
        let quantity = opt_int(&mut errors, "quantity", input.quantity, 1, 1000).unwrap_or(1);
        let holder_kind = opt_enum(
            &mut errors,
            "holder_kind",
            &input.holder_kind,
            HolderKind::parse,
        );
        match (holder_kind, input.holder_id) {
            (Some(HolderKind::Agency), Some(_)) => {
                errors.push("holder_id", "must be absent when the AGENCY holds the key");
            }
            (Some(k), None) if k != HolderKind::Agency => {
                errors.push("holder_id", format!("is required when holder_kind is {k}"));
            }
            (None, Some(_)) => errors.push("holder_kind", "is required with holder_id"),
            _ => {}
        }
        if input.handed_over_at.is_some() && holder_kind.is_none() {
            errors.push("holder_kind", "is required with handed_over_at");
        }
        if input
            .handed_over_at
            .is_some_and(|at| at > now + chrono::Duration::minutes(5))
        {
            errors.push("handed_over_at", "must not be in the future");
        }
        if let (Some(given), Some(back)) = (input.handed_over_at, input.returned_at)
            && back < given
        {
            errors.push("returned_at", "must not be before handed_over_at");
        }
        if input.returned_at.is_some() && input.handed_over_at.is_none() {
            errors.push("returned_at", "needs handed_over_at");
        }
        errors.into_result()?;
        match (kind, label) {
            (Some(kind), Some(label)) => Ok(Self {
                kind,
                label,
                quantity: quantity as i32,
                holder_kind,
                holder_id: input.holder_id,
                handed_over_at: input.handed_over_at,
                returned_at: input.returned_at,
            }),
            _ => Err(ValidationErrors::single("kind", "is required")),
        }
    }

    /// Whether `next` changes who holds the key or when: then the hand-over is recorded.
    pub fn handover_changed(&self, next: &KeyData) -> bool {
        self.holder_kind != next.holder_kind
            || self.holder_id != next.holder_id
            || self.handed_over_at != next.handed_over_at
            || self.returned_at != next.returned_at
    }
}

estate_entity!(
    /// A set of keys of an estate.
    EstateKey, KeyId, KeyData
);

/// One entry of a key's history: who held it and when, as recorded at `recorded_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHandover {
    pub holder_kind: Option<HolderKind>,
    pub holder_id: Option<uuid::Uuid>,
    pub handed_over_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub recorded_at: DateTime<Utc>,
}

impl KeyHandover {
    pub fn of(data: &KeyData, at: DateTime<Utc>) -> Self {
        Self {
            holder_kind: data.holder_kind,
            holder_id: data.holder_id,
            handed_over_at: data.handed_over_at,
            returned_at: data.returned_at,
            recorded_at: at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> KeyInput {
        KeyInput {
            kind: Some("DOOR".into()),
            label: Some("Porte d'entrée".into()),
            ..Default::default()
        }
    }

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.errors().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn holders_are_consistent() {
        let now = Utc::now();
        assert!(KeyData::parse(&base(), now).is_ok());
        let e = KeyData::parse(
            &KeyInput {
                holder_kind: Some("LESSEE".into()),
                ..base()
            },
            now,
        )
        .expect_err("holder id missing");
        assert_eq!(fields(&e), ["holder_id"]);
        let e = KeyData::parse(
            &KeyInput {
                holder_kind: Some("AGENCY".into()),
                holder_id: Some(uuid::Uuid::now_v7()),
                ..base()
            },
            now,
        )
        .expect_err("agency takes no id");
        assert_eq!(fields(&e), ["holder_id"]);
        let e = KeyData::parse(
            &KeyInput {
                holder_kind: Some("AGENCY".into()),
                handed_over_at: Some(now),
                returned_at: Some(now - chrono::Duration::days(1)),
                ..base()
            },
            now,
        )
        .expect_err("returned before given");
        assert_eq!(fields(&e), ["returned_at"]);
    }

    #[test]
    fn a_change_of_holder_is_a_handover() {
        let now = Utc::now();
        let a = KeyData::parse(
            &KeyInput {
                holder_kind: Some("AGENCY".into()),
                ..base()
            },
            now,
        )
        .expect("a");
        let mut b = a.clone();
        assert!(!a.handover_changed(&b));
        b.holder_kind = Some(HolderKind::Lessee);
        b.holder_id = Some(uuid::Uuid::now_v7());
        assert!(a.handover_changed(&b));
    }
}
