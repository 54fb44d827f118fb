//! What every repository shares, so that each says only what is its own:
//! - writes: [`Write`], one tenant transaction with its journal, committed only when the write
//!   changed something; [`table_repository!`] declares the `Repository` of a table in one line;
//! - reads: [`read_item`] and [`scoped`] (one statement that sets its tenant), [`list_page`]
//!   and [`window_rows`] with [`Counted`] rows for pages; [`push_eq`] and [`push_search`] for
//!   list filters;
//! - in a transaction: [`row_in`], [`value_in`], [`find_in`],
//!   [`delete_in`];
//! - address columns, ILIKE patterns, stored enumerations.

use faireplace_kernel::paging::SortField;
use faireplace_kernel::values::{Address, Text};
use faireplace_kernel::{Page, PageRequest, TenantId};
use faireplace_ports::audit::Journal;
use faireplace_ports::{ListQuery, RepoError, Resource};
use sqlx::{AssertSqlSafe, PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::error::map_error;

/// Address columns of a party row.
#[derive(sqlx::FromRow)]
pub(crate) struct AddressColumns {
    pub(crate) address_street: Option<String>,
    pub(crate) address_postal_code: Option<String>,
    pub(crate) address_city: Option<String>,
    pub(crate) address_country: Option<String>,
}

pub(crate) fn text(v: Option<String>) -> Option<Text> {
    v.map(Text::from_trusted)
}

pub(crate) fn s<T: AsRef<str>>(v: &Option<T>) -> Option<&str> {
    v.as_ref().map(AsRef::as_ref)
}

pub(crate) fn address_parts(a: &Option<Address>) -> [Option<&str>; 4] {
    match a {
        Some(a) => [
            Some(a.street.as_str()),
            Some(a.postal_code.as_str()),
            Some(a.city.as_str()),
            Some(a.country.as_str()),
        ],
        None => [None; 4],
    }
}

/// Escapes `%`, `_` and `\` for ILIKE and wraps the term in `%…%`.
pub(crate) fn like_pattern(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    out.push('%');
    for c in term.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// `AND (a ILIKE $n OR b ILIKE $m…)`: the list's free-text search over `columns`, wildcards in
/// the term taken literally; nothing when the list searches no column.
pub(crate) fn push_search(search: Option<&str>, columns: &[&str], qb: &mut QueryBuilder<Postgres>) {
    let Some(term) = search.filter(|t| !t.trim().is_empty() && !columns.is_empty()) else {
        return;
    };
    let pattern = like_pattern(term);
    qb.push(" AND (");
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            qb.push(" OR ");
        }
        qb.push(format_args!("{column} ILIKE "));
        qb.push_bind(pattern.clone());
    }
    qb.push(")");
}

/// The filters of a list, as SQL pushed after `WHERE tenant_id = $1`.
pub(crate) trait ListFilter<R: Resource> {
    fn push(query: &ListQuery<R>, qb: &mut QueryBuilder<Postgres>);
}

/// What a list reads: a table, and what is added to the rows of the page only.
pub(crate) struct ListSource {
    pub table: &'static str,
    /// Columns computed for the rows of the page (`, expr AS name…`), over the alias `page`.
    pub columns: &'static str,
    /// Joins those columns need (`LEFT JOIN places p ON … page.place_id`).
    pub joins: &'static str,
}

impl ListSource {
    pub(crate) const fn table(table: &'static str) -> Self {
        Self {
            table,
            columns: "",
            joins: "",
        }
    }
}

