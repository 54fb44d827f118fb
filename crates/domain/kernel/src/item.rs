//! A resource declared once: its fields (a [`Record`]), and how it is named, stored, served and
//! listed ([`Declared`]). [`Item`] is the stored resource: an id, its parent when it has one,
//! the fields, and the times it was created and last changed. The adapters serve and store any
//! `Item<D>` from these declarations alone.
//!
//! ```ignore
//! impl Declared for BankAccountData {
//!     type Id = BankAccountId;
//!     type Parent = ();
//!     const NOUN: &'static str = "bank account";
//!     const TABLE: &'static str = "bank_accounts";
//!     const PATH: &'static str = "/api/bank-accounts";
//!     const TAG: &'static str = "Bank accounts";
//!     const SEARCH: &'static [&'static str] = &["label", "holder"];
//!     const FILTERS: &'static [&'static str] = &["kind", "owner_id"];
//!     const SORTS: &'static [&'static str] = &["created_at", "updated_at", "label"];
//! }
//! pub type BankAccount = Item<BankAccountData>;
//! ```

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value as Json};

use crate::paging::SortField;
use crate::record::{
    Column, DecodeError, FieldValue, IdValue, Record, SqlKind, SqlRow, SqlValue, read_column,
};

/// What an item hangs under: nothing (`()`), or the id of its parent (an estate's rooms).
pub trait Parent: Copy + PartialEq + Send + Sync + Unpin + std::fmt::Debug + 'static {
    fn parent_uuid(&self) -> Option<uuid::Uuid>;
    fn from_parent_uuid(u: uuid::Uuid) -> Self;
}

impl Parent for () {
    fn parent_uuid(&self) -> Option<uuid::Uuid> {
        None
    }
    fn from_parent_uuid(_: uuid::Uuid) -> Self {}
}

impl<T: IdValue + PartialEq + Send + Sync + Unpin + std::fmt::Debug + 'static> Parent for T {
    fn parent_uuid(&self) -> Option<uuid::Uuid> {
        Some(self.to_uuid())
    }
    fn from_parent_uuid(u: uuid::Uuid) -> Self {
        T::from_uuid(u)
    }
}

/// How a record is named, stored, served and listed as a resource of its own.
pub trait Declared:
    Record + Clone + PartialEq + Send + Sync + Unpin + std::fmt::Debug + 'static
{
    type Id: IdValue
        + FieldValue
        + PartialEq
        + std::fmt::Display
        + std::fmt::Debug
        + Send
        + Sync
        + Unpin
        + 'static;
    /// `()` for a top-level collection, or the parent's id.
    type Parent: Parent;
    /// The singular noun, for messages ("bank account").
    const NOUN: &'static str;
    /// The plural noun ("bank accounts").
    const PLURAL: &'static str;
    /// The table (tenant_id, id, the parent's column, the fields' columns, created_at,
    /// updated_at).
    const TABLE: &'static str;
    /// The collection's path: `/api/bank-accounts`, or under a parent
    /// `/api/estates/{estate_id}/rooms`.
    const PATH: &'static str;
    /// The parent's field and column (`estate_id`); unused without a parent.
    const PARENT_FIELD: &'static str = "";
    /// The parent's table (`estates`), where a parent is looked for before anything is done
    /// under it (404 when absent).
    const PARENT_TABLE: &'static str = "";
    /// The OpenAPI tag of its operations.
    const TAG: &'static str;
    /// The entity type under which its changes are written to the audit log.
    const AUDIT: Option<&'static str> = None;
    /// Text fields the list's `search` looks in.
    const SEARCH: &'static [&'static str] = &[];
    /// Fields the list filters on by equality (`?kind=OWNER`).
    const FILTERS: &'static [&'static str] = &[];
    /// Fields the list sorts by; the first is the default.
    const SORTS: &'static [&'static str] = &["created_at", "updated_at"];
    /// Whether the list's default order (by the first of [`Declared::SORTS`]) is descending:
    /// latest first.
    const SORT_DESCENDING: bool = false;
    /// A complete request body (JSON), shown in the OpenAPI document; the isolation sweep
    /// creates a record from it.
    const EXAMPLE: Option<&'static str> = None;
}

