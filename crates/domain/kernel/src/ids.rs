//! Typed identifiers: a lessee id can never be passed where an owner id is expected.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// Declares a UUID (v7) newtype with the conversions every id needs.
#[macro_export]
macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub ::uuid::Uuid);

        impl $name {
            /// A new time-ordered (v7) id.
            pub fn generate() -> Self {
                Self(::uuid::Uuid::now_v7())
            }

            pub fn as_uuid(&self) -> ::uuid::Uuid {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                ::uuid::Uuid::parse_str(s).map(Self)
            }
        }

        impl From<::uuid::Uuid> for $name {
            fn from(value: ::uuid::Uuid) -> Self {
                Self(value)
            }
        }

        impl From<$name> for ::uuid::Uuid {
            fn from(value: $name) -> Self {
                value.0
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