/// Runs a list query in one statement (see [`scoped`] for how it sets its tenant): the page is
/// cut from the bare table first, in index order when the sort allows; the total comes from one
/// count; joined and derived columns are computed for the rows of the page only. A second
/// statement runs only when the page is past the end (no row to carry the total).
pub(crate) async fn list_page<R, Row, F>(
    db: &Db,
    tenant: TenantId,
    source: &ListSource,
    query: &ListQuery<R>,
    convert: impl Fn(Row) -> Result<R, RepoError>,
) -> Result<Page<R>, RepoError>
where
    R: Resource,
    F: ListFilter<R>,
    Row: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    let table = source.table;
    let mut qb =
        QueryBuilder::<Postgres>::new("SELECT q.* FROM (SELECT set_config('app.tenant_id', ");
    qb.push_bind(tenant.as_uuid().to_string());
    // The count is a one-row FROM item, computed once; in the select list it would be a
    // sub-plan run for every row of the page.
    qb.push(format_args!(
        "::text, true)::uuid AS tenant) AS scope CROSS JOIN LATERAL (\
         SELECT page.*, counted.total{} FROM (SELECT count(*) AS total FROM {table} \
         WHERE tenant_id = scope.tenant",
        source.columns
    ));
    F::push(query, &mut qb);
    qb.push(format_args!(
        ") AS counted CROSS JOIN (SELECT * FROM {table} WHERE tenant_id = scope.tenant"
    ));
    F::push(query, &mut qb);
    let direction = if query.sort.descending { "DESC" } else { "ASC" };
    // The sort column comes from a closed enum, never from the client's text.
    let column = query.sort.field.name();
    qb.push(format_args!(
        " ORDER BY {column} {direction} NULLS LAST, id {direction} LIMIT "
    ));
    qb.push_bind(i64::from(query.page.limit()));
    qb.push(" OFFSET ");
    qb.push_bind(query.page.offset() as i64);
    // The page's order again, outside: SQL keeps no order through a join unless asked.
    qb.push(format_args!(
        ") AS page {}) AS q ORDER BY q.{column} {direction} NULLS LAST, q.id {direction}",
        source.joins
    ));
    let mut lent = db.reads().acquire_generic().await?;
    let rows: Vec<Counted<Row>> = match qb.build_query_as().fetch_all(lent.conn()).await {
        Ok(rows) => rows,
        Err(e) => return lent.finish(Err(e)),
    };
    let total = match rows.first() {
        Some(row) => lent.finish(Ok(row.total))?,
        None if query.page.offset() > 0 => {
            let mut count = QueryBuilder::<Postgres>::new(
                "SELECT q.n FROM (SELECT set_config('app.tenant_id', ",
            );
            count.push_bind(tenant.as_uuid().to_string());
            count.push(format_args!(
                "::text, true)::uuid AS tenant) AS scope CROSS JOIN LATERAL (\
                 SELECT count(*) AS n FROM {table} WHERE tenant_id = scope.tenant"
            ));
            F::push(query, &mut count);
            count.push(" OFFSET 0) AS q");
            let counted = count
                .build_query_scalar::<i64>()
                .fetch_one(lent.conn())
                .await;
            lent.finish(counted)?
        }
        None => lent.finish(Ok(0))?,
    };
    page_of(rows.into_iter().map(|r| r.row), query.page, total, convert)
}

/// A row of a list and the count of the whole list, which every row of a page carries (the
/// column `total`: `count(*) OVER () AS total`, or the count [`list_page`] joins).
pub(crate) struct Counted<Row> {
    pub(crate) row: Row,
    pub(crate) total: i64,
}

impl<'r, Row: sqlx::FromRow<'r, sqlx::postgres::PgRow>> sqlx::FromRow<'r, sqlx::postgres::PgRow>
    for Counted<Row>
{
    fn from_row(r: &'r sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row as _;
        Ok(Self {
            row: Row::from_row(r)?,
            total: r.try_get("total")?,
        })
    }
}

/// The page of `rows`, each read with `convert`, out of `total`.
pub(crate) fn page_of<Row, T>(
    rows: impl IntoIterator<Item = Row>,
    request: PageRequest,
    total: i64,
    convert: impl Fn(Row) -> Result<T, RepoError>,
) -> Result<Page<T>, RepoError> {
    Ok(Page {
        items: rows.into_iter().map(convert).collect::<Result<_, _>>()?,
        request,
        total: u64::try_from(total).unwrap_or(0),
    })
}