/// A stored resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Item<D: Declared> {
    pub id: D::Id,
    pub parent: D::Parent,
    pub data: D,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl<D: Declared> Item<D> {
    pub fn new(id: D::Id, parent: D::Parent, data: D, now: DateTime<Utc>) -> Self {
        Self {
            id,
            parent,
            data,
            created_at: now,
            updated_at: now,
        }
    }

    /// Replaces every field, keeping identity, parent and creation time.
    pub fn replace(&mut self, data: D, now: DateTime<Utc>) {
        self.data = data;
        self.updated_at = now;
    }

    /// As a client reads it: id, parent, fields, times.
    pub fn to_json(&self) -> Json {
        let mut out = Map::new();
        out.insert("id".into(), self.id.to_json());
        if let Some(p) = self.parent.parent_uuid() {
            out.insert(D::PARENT_FIELD.into(), Json::String(p.to_string()));
        }
        self.data.encode(&mut out);
        out.insert("created_at".into(), self.created_at.to_json());
        out.insert("updated_at".into(), self.updated_at.to_json());
        Json::Object(out)
    }

    /// Every column, in the order [`Item::to_sql`] gives the values (tenant_id aside).
    pub fn columns() -> Vec<Column> {
        let mut out = vec![Column {
            name: "id".into(),
            kind: SqlKind::Uuid,
        }];
        if has_parent::<D>() {
            out.push(Column {
                name: D::PARENT_FIELD.into(),
                kind: SqlKind::Uuid,
            });
        }
        D::record_columns(&mut out);
        for name in ["created_at", "updated_at"] {
            out.push(Column {
                name: name.into(),
                kind: SqlKind::Timestamp,
            });
        }
        out
    }

    pub fn to_sql(&self) -> Vec<SqlValue> {
        let mut out = vec![SqlValue::Uuid(Some(self.id.to_uuid()))];
        if let Some(p) = self.parent.parent_uuid() {
            out.push(SqlValue::Uuid(Some(p)));
        }
        self.data.record_to_sql(&mut out);
        out.push(SqlValue::Timestamp(Some(self.created_at)));
        out.push(SqlValue::Timestamp(Some(self.updated_at)));
        out
    }

    /// Reads a stored row; a value that cannot be read is an error naming its column.
    pub fn from_sql(row: &mut dyn SqlRow) -> Result<Self, DecodeError> {
        let id = <D::Id as IdValue>::from_uuid(read_column::<uuid::Uuid>(row, "id")?);
        let parent = if has_parent::<D>() {
            D::Parent::from_parent_uuid(read_column::<uuid::Uuid>(row, D::PARENT_FIELD)?)
        } else {
            D::Parent::from_parent_uuid(uuid::Uuid::nil())
        };
        Ok(Self {
            id,
            parent,
            data: D::record_from_sql(row)?,
            created_at: read_column(row, "created_at")?,
            updated_at: read_column(row, "updated_at")?,
        })
    }
}

/// Whether `D` hangs under a parent.
pub fn has_parent<D: Declared>() -> bool {
    !D::PARENT_FIELD.is_empty()
}

/// The equality filters of a list, as the columns and values to compare.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemFilter {
    /// The parent the items hang under.
    pub parent: Option<uuid::Uuid>,
    /// Column = value, each (a one-column field's column and its value).
    pub equals: Vec<(String, SqlValue)>,
}

/// A sort field of `D`: one of its declared [`Declared::SORTS`].
#[derive(Debug)]
pub struct ItemSort<D> {
    name: &'static str,
    of: PhantomData<fn() -> D>,
}

impl<D> Clone for ItemSort<D> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<D> Copy for ItemSort<D> {}

impl<D: Declared> ItemSort<D> {
    /// The first declared sort field.
    pub fn first() -> Self {
        Self {
            name: D::SORTS.first().copied().unwrap_or("created_at"),
            of: PhantomData,
        }
    }
}

impl<D: Declared> SortField for ItemSort<D> {
    const NAMES: &'static [&'static str] = D::SORTS;
    fn from_name(name: &str) -> Option<Self> {
        D::SORTS.iter().find(|n| **n == name).map(|n| Self {
            name: n,
            of: PhantomData,
        })
    }
    fn name(&self) -> &'static str {
        self.name
    }
}

/// A stored resource written by hand (not [`Declared`]): its id, the parents it hangs under,
/// its client-given data, and when it was created and last changed, with `new` (a fresh id)
/// and `replace` (new data, a new `updated_at`).
///
/// ```ignore
/// faireplace_kernel::entity!(
///     /// An expense as stored and read.
///     pub ChargeExpense(ChargeExpenseId) { place_id: PlaceId } data ChargeExpenseData
/// );
/// ```
#[macro_export]
macro_rules! entity {
    (
        $(#[$meta:meta])*
        $vis:vis $name:ident($id:ty) { $($parent:ident: $parent_ty:ty),* $(,)? } data $data:ty
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        $vis struct $name {
            pub id: $id,
            $(pub $parent: $parent_ty,)*
            pub data: $data,
            pub created_at: $crate::__chrono::DateTime<$crate::__chrono::Utc>,
            pub updated_at: $crate::__chrono::DateTime<$crate::__chrono::Utc>,
        }

        impl $name {
            /// A new one, with a fresh id, created and changed `now`.
            pub fn new(
                $($parent: $parent_ty,)*
                data: $data,
                now: $crate::__chrono::DateTime<$crate::__chrono::Utc>,
            ) -> Self {
                Self {
                    id: <$id>::generate(),
                    $($parent,)*
                    data,
                    created_at: now,
                    updated_at: now,
                }
            }

            /// Its data replaced, changed `now`.
            pub fn replace(
                &mut self,
                data: $data,
                now: $crate::__chrono::DateTime<$crate::__chrono::Utc>,
            ) {
                self.data = data;
                self.updated_at = now;
            }
        }
    };
}
