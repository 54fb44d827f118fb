//! Estate, room and equipment types: the system's (seeded, read-only) and each tenant's own.

use chrono::{DateTime, Utc};
use faireplace_kernel::values::{Text, parse_code};
use faireplace_kernel::{ValidationErrors, text_enum};

use crate::req_text;

pub use faireplace_kernel::ids::TypeId;

text_enum!(
    /// What a type classifies.
    pub TypeKind {
        Estate => "ESTATE",
        Room => "ROOM",
        Equipment => "EQUIPMENT",
    }
);

impl TypeKind {
    /// From the path segment `estate`, `room` or `equipment`.
    pub fn from_path(segment: &str) -> Option<Self> {
        match segment {
            "estate" => Some(TypeKind::Estate),
            "room" => Some(TypeKind::Room),
            "equipment" => Some(TypeKind::Equipment),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct TypeInput {
    pub code: Option<String>,
    pub name: Option<String>,
    pub is_active: Option<bool>,
}

/// A valid type, without identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeData {
    /// Upper-case letters, digits and `_`, unique per tenant and kind (`GARAGE_BOX`).
    pub code: String,
    pub name: Text,
    pub is_active: bool,
}

impl TypeData {
    pub fn parse(input: &TypeInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let code = match input.code.as_deref() {
            None => {
                errors.push("code", "is required");
                None
            }
            Some(c) => errors.take("code", parse_code(c)),
        };
        let name = req_text(&mut errors, "name", &input.name, 100);
        errors.into_result()?;
        match (code, name) {
            (Some(code), Some(name)) => Ok(Self {
                code,
                name,
                is_active: input.is_active.unwrap_or(true),
            }),
            _ => Err(ValidationErrors::single("code", "is required")),
        }
    }
}

/// A type with its usage, as the repository reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyType {
    pub id: TypeId,
    pub kind: TypeKind,
    pub data: TypeData,
    pub is_system: bool,
    /// Whether an estate, room or equipment refers to it.
    pub is_used: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PropertyType {
    pub fn new(kind: TypeKind, data: TypeData, now: DateTime<Utc>) -> Self {
        Self {
            id: TypeId::generate(),
            kind,
            data,
            is_system: false,
            is_used: false,
            created_at: now,
            updated_at: now,
        }
    }

    /// System types and types in use stay.
    pub fn can_delete(&self) -> bool {
        !self.is_system && !self.is_used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalized_and_checked() {
        let ok = TypeData::parse(&TypeInput {
            code: Some(" garage_box ".into()),
            name: Some("Box".into()),
            is_active: None,
        })
        .expect("valid");
        assert_eq!(ok.code, "GARAGE_BOX");
        assert!(ok.is_active);
        for bad in ["", "x", "1ABC", "A-B", "Ÿ"] {
            assert!(parse_code(bad).is_err(), "{bad}");
        }
        assert_eq!(TypeKind::from_path("room"), Some(TypeKind::Room));
        assert_eq!(TypeKind::from_path("rooms"), None);
    }

    #[test]
    fn system_and_used_types_cannot_be_deleted() {
        let data = TypeData {
            code: "X".repeat(2),
            name: Text::from_trusted("X".into()),
            is_active: true,
        };
        let mut t = PropertyType::new(TypeKind::Room, data, Utc::now());
        assert!(t.can_delete());
        t.is_used = true;
        assert!(!t.can_delete());
        t.is_used = false;
        t.is_system = true;
        assert!(!t.can_delete());
    }
}