/// The query of a window page being bound: the tenant is `$1`, the caller binds its own
/// parameters from `$2`, then the page's limit and offset follow them.
pub(crate) type PageQuery<'q, Row> =
    sqlx::query::QueryAs<'q, Postgres, Counted<Row>, sqlx::postgres::PgArguments>;

/// Reads one page of a list whose rows carry `count(*) OVER () AS total`, in one statement
/// that sets its tenant (`inner` as for [`scoped`]): `bind` binds the list's own parameters,
/// then the limit and the offset are bound after them. The rows come in no order (see
/// [`scoped`]): the caller sorts them again, then makes the page with [`counted_page`].
pub(crate) async fn window_rows<'q, Row>(
    db: &Db,
    tenant: TenantId,
    inner: &str,
    page: PageRequest,
    bind: impl FnOnce(PageQuery<'q, Row>) -> PageQuery<'q, Row>,
) -> Result<Vec<Counted<Row>>, RepoError>
where
    Row: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    let mut lent = db.reads().acquire().await?;
    let query = sqlx::query_as(AssertSqlSafe(scoped(inner))).bind(tenant.as_uuid().to_string());
    let rows = bind(query)
        .bind(i64::from(page.limit()))
        .bind(page.offset() as i64)
        .fetch_all(lent.conn())
        .await;
    lent.finish(rows)
}

/// [`page_of`] for rows that carry the list's total (none past the end: then 0).
pub(crate) fn counted_page<Row, T>(
    rows: Vec<Counted<Row>>,
    request: PageRequest,
    convert: impl Fn(Row) -> Result<T, RepoError>,
) -> Result<Page<T>, RepoError> {
    let total = rows.first().map_or(0, |r| r.total);
    page_of(rows.into_iter().map(|r| r.row), request, total, convert)
}

/// One write of a tenant, with the journal it leaves: how every hand-written repository
/// writes. Its statements run in one tenant transaction ([`Db::tenant_tx`]); the journal is
/// written in that transaction, only when the write changed something, then it commits. An
/// error, or nothing changed, rolls back.
#[derive(Clone, Copy)]
pub(crate) struct Write<'a> {
    pub(crate) db: &'a Db,
    pub(crate) tenant: TenantId,
    pub(crate) journal: &'a Journal,
}

impl<'a> Write<'a> {
    pub(crate) fn new(db: &'a Db, tenant: TenantId, journal: &'a Journal) -> Self {
        Self {
            db,
            tenant,
            journal,
        }
    }

    /// Runs `work` on the transaction, then writes the journal and commits.
    pub(crate) async fn run<T>(
        self,
        work: impl AsyncFnOnce(&mut PgConnection) -> Result<T, RepoError>,
    ) -> Result<T, RepoError> {
        self.changed(async |tx| work(tx).await.map(Some))
            .await
            .map(|done| done.expect("a write that always changes"))
    }

    /// [`Write::run`] for a write that may find nothing to change (`None`): then no journal,
    /// and the transaction rolls back.
    pub(crate) async fn changed<T>(
        self,
        work: impl AsyncFnOnce(&mut PgConnection) -> Result<Option<T>, RepoError>,
    ) -> Result<Option<T>, RepoError> {
        let mut tx = self.db.tenant_tx(self.tenant).await?;
        let Some(done) = work(&mut tx).await? else {
            return Ok(None);
        };
        crate::journal::write(&mut tx, self.tenant, self.journal).await?;
        tx.commit().await.map_err(map_error)?;
        Ok(Some(done))
    }

    /// [`Write::changed`] for a write that tells whether it changed anything.
    pub(crate) async fn done(
        self,
        work: impl AsyncFnOnce(&mut PgConnection) -> Result<bool, RepoError>,
    ) -> Result<bool, RepoError> {
        let changed = self
            .changed(async |tx| Ok(work(tx).await?.then_some(())))
            .await?;
        Ok(changed.is_some())
    }

