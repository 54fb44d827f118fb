//! sqlx errors turned into storage errors the use cases understand.

use faireplace_ports::RepoError;
use sqlx::postgres::PgDatabaseError;

/// Maps the error of a statement that inserts or updates, by SQLSTATE and constraint: a
/// foreign key violated is a reference to nothing (the constraint, `<table>_<field>_fkey`,
/// names the field).
pub fn map_error(error: sqlx::Error) -> RepoError {
    map_sql_error(false, error)
}

/// Maps the error of a statement that deletes: a foreign key violated is a row still
/// referenced (by the rows of the table PostgreSQL names).
pub fn map_delete_error(error: sqlx::Error) -> RepoError {
    map_sql_error(true, error)
}

/// `field` refers to nothing (in this tenant).
pub(crate) fn missing(field: &str) -> RepoError {
    RepoError::MissingReference {
        field: field.to_owned(),
    }
}

/// A rule about `field` that the stored rows refuse.
pub(crate) fn rule(field: &str, message: impl Into<String>) -> RepoError {
    RepoError::Rule {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// A conflict with what is stored, answered with `code`.
pub(crate) fn conflict(
    code: faireplace_kernel::ErrorCode,
    message: impl Into<String>,
) -> RepoError {
    RepoError::Conflict {
        code,
        message: message.into(),
    }
}

fn map_sql_error(deleting: bool, error: sqlx::Error) -> RepoError {
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
    let table = db.table().unwrap_or_default();
    match code {
        // A unique constraint, or an exclusion (two periods that overlap).
        "23505" | "23P01" => RepoError::Duplicate { constraint },
        "23503" if deleting => RepoError::InUse {
            by: noun_of_table(table).to_owned(),
        },
        "23503" => RepoError::MissingReference {
            field: field_of_constraint(Some(table), &constraint)
                .unwrap_or_else(|| "a reference".to_owned()),
        },
        // connection exceptions, shutdown, too many connections, cannot connect now
        c if c.starts_with("08") || c.starts_with("57P") || c == "53300" => {
            RepoError::Unavailable(Box::new(error))
        }
        // statement timeout
        "57014" => RepoError::Unavailable(Box::new(error)),
        _ => RepoError::Unknown(Box::new(error)),
    }
}

/// The nouns of the tables of declared resources (their repositories name them when made).
static DECLARED_NOUNS: std::sync::RwLock<Vec<(&'static str, &'static str)>> =
    std::sync::RwLock::new(Vec::new());

/// Names the rows of `table` for clients (`"bank accounts"`).
pub(crate) fn name_table(table: &'static str, plural: &'static str) {
    if let Ok(mut nouns) = DECLARED_NOUNS.write()
        && !nouns.iter().any(|(t, _)| *t == table)
    {
        nouns.push((table, plural));
    }
}

/// What a client reads for rows of `table` ("still referenced by leases"): never the table's
/// own name.
pub fn noun_of_table(table: &str) -> &'static str {
    if let Ok(nouns) = DECLARED_NOUNS.read()
        && let Some((_, noun)) = nouns.iter().find(|(t, _)| *t == table)
    {
        return noun;
    }
    match table {
        "owners" => "estates' owners",
        "contacts" => "contacts",
        "lessees" => "lessees",
        "api_keys" => "API keys",
        "property_types" => "types",
        "places" => "places",
        "estates" => "estates",
        "rooms" => "rooms",
        "equipment" => "equipment",
        "inventory_items" => "inventory items",
        "estate_keys" => "keys",
        "key_handovers" => "key hand-overs",
        "media" => "files",
        "energy_diagnoses" => "energy diagnoses",
        "estate_diagnostics" => "diagnostics",
        "lease_types" => "lease types",
        "leases" => "leases",
        "lease_lessees" => "leases (as a lessee)",
        "lease_guarantors" => "leases (as a guarantor)",
        "lease_rent_history" => "rent revisions",
        "charge_categories" => "charge categories",
        "distribution_keys" => "distribution keys",
        "place_services" => "place services",
        "lease_charges" => "lease charges",
        "freeze_periods" => "freeze periods",
        "charge_expenses" => "charge expenses",
        "charge_reviews" => "charge reviews",
        "meters" => "meters",
        "meter_readings" => "meter readings",
        "lease_meters" => "leases' meters",
        "distribution_references" => "distribution references",
        "charge_notifications" => "notifications",
        "charge_regulations" => "regulations",
        "credit_transactions" => "credit transactions",
        "lease_annexes" => "lease annexes",
        "signatures" => "signature processes",
        "signature_signers" => "signers",
        "payments" => "payments",
        _ => "other records",
    }
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
    fn constraints_name_their_field() {
        assert_eq!(
            field_of_constraint(Some("estates"), "estates_type_id_fkey").as_deref(),
            Some("type_id")
        );
        assert_eq!(
            field_of_constraint(Some("rooms"), "estates_type_id_fkey"),
            None
        );
        assert_eq!(noun_of_table("lease_charges"), "lease charges");
        assert_eq!(noun_of_table("pg_secret"), "other records");
    }
}
