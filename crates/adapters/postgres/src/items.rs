//! Any resource declared once (`Item<D>`, see `faireplace_kernel::item`) in its table: the
//! table's columns are the record's (`tenant_id`, `id`, the parent's column, the fields',
//! `created_at`, `updated_at`), so the table is declared by the record and by its migration
//! only. Reads go through [`scoped`] (one statement that sets its tenant), writes through a
//! tenant transaction that also writes the change's journal. A stored value that cannot be
//! read back is [`RepoError::Corrupt`], naming its table, id and column.

use std::marker::PhantomData;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::item::{Declared, Item, has_parent};
use faireplace_kernel::record::{DecodeError, SqlKind, SqlRow, SqlValue};
use faireplace_kernel::{Page, TenantId};
use faireplace_ports::audit::Journal;
use faireplace_ports::{ListQuery, RepoError, Repository};
use rust_decimal::Decimal;
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, Column, Postgres, QueryBuilder, Row, TypeInfo, ValueRef};
use uuid::Uuid;

use crate::Db;
use crate::common::{ListFilter, ListSource, Write, list_page, push_search, read_item, scoped};
use crate::error::map_error;

/// The repository of `Item<D>`, from `D`'s declaration.
pub struct PgItems<D> {
    db: Db,
    of: PhantomData<fn() -> D>,
}

impl<D> Clone for PgItems<D> {
    fn clone(&self) -> Self {
        Self {
            db: self.db.clone(),
            of: PhantomData,
        }
    }
}

impl<D: Declared> PgItems<D> {
    pub fn new(db: Db) -> Self {
        crate::error::name_table(D::TABLE, D::PLURAL);
        Self {
            db,
            of: PhantomData,
        }
    }

    /// A write's error: a unique constraint `<table>_<field>_key` names the field taken.
    fn write_error(e: sqlx::Error) -> RepoError {
        match map_error(e) {
            RepoError::Duplicate { constraint } => {
                let field = constraint
                    .strip_prefix(D::TABLE)
                    .and_then(|c| c.strip_prefix('_'))
                    .and_then(|c| c.strip_suffix("_key"));
                RepoError::Conflict {
                    code: faireplace_kernel::ErrorCode::Conflict,
                    message: match field {
                        Some(f) => format!("another {} has this {f}", D::NOUN),
                        None => format!("this {} conflicts with an existing one", D::NOUN),
                    },
                }
            }
            other => other,
        }
    }

    fn decode(row: &PgRow) -> Result<Item<D>, RepoError> {
        Item::<D>::from_sql(&mut PgSqlRow(row)).map_err(|error| RepoError::Corrupt {
            table: D::TABLE,
            id: row
                .try_get::<Uuid, _>("id")
                .map(|id| id.to_string())
                .unwrap_or_default(),
            error,
        })
    }
}

/// A row read through [`SqlRow`]: each getter checks the column's type, NULL is `None`.
pub(crate) struct PgSqlRow<'r>(pub(crate) &'r PgRow);

impl PgSqlRow<'_> {
    fn get<T>(&self, column: &str) -> Result<Option<T>, DecodeError>
    where
        T: for<'a> sqlx::Decode<'a, Postgres> + sqlx::Type<Postgres>,
    {
        self.0
            .try_get::<Option<T>, _>(column)
            .map_err(|e| DecodeError::new(column, "", e.to_string()))
    }

    fn type_name(&self, column: &str) -> Result<String, DecodeError> {
        self.0
            .try_column(column)
            .map(|c| c.type_info().name().to_owned())
            .map_err(|e| DecodeError::new(column, "", e.to_string()))
    }
}