    /// One statement that touches at most one row: whether it did (the journal is written
    /// only then).
    pub(crate) async fn one(
        self,
        query: sqlx::query::Query<'_, Postgres, sqlx::postgres::PgArguments>,
    ) -> Result<bool, RepoError> {
        one_row(self, query, map_error).await
    }

    /// Deletes row `id` of `table`: whether it was there; a row still referenced is
    /// [`RepoError::InUse`].
    pub(crate) async fn delete(self, table: &str, id: Uuid) -> Result<bool, RepoError> {
        self.done(async |tx| delete_in(tx, self.tenant, table, id).await)
            .await
    }

    /// [`Write::one`] for a DELETE: a row still referenced is [`RepoError::InUse`].
    pub(crate) async fn delete_query(
        self,
        query: sqlx::query::Query<'_, Postgres, sqlx::postgres::PgArguments>,
    ) -> Result<bool, RepoError> {
        one_row(self, query, crate::error::map_delete_error).await
    }
}

/// Deletes row `id` of `table` in the caller's transaction: whether it was there; a row still
/// referenced is [`RepoError::InUse`].
pub(crate) async fn delete_in(
    conn: &mut PgConnection,
    tenant: TenantId,
    table: &str,
    id: Uuid,
) -> Result<bool, RepoError> {
    let sql = format!("DELETE FROM {table} WHERE tenant_id = $1 AND id = $2");
    let done = sqlx::query(AssertSqlSafe(sql))
        .bind(tenant.as_uuid())
        .bind(id)
        .execute(conn)
        .await
        .map_err(crate::error::map_delete_error)?;
    Ok(done.rows_affected() == 1)
}

/// The row (or none) that `sql` finds for the tenant (`$1`) and `id` (`$2`) in the caller's
/// transaction: a lock, or what a write refers to.
pub(crate) async fn find_in<Row>(
    conn: &mut PgConnection,
    sql: impl sqlx::SqlSafeStr,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<Row>, RepoError>
where
    Row: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    sqlx::query_as(sql)
        .bind(tenant.as_uuid())
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(map_error)
}

/// [`find_in`] for one column.
pub(crate) async fn find_scalar_in<T>(
    conn: &mut PgConnection,
    sql: impl sqlx::SqlSafeStr,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<T>, RepoError>
where
    T: Send + Unpin,
    (T,): for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    Ok(find_in::<(T,)>(conn, sql, tenant, id).await?.map(|(v,)| v))
}

/// `SELECT {columns} FROM {table}` for row `id` of the tenant; table and columns are the
/// repositories' own names, never a client's text.
fn by_id(columns: &str, table: &str, lock: Lock) -> AssertSqlSafe<String> {
    let lock = if lock == Lock::ForUpdate {
        " FOR UPDATE"
    } else {
        ""
    };
    AssertSqlSafe(format!(
        "SELECT {columns} FROM {table} WHERE tenant_id = $1 AND id = $2{lock}"
    ))
}

/// Row `id` of `table` in the caller's transaction (`None`: no such row in the tenant).
pub(crate) async fn row_in<Row>(
    conn: &mut PgConnection,
    tenant: TenantId,
    table: &str,
    id: Uuid,
) -> Result<Option<Row>, RepoError>
where
    Row: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    find_in(conn, by_id("*", table, Lock::No), tenant, id).await
}

/// Whether a read in a transaction locks the row it reads (`FOR UPDATE`) for the rest of
/// the transaction.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lock {
    No,
    ForUpdate,
}

/// Column `column` of row `id` of `table` in the caller's transaction (`None`: no such row).
pub(crate) async fn value_in<T>(
    conn: &mut PgConnection,
    tenant: TenantId,
    table: &str,
    column: &str,
    id: Uuid,
    lock: Lock,
) -> Result<Option<T>, RepoError>
where
    T: Send + Unpin,
    (T,): for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    find_scalar_in(conn, by_id(column, table, lock), tenant, id).await
}

