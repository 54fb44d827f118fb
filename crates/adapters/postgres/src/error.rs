//! sqlx errors turned into storage errors the use cases understand.

use faireplace_ports::RepoError;
use sqlx::postgres::PgDatabaseError;

/// Maps a database error by SQLSTATE and constraint.
pub fn map_error(error: sqlx::Error) -> RepoError {
    match &error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => return RepoError::Unavailable(Box::new(error)),
        _ => {}
    }
    let Some(db) = error
        .as_database_error()
        .and_then(|e| e.try_downcast_ref::<PgDatabaseError>())
    else {
        return RepoError::Unknown(Box::new(error));
    };
    let code = db.code();
    let constraint = db.constraint().unwrap_or_default().to_owned();
    match code {
        "23505" => RepoError::Duplicate { constraint },
        "23503" => {
            let detail = db.detail().unwrap_or_default();
            if detail.contains("is still referenced from table") {
                RepoError::InUse {
                    by: quoted_table(detail).replace('_', " "),
                }
            } else {
                // With row-level security on the referenced table, PostgreSQL leaves the key
                // out of the detail; the constraint's name (`<table>_<field>_fkey`) still says.
                let field = referencing_field(detail)
                    .or_else(|| field_of_constraint(db.table(), &constraint))
                    .unwrap_or(constraint);
                RepoError::MissingReference { field }
            }
        }
        // connection exceptions, shutdown, too many connections, cannot connect now
        c if c.starts_with("08") || c.starts_with("57P") || c == "53300" => {
            RepoError::Unavailable(Box::new(error))
        }
        // statement timeout
        "57014" => RepoError::Unavailable(Box::new(error)),
        _ => RepoError::Unknown(Box::new(error)),
    }
}

/// `… from table "api_keys".` → `api_keys`
fn quoted_table(detail: &str) -> String {
    detail
        .split('"')
        .nth(1)
        .map(str::to_owned)
        .unwrap_or_else(|| "other records".to_owned())
}

/// `Key (tenant_id, lessee_id)=(…) is not present in table "lessees".` → `lessee_id`
fn referencing_field(detail: &str) -> Option<String> {
    let columns = detail.strip_prefix("Key (")?.split(')').next()?;
    let field = columns
        .split(',')
        .map(str::trim)
        .rfind(|c| *c != "tenant_id")?;
    Some(field.to_owned())
}

/// `estates_type_id_fkey` on `estates` → `type_id`
fn field_of_constraint(table: Option<&str>, constraint: &str) -> Option<String> {
    constraint
        .strip_prefix(table?)?
        .strip_prefix('_')?
        .strip_suffix("_fkey")
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_read() {
        assert_eq!(
            quoted_table(
                r#"Key (tenant_id, id)=(a, b) is still referenced from table "api_keys"."#
            ),
            "api_keys"
        );
        assert_eq!(
            referencing_field(
                r#"Key (tenant_id, lessee_id)=(a, b) is not present in table "lessees"."#
            )
            .as_deref(),
            Some("lessee_id")
        );
        assert_eq!(
            field_of_constraint(Some("estates"), "estates_type_id_fkey").as_deref(),
            Some("type_id")
        );
        assert_eq!(
            field_of_constraint(Some("rooms"), "estates_type_id_fkey"),
            None
        );
    }
}