impl SqlRow for PgSqlRow<'_> {
    fn text(&mut self, column: &str) -> Result<Option<String>, DecodeError> {
        self.get(column)
    }
    fn int(&mut self, column: &str) -> Result<Option<i64>, DecodeError> {
        match self.type_name(column)?.as_str() {
            "INT2" => Ok(self.get::<i16>(column)?.map(i64::from)),
            "INT4" => Ok(self.get::<i32>(column)?.map(i64::from)),
            _ => self.get::<i64>(column),
        }
    }
    fn decimal(&mut self, column: &str) -> Result<Option<Decimal>, DecodeError> {
        self.get(column)
    }
    fn bool(&mut self, column: &str) -> Result<Option<bool>, DecodeError> {
        self.get(column)
    }
    fn date(&mut self, column: &str) -> Result<Option<NaiveDate>, DecodeError> {
        self.get(column)
    }
    fn timestamp(&mut self, column: &str) -> Result<Option<DateTime<Utc>>, DecodeError> {
        self.get(column)
    }
    fn uuid(&mut self, column: &str) -> Result<Option<Uuid>, DecodeError> {
        self.get(column)
    }
    fn uuid_array(&mut self, column: &str) -> Result<Option<Vec<Uuid>>, DecodeError> {
        self.get(column)
    }
    fn text_array(&mut self, column: &str) -> Result<Option<Vec<String>>, DecodeError> {
        self.get(column)
    }
    fn json(&mut self, column: &str) -> Result<Option<serde_json::Value>, DecodeError> {
        self.get(column)
    }
    fn is_null(&mut self, column: &str) -> Result<bool, DecodeError> {
        self.0
            .try_get_raw(column)
            .map(|v| v.is_null())
            .map_err(|e| DecodeError::new(column, "", e.to_string()))
    }
}

/// Binds a value to a query being built.
pub(crate) fn push_value(qb: &mut QueryBuilder<Postgres>, value: SqlValue) {
    match value {
        SqlValue::Text(v) => qb.push_bind(v),
        SqlValue::Int(v) => qb.push_bind(v),
        SqlValue::BigInt(v) => qb.push_bind(v),
        SqlValue::Decimal(v) => qb.push_bind(v),
        SqlValue::Bool(v) => qb.push_bind(v),
        SqlValue::Date(v) => qb.push_bind(v),
        SqlValue::Timestamp(v) => qb.push_bind(v),
        SqlValue::Uuid(v) => qb.push_bind(v),
        SqlValue::UuidArray(v) => qb.push_bind(v),
        SqlValue::TextArray(v) => qb.push_bind(v),
        SqlValue::Json(v) => qb.push_bind(v),
    };
}

/// A row of a list page, read into its item (or the reason it cannot be).
pub(crate) struct ItemRow<D: Declared>(Result<Item<D>, RepoError>);

impl<'r, D: Declared> sqlx::FromRow<'r, PgRow> for ItemRow<D> {
    fn from_row(row: &'r PgRow) -> Result<Self, sqlx::Error> {
        Ok(ItemRow(PgItems::<D>::decode(row)))
    }
}

impl<D: Declared> TryFrom<ItemRow<D>> for Item<D> {
    type Error = RepoError;
    fn try_from(row: ItemRow<D>) -> Result<Self, RepoError> {
        row.0
    }
}

/// The filters of a list of items: the parent, equality on declared fields, the search.
struct ItemFilters;

impl<D: Declared> ListFilter<Item<D>> for ItemFilters {
    fn push(query: &ListQuery<Item<D>>, qb: &mut QueryBuilder<Postgres>) {
        if let Some(parent) = query.filter.parent
            && has_parent::<D>()
        {
            qb.push(format_args!(" AND {} = ", D::PARENT_FIELD));
            qb.push_bind(parent);
        }
        for (column, value) in &query.filter.equals {
            // Columns come from the declaration, never from the client's text.
            qb.push(format_args!(" AND {column} = "));
            push_value(qb, value.clone());
        }
        push_search(query.search.as_deref(), D::SEARCH, qb);
    }
}

fn columns_list<D: Declared>() -> Vec<(String, SqlKind)> {
    Item::<D>::columns()
        .into_iter()
        .map(|c| (c.name, c.kind))
        .collect()
}