/// Reads item `id` from `source` (see [`read_source`]) through its row type `Row`, on a
/// connection lent for this one read.
pub(crate) async fn read_item<Row, T>(
    db: &Db,
    source: &str,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<T>, RepoError>
where
    Row: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    T: TryFrom<Row, Error = RepoError>,
{
    let mut lent = db.reads().acquire().await?;
    let result = read_source::<Row>(lent.conn(), source, tenant, id).await;
    lent.finish(result)?.map(T::try_from).transpose()
}

/// `AND column = value`, when the list is filtered on `column`.
pub(crate) fn push_eq<'t, T>(qb: &mut QueryBuilder<Postgres>, column: &str, value: Option<T>)
where
    T: sqlx::Encode<'t, Postgres> + sqlx::Type<Postgres>,
{
    if let Some(value) = value {
        qb.push(format_args!(" AND {column} = "));
        qb.push_bind(value);
    }
}

/// The `Repository` of a resource kept in a table of its own, by a repository `struct
/// $repo(Db)`, declared in one line:
/// `table_repository!(PgThings: Thing, ThingRow, ThingFilters, "things");`
/// - `get` reads row `id` of the table into the row type, then the item by `TryFrom`;
/// - `list` pages the table with the filters (a [`ListFilter`]);
/// - `insert` and `update` are the functions `insert` and `update` of the repository's
///   module, which take a [`Write`] and the item;
/// - `delete` deletes the row of the table ([`Write::delete`]), or with `own delete` is the
///   module's function `delete`, which takes a [`Write`] and the id's `Uuid`.
///
/// `read SOURCE, list LIST` read from a subquery aliased like the table (`get`) and a
/// [`ListSource`] (`list`) instead: for derived columns.
macro_rules! table_repository {
    ($repo:ident: $item:ty, $row:ty, $filters:ty, $table:expr
        $(, read $read:expr, list $list:expr)? $(, own $delete:ident)?) => {
        $crate::common::table_repository!(@impl $repo, $item, $row, $filters, $table,
            [$($read)?], [$(&$list)?], [$($delete)?]);
    };
    (@or [$given:expr] [$default:expr]) => { $given };
    (@or [] [$default:expr]) => { $default };
    (@impl $repo:ident, $item:ty, $row:ty, $filters:ty, $table:expr,
        [$($read:expr)?], [$($list:expr)?], [$($delete:ident)?]) => {
        #[async_trait::async_trait]
        impl faireplace_ports::Repository<$item> for $repo {
            async fn insert(
                &self,
                tenant: faireplace_kernel::TenantId,
                item: &$item,
                journal: &faireplace_ports::audit::Journal,
            ) -> Result<$item, faireplace_ports::RepoError> {
                insert(crate::common::Write::new(&self.0, tenant, journal), item).await
            }

            async fn get(
                &self,
                tenant: faireplace_kernel::TenantId,
                id: <$item as faireplace_ports::Resource>::Id,
            ) -> Result<Option<$item>, faireplace_ports::RepoError> {
                let source = $crate::common::table_repository!(@or [$($read)?] [$table]);
                crate::common::read_item::<$row, $item>(&self.0, source, tenant, id.0).await
            }

            async fn list(
                &self,
                tenant: faireplace_kernel::TenantId,
                query: &faireplace_ports::ListQuery<$item>,
            ) -> Result<faireplace_kernel::Page<$item>, faireplace_ports::RepoError> {
                let source = $crate::common::table_repository!(@or [$($list)?]
                    [&crate::common::ListSource::table($table)]);
                crate::common::list_page::<$item, $row, $filters>(
                    &self.0,
                    tenant,
                    source,
                    query,
                    <$item>::try_from,
                )
                .await
            }

            async fn update(
                &self,
                tenant: faireplace_kernel::TenantId,
                item: &$item,
                journal: &faireplace_ports::audit::Journal,
            ) -> Result<Option<$item>, faireplace_ports::RepoError> {
                update(crate::common::Write::new(&self.0, tenant, journal), item).await
            }

            async fn delete(
                &self,
                tenant: faireplace_kernel::TenantId,
                id: <$item as faireplace_ports::Resource>::Id,
                journal: &faireplace_ports::audit::Journal,
            ) -> Result<bool, faireplace_ports::RepoError> {
                let write = crate::common::Write::new(&self.0, tenant, journal);
                $crate::common::table_repository!(@or [$($delete(write, id.0).await)?]
                    [write.delete($table, id.0).await])
            }
        }
    };
}
pub(crate) use table_repository;

/// One statement that touches at most one row, with `on_error` for its errors.
async fn one_row(
    write: Write<'_>,
    query: sqlx::query::Query<'_, Postgres, sqlx::postgres::PgArguments>,
    on_error: fn(sqlx::Error) -> RepoError,
) -> Result<bool, RepoError> {
    write
        .done(async |tx| {
            let done = query.execute(tx).await.map_err(on_error)?;
            Ok(done.rows_affected() == 1)
        })
        .await
}

/// Reads one row by id from a relation `source` (a table, or a subquery aliased like one), in a
/// transaction of the caller's or on its own (see [`scoped`]).
pub(crate) async fn read_source<'e, Row>(
    conn: impl sqlx::PgExecutor<'e>,
    source: &str,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<Row>, sqlx::Error>
where
    Row: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    let sql = scoped(&format!(
        "SELECT * FROM {source} WHERE tenant_id = scope.tenant AND id = $2"
    ));
    sqlx::query_as(AssertSqlSafe(sql))
        .bind(tenant.as_uuid().to_string())
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Wraps a read so that it sets its own tenant, in one statement and one round trip.
///
/// `inner` filters on `scope.tenant` (and takes its own parameters from `$2`); the tenant is
/// bound as `$1`. `OFFSET 0` keeps the planner from flattening `inner` into the outer query
/// (where it would merge `tenant_id = scope.tenant` with the row-level security predicate and
/// drop the lateral dependency), so `inner` runs as the inner side of a nested loop whose outer
/// side, `scope`, has already called `set_config`: row-level security sees the tenant. Outside
/// a transaction block the setting is local to the statement's own implicit transaction: it is
/// gone when the statement ends. Were the order ever different, the policies would see no
/// tenant and return nothing: the failure mode is an empty answer, never another tenant's
/// rows. List queries get the same fence from their own `LIMIT … OFFSET`.
pub(crate) fn scoped(inner: &str) -> String {
    format!(
        "SELECT q.* FROM (SELECT set_config('app.tenant_id', $1::text, true)::uuid AS tenant) AS scope \
         CROSS JOIN LATERAL ({inner} OFFSET 0) AS q"
    )
}

/// A stored value of row `id` of `table` that cannot be read back: an error naming them, never
/// a made-up value.
pub(crate) fn corrupt(
    table: &'static str,
    id: Uuid,
    column: &str,
    value: impl Into<String>,
    reason: impl Into<String>,
) -> RepoError {
    RepoError::Corrupt {
        table,
        id: id.to_string(),
        error: faireplace_kernel::record::DecodeError::new(column, value, reason),
    }
}

/// Reads the stored name of an enumeration (`column` of row `id` of `table`): an unknown name
/// is [`RepoError::Corrupt`].
pub(crate) fn stored_enum<E: faireplace_kernel::TextEnum>(
    table: &'static str,
    id: Uuid,
    column: &str,
    value: &str,
) -> Result<E, RepoError> {
    E::parse(value).map_err(|_| corrupt(table, id, column, value, format!("not a {}", E::NAME)))
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern(" du%pont_\\ "), "%du\\%pont\\_\\\\%");
    }
}
