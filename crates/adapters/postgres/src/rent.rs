//! Rent regulation reference data in PostgreSQL (platform tables: no tenant).

use async_trait::async_trait;
use chrono::NaiveDate;
use faireplace_kernel::{Page, PageRequest};
use faireplace_leases::Quarter;
use faireplace_ports::RepoError;
use faireplace_ports::rent::{CountryReference, IndexValue, RentIndexStore};
use rust_decimal::Decimal;

use crate::Db;
use crate::common::{Counted, page_of};
use crate::error::map_error;
use crate::stored::Stored;

/// Countries and index series in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgRentIndices(pub Db);

#[derive(sqlx::FromRow)]
struct IndexRow {
    index_code: String,
    quarter: String,
    value: Decimal,
    published_on: Option<NaiveDate>,
}

impl TryFrom<IndexRow> for IndexValue {
    type Error = RepoError;
    fn try_from(r: IndexRow) -> Result<Self, RepoError> {
        // The table's key: the series and the quarter.
        let stored = Stored::row(
            "rent_indices",
            format_args!("{}/{}", r.index_code, r.quarter),
        );
        Ok(IndexValue {
            quarter: stored.parse("quarter", &r.quarter, str::parse::<Quarter>)?,
            index: r.index_code,
            value: r.value.normalize(),
            published_on: r.published_on,
        })
    }
}

/// The one value of `index` a statement reads (`$1` the index, `$2` what picks the value).
async fn one_index<A>(
    db: &Db,
    sql: &'static str,
    index: &str,
    arg: A,
) -> Result<Option<IndexValue>, RepoError>
where
    A: for<'q> sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send,
{
    let row: Option<IndexRow> = sqlx::query_as(sql)
        .bind(index)
        .bind(arg)
        .fetch_optional(db.pool())
        .await
        .map_err(map_error)?;
    row.map(IndexValue::try_from).transpose()
}

#[async_trait]
impl RentIndexStore for PgRentIndices {
    async fn countries(&self) -> Result<Vec<CountryReference>, RepoError> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT code, name, currency, rent_index FROM country_references ORDER BY code",
        )
        .fetch_all(self.0.pool())
        .await
        .map_err(map_error)?;
        Ok(rows
            .into_iter()
            .map(|(code, name, currency, rent_index)| CountryReference {
                code,
                name,
                currency,
                rent_index,
            })
            .collect())
    }

    async fn indices(&self, index: &str, page: PageRequest) -> Result<Page<IndexValue>, RepoError> {
        let rows: Vec<Counted<IndexRow>> = sqlx::query_as(
            "SELECT index_code, quarter, value, published_on, count(*) OVER () AS total \
             FROM rent_indices WHERE index_code = $1 ORDER BY quarter LIMIT $2 OFFSET $3",
        )
        .bind(index)
        .bind(i64::from(page.limit()))
        .bind(page.offset() as i64)
        .fetch_all(self.0.pool())
        .await
        .map_err(map_error)?;
        let total = match rows.first() {
            Some(r) => r.total,
            None => sqlx::query_scalar("SELECT count(*) FROM rent_indices WHERE index_code = $1")
                .bind(index)
                .fetch_one(self.0.pool())
                .await
                .map_err(map_error)?,
        };
        page_of(
            rows.into_iter().map(|r| r.row),
            page,
            total,
            IndexValue::try_from,
        )
    }

    async fn index_value(
        &self,
        index: &str,
        quarter: Quarter,
    ) -> Result<Option<IndexValue>, RepoError> {
        one_index(
            &self.0,
            "SELECT index_code, quarter, value, published_on FROM rent_indices \
             WHERE index_code = $1 AND quarter = $2",
            index,
            quarter.to_string(),
        )
        .await
    }

    async fn latest_published(
        &self,
        index: &str,
        on: NaiveDate,
    ) -> Result<Option<IndexValue>, RepoError> {
        one_index(
            &self.0,
            "SELECT index_code, quarter, value, published_on FROM rent_indices \
             WHERE index_code = $1 AND coalesce(published_on, (make_date(left(quarter, 4)::int, \
               right(quarter, 1)::int * 3, 15) + interval '1 month')::date) <= $2 \
             ORDER BY quarter DESC LIMIT 1",
            index,
            on,
        )
        .await
    }

    async fn add_index(&self, v: &IndexValue) -> Result<(), RepoError> {
        sqlx::query(
            "INSERT INTO rent_indices (index_code, quarter, value, published_on) VALUES ($1, $2, $3, $4)",
        )
        .bind(&v.index)
        .bind(v.quarter.to_string())
        .bind(v.value)
        .bind(v.published_on)
        .execute(self.0.pool())
        .await
        .map_err(map_error)?;
        Ok(())
    }
}
