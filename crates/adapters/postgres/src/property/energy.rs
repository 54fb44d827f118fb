//! Energy diagnoses (DPE) of an estate: a history, newest first, each valid ten years (the
//! stored `valid_until` follows `performed_on`).

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::record::DecodeError;
use faireplace_ports::property::ChildFilter;
use faireplace_ports::{ListQuery, RepoError};
use faireplace_property::{EnergyDiagnosis, EnergyDiagnosisData, EnergyDiagnosisId, EstateId};
use rust_decimal::Decimal;
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use super::{corrupt, stored};
use crate::Db;
use crate::common::{ListFilter, Write, s, table_repository, text};

const TABLE: &str = "energy_diagnoses";

/// Energy diagnoses in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgEnergyDiagnoses(pub Db);

#[derive(sqlx::FromRow)]
struct EnergyRow {
    id: Uuid,
    estate_id: Uuid,
    energy_class: String,
    ghg_class: String,
    energy_kwh_m2_year: Decimal,
    ghg_kg_m2_year: Decimal,
    performed_on: NaiveDate,
    estimated_cost_min: Option<Decimal>,
    estimated_cost_max: Option<Decimal>,
    ademe_number: Option<String>,
    media_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<EnergyRow> for EnergyDiagnosis {
    type Error = RepoError;

    fn try_from(r: EnergyRow) -> Result<Self, RepoError> {
        let classes = || -> Result<_, DecodeError> {
            Ok((
                stored("energy_class", r.energy_class)?,
                stored("ghg_class", r.ghg_class)?,
            ))
        };
        let (energy_class, ghg_class) = classes().map_err(corrupt(TABLE, r.id))?;
        Ok(EnergyDiagnosis {
            id: EnergyDiagnosisId(r.id),
            estate_id: EstateId(r.estate_id),
            data: EnergyDiagnosisData {
                energy_class,
                ghg_class,
                energy_kwh_m2_year: r.energy_kwh_m2_year.normalize(),
                ghg_kg_m2_year: r.ghg_kg_m2_year.normalize(),
                performed_on: r.performed_on,
                estimated_cost_min: r.estimated_cost_min.map(|d| d.normalize()),
                estimated_cost_max: r.estimated_cost_max.map(|d| d.normalize()),
                ademe_number: text(r.ademe_number),
                media_id: r.media_id,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// The diagnoses of one estate.
struct ByEstate;

impl ListFilter<EnergyDiagnosis> for ByEstate {
    fn push(query: &ListQuery<EnergyDiagnosis>, qb: &mut QueryBuilder<Postgres>) {
        let ChildFilter { estate_id } = &query.filter;
        qb.push(" AND estate_id = ");
        qb.push_bind(estate_id.0);
    }
}

fn bind_energy<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    d: &'q EnergyDiagnosisData,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    q.bind(d.energy_class.as_str())
        .bind(d.ghg_class.as_str())
        .bind(d.energy_kwh_m2_year)
        .bind(d.ghg_kg_m2_year)
        .bind(d.performed_on)
        .bind(d.valid_until())
        .bind(d.estimated_cost_min)
        .bind(d.estimated_cost_max)
        .bind(s(&d.ademe_number))
        .bind(d.media_id)
}

table_repository!(PgEnergyDiagnoses: EnergyDiagnosis, EnergyRow, ByEstate, TABLE);

async fn insert(w: Write<'_>, e: &EnergyDiagnosis) -> Result<EnergyDiagnosis, RepoError> {
    let q = sqlx::query(
        "INSERT INTO energy_diagnoses (tenant_id, id, estate_id, created_at, updated_at, energy_class, \
         ghg_class, energy_kwh_m2_year, ghg_kg_m2_year, performed_on, valid_until, \
         estimated_cost_min, estimated_cost_max, ademe_number, media_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(w.tenant.as_uuid())
    .bind(e.id.0)
    .bind(e.estate_id.0)
    .bind(e.created_at)
    .bind(e.updated_at);
    w.one(bind_energy(q, &e.data)).await?;
    Ok(e.clone())
}

async fn update(w: Write<'_>, e: &EnergyDiagnosis) -> Result<Option<EnergyDiagnosis>, RepoError> {
    let q = sqlx::query(
        "UPDATE energy_diagnoses SET created_at = $2, updated_at = $3, energy_class = $4, ghg_class = $5, \
         energy_kwh_m2_year = $6, ghg_kg_m2_year = $7, performed_on = $8, valid_until = $9, \
         estimated_cost_min = $10, estimated_cost_max = $11, ademe_number = $12, media_id = $13 \
         WHERE tenant_id = $1 AND id = $14",
    )
    .bind(w.tenant.as_uuid())
    .bind(e.created_at)
    .bind(e.updated_at);
    let q = bind_energy(q, &e.data).bind(e.id.0);
    Ok(w.one(q).await?.then(|| e.clone()))
}