#[async_trait]
impl<D: Declared> Repository<Item<D>> for PgItems<D> {
    async fn insert(
        &self,
        tenant: TenantId,
        item: &Item<D>,
        journal: &Journal,
    ) -> Result<Item<D>, RepoError> {
        let columns = columns_list::<D>();
        let mut qb = QueryBuilder::<Postgres>::new(format!("INSERT INTO {} (tenant_id", D::TABLE));
        for (name, _) in &columns {
            qb.push(format_args!(", {name}"));
        }
        qb.push(") VALUES (");
        qb.push_bind(tenant.as_uuid());
        for value in item.to_sql() {
            qb.push(", ");
            push_value(&mut qb, value);
        }
        qb.push(")");
        Write::new(&self.db, tenant, journal)
            .run(async |tx| {
                qb.build().execute(tx).await.map_err(Self::write_error)?;
                Ok(item.clone())
            })
            .await
    }

    async fn get(&self, tenant: TenantId, id: D::Id) -> Result<Option<Item<D>>, RepoError> {
        use faireplace_kernel::record::IdValue;
        read_item::<ItemRow<D>, _>(&self.db, D::TABLE, tenant, id.to_uuid()).await
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<Item<D>>,
    ) -> Result<Page<Item<D>>, RepoError> {
        list_page::<Item<D>, ItemRow<D>, ItemFilters>(
            &self.db,
            tenant,
            &ListSource::table(D::TABLE),
            query,
            Item::<D>::try_from,
        )
        .await
    }

    async fn update(
        &self,
        tenant: TenantId,
        item: &Item<D>,
        journal: &Journal,
    ) -> Result<Option<Item<D>>, RepoError> {
        use faireplace_kernel::record::IdValue;
        let columns = columns_list::<D>();
        let values = item.to_sql();
        let mut qb = QueryBuilder::<Postgres>::new(format!("UPDATE {} SET ", D::TABLE));
        let mut first = true;
        for ((name, _), value) in columns.iter().zip(values) {
            // Identity, parent and creation time never change.
            if name == "id" || name == "created_at" || name == D::PARENT_FIELD {
                continue;
            }
            if !first {
                qb.push(", ");
            }
            first = false;
            qb.push(format_args!("{name} = "));
            push_value(&mut qb, value);
        }
        qb.push(" WHERE tenant_id = ");
        qb.push_bind(tenant.as_uuid());
        qb.push(" AND id = ");
        qb.push_bind(item.id.to_uuid());
        Write::new(&self.db, tenant, journal)
            .changed(async |tx| {
                let done = qb.build().execute(tx).await.map_err(Self::write_error)?;
                Ok((done.rows_affected() == 1).then(|| item.clone()))
            })
            .await
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: D::Id,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        use faireplace_kernel::record::IdValue;
        Write::new(&self.db, tenant, journal)
            .delete(D::TABLE, id.to_uuid())
            .await
    }
}

/// Whether a row of `table` exists in the tenant: a parent, for what hangs under it.
#[derive(Clone, Debug)]
pub struct PgExists {
    db: Db,
    table: &'static str,
}

impl PgExists {
    pub fn new(db: Db, table: &'static str) -> Self {
        Self { db, table }
    }
}

#[async_trait]
impl faireplace_ports::Exists for PgExists {
    async fn exists(&self, tenant: TenantId, id: Uuid) -> Result<bool, RepoError> {
        let sql = scoped(&format!(
            "SELECT EXISTS (SELECT 1 FROM {} WHERE tenant_id = scope.tenant AND id = $2) AS found",
            self.table
        ));
        let mut lent = self.db.reads().acquire().await?;
        let found = sqlx::query_scalar::<_, bool>(AssertSqlSafe(sql))
            .bind(tenant.as_uuid().to_string())
            .bind(id)
            .fetch_one(lent.conn())
            .await;
        lent.finish(found)
    }
}
