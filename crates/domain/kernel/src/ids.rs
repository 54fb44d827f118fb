//! Typed identifiers: a lessee id can never be passed where an owner id is expected.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// Declares a UUID (v7) newtype with the conversions every id needs.
#[macro_export]
macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $crate::__uuid::Uuid);

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $crate::__serde::Serialize::serialize(&self.0, s)
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <$crate::__uuid::Uuid as $crate::__serde::Deserialize>::deserialize(d).map(Self)
            }
        }

        impl $name {
            /// A new time-ordered (v7) id.
            pub fn generate() -> Self {
                Self($crate::__uuid::Uuid::now_v7())
            }

            pub fn as_uuid(&self) -> $crate::__uuid::Uuid {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::__uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::__uuid::Uuid::parse_str(s).map(Self)
            }
        }

        impl From<$crate::__uuid::Uuid> for $name {
            fn from(value: $crate::__uuid::Uuid) -> Self {
                Self(value)
            }
        }

        impl From<$name> for $crate::__uuid::Uuid {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl $crate::record::IdValue for $name {
            fn from_uuid(u: $crate::__uuid::Uuid) -> Self {
                Self(u)
            }
            fn to_uuid(&self) -> $crate::__uuid::Uuid {
                self.0
            }
        }

        impl $crate::record::FieldValue for $name {
            fn from_json(
                value: &$crate::__json::Value,
                opts: &$crate::record::FieldOpts,
                ctx: &$crate::record::Context,
            ) -> Result<Self, $crate::ValidationErrors> {
                <$crate::__uuid::Uuid as $crate::record::FieldValue>::from_json(value, opts, ctx).map(Self)
            }
            fn to_json(&self) -> $crate::__json::Value {
                $crate::__json::Value::String(self.0.to_string())
            }
            fn shape(_: &$crate::record::FieldOpts) -> $crate::record::Shape {
                $crate::record::Shape::Uuid
            }
            const SQL: $crate::record::SqlKind = $crate::record::SqlKind::Uuid;
            fn to_sql(&self, out: &mut Vec<$crate::record::SqlValue>) {
                out.push($crate::record::SqlValue::Uuid(Some(self.0)));
            }
            fn from_sql(
                row: &mut dyn $crate::record::SqlRow,
                name: &str,
            ) -> Result<Option<Self>, $crate::record::DecodeError> {
                Ok(row.uuid(name)?.map(Self))
            }
        }
    };
}

/// The customer account: the isolation boundary of all data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct TenantId(Uuid);

impl TenantId {
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    pub fn from_uuid(value: Uuid) -> Self {
        Self(value)
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for TenantId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

typed_id!(
    /// An API key record (not its public key id, which is part of the token).
    ApiKeyId
);
typed_id!(
    /// A platform worker key record.
    WorkerKeyId
);

// The ids that records of several crates refer to: one place, so that a charge names its lease
// by `LeaseId` without the charges crate knowing leases.
typed_id!(
    /// A contact: guarantor, agent, service provider, syndic…
    ContactId
);
typed_id!(
    /// A lessee (locataire): a person who rents.
    LesseeId
);
typed_id!(
    /// An owner (bailleur).
    OwnerId
);
typed_id!(
    /// A distribution key.
    DistributionKeyId
);
typed_id!(
    /// A charge of a lease.
    LeaseChargeId
);
typed_id!(
    /// A charge category.
    ChargeCategoryId
);
typed_id!(
    /// A charge review.
    ChargeReviewId
);
typed_id!(
    /// A service of a place.
    PlaceServiceId
);
typed_id!(
    /// A meter.
    MeterId
);
typed_id!(
    /// A place (building).
    PlaceId
);
typed_id!(
    /// An estate (lot).
    EstateId
);
typed_id!(
    /// A type of estate, room or equipment.
    TypeId
);
typed_id!(
    /// A lease type.
    LeaseTypeId
);
typed_id!(
    /// A lease.
    LeaseId
);
typed_id!(
    /// A signature process.
    SignatureId
);
typed_id!(
    /// A media record (a file attached to an entity): a meter's photo, an annex's scan.
    MediaId
);

#[cfg(test)]
mod tests {
    use super::*;

    typed_id!(SampleId);

    #[test]
    fn ids_are_v7_and_round_trip_through_text() {
        let id = SampleId::generate();
        assert_eq!(id.0.get_version_num(), 7);
        let parsed: SampleId = id.to_string().parse().expect("parse");
        assert_eq!(parsed, id);
        assert!("not-a-uuid".parse::<SampleId>().is_err());
    }

    #[test]
    fn v7_ids_sort_by_creation() {
        let a = TenantId::generate();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = TenantId::generate();
        assert!(a.as_uuid() < b.as_uuid());
    }
}
