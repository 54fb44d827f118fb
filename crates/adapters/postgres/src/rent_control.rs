//! Rent control zones and reference rents in PostgreSQL (platform tables: no tenant).

use async_trait::async_trait;
use chrono::NaiveDate;
use faireplace_kernel::{Page, PageRequest};
use faireplace_ports::RepoError;
use faireplace_ports::rent::{
    ReferenceRentCell, ReferenceRentLoad, ReferenceRents, RentControlStore, RentControlZone,
};
use faireplace_property::ConstructionPeriod;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::Db;
use crate::common::{Counted, counted_page};
use crate::error::map_error;
use crate::stored::Stored;

#[derive(Clone, Debug)]
pub struct PgRentControl(pub Db);

#[derive(sqlx::FromRow)]
struct CellRow {
    zone_id: Uuid,
    rooms: i16,
    construction_period: String,
    furnished: bool,
    reference_m2: Decimal,
    increased_m2: Decimal,
    reduced_m2: Decimal,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
}

impl TryFrom<CellRow> for ReferenceRentCell {
    type Error = RepoError;
    fn try_from(r: CellRow) -> Result<Self, RepoError> {
        // The table's key: the zone, the cell, the first day of validity.
        let stored = Stored::row(
            "reference_rents",
            format_args!(
                "{}/{}/{}/{}/{}",
                r.zone_id, r.rooms, r.construction_period, r.furnished, r.valid_from
            ),
        );
        Ok(ReferenceRentCell {
            zone_id: r.zone_id,
            rents: ReferenceRents {
                rooms: r.rooms,
                construction_period: stored.name("construction_period", &r.construction_period)?,
                furnished: r.furnished,
                reference_m2: r.reference_m2.normalize(),
                increased_m2: r.increased_m2.normalize(),
                reduced_m2: r.reduced_m2.normalize(),
                valid_from: r.valid_from,
                valid_to: r.valid_to,
            },
        })
    }
}

fn total_of(first: Option<i64>) -> u64 {
    u64::try_from(first.unwrap_or(0)).unwrap_or(0)
}

#[async_trait]
impl RentControlStore for PgRentControl {
    async fn zones(&self, page: PageRequest) -> Result<Page<RentControlZone>, RepoError> {
        let rows: Vec<(Uuid, String, String, String, i64)> = sqlx::query_as(
            "SELECT id, city, code, name, count(*) OVER () FROM rent_control_zones \
             ORDER BY city, length(code), code LIMIT $1 OFFSET $2",
        )
        .bind(i64::from(page.limit()))
        .bind(page.offset() as i64)
        .fetch_all(self.0.pool())
        .await
        .map_err(map_error)?;
        let total = total_of(rows.first().map(|r| r.4));
        Ok(Page {
            items: rows
                .into_iter()
                .map(|(id, city, code, name, _)| RentControlZone {
                    id,
                    city,
                    code,
                    name,
                })
                .collect(),
            request: page,
            total,
        })
    }

    async fn reference_rents(
        &self,
        zone: Option<Uuid>,
        page: PageRequest,
    ) -> Result<Page<ReferenceRentCell>, RepoError> {
        let rows: Vec<Counted<CellRow>> = sqlx::query_as(
            "SELECT *, count(*) OVER () AS total FROM reference_rents \
             WHERE ($1::uuid IS NULL OR zone_id = $1) \
             ORDER BY zone_id, valid_from DESC, rooms, construction_period, furnished \
             LIMIT $2 OFFSET $3",
        )
        .bind(zone)
        .bind(i64::from(page.limit()))
        .bind(page.offset() as i64)
        .fetch_all(self.0.pool())
        .await
        .map_err(map_error)?;
        counted_page(rows, page, ReferenceRentCell::try_from)
    }

    async fn reference_for(
        &self,
        zone: Uuid,
        rooms: i16,
        period: ConstructionPeriod,
        furnished: bool,
        on: NaiveDate,
    ) -> Result<Option<ReferenceRentCell>, RepoError> {
        let row: Option<CellRow> = sqlx::query_as(
            "SELECT * FROM reference_rents WHERE zone_id = $1 AND rooms = $2 \
             AND construction_period = $3 AND furnished = $4 AND valid_from <= $5 \
             AND (valid_to IS NULL OR valid_to >= $5) ORDER BY valid_from DESC LIMIT 1",
        )
        .bind(zone)
        .bind(rooms)
        .bind(period.as_str())
        .bind(furnished)
        .bind(on)
        .fetch_optional(self.0.pool())
        .await
        .map_err(map_error)?;
        row.map(ReferenceRentCell::try_from).transpose()
    }

    async fn load(&self, rows: &[ReferenceRentLoad]) -> Result<(u64, u64), RepoError> {
        let mut tx = self.0.platform_tx().await?;
        let mut zones = 0;
        for r in rows {
            let created = sqlx::query(
                "INSERT INTO rent_control_zones (city, code, name) VALUES ($1, $2, $1 || ' secteur ' || $2) \
                 ON CONFLICT (city, code) DO NOTHING",
            )
            .bind(&r.city)
            .bind(&r.zone_code)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
            zones += created.rows_affected();
            let c = &r.rents;
            sqlx::query(
                "INSERT INTO reference_rents (zone_id, rooms, construction_period, furnished, \
                 reference_m2, increased_m2, reduced_m2, valid_from, valid_to) \
                 SELECT z.id, $3, $4, $5, $6, $7, $8, $9, $10 FROM rent_control_zones z \
                 WHERE z.city = $1 AND z.code = $2 \
                 ON CONFLICT (zone_id, rooms, construction_period, furnished, valid_from) DO UPDATE SET \
                 reference_m2 = EXCLUDED.reference_m2, increased_m2 = EXCLUDED.increased_m2, \
                 reduced_m2 = EXCLUDED.reduced_m2, valid_to = EXCLUDED.valid_to",
            )
            .bind(&r.city)
            .bind(&r.zone_code)
            .bind(c.rooms)
            .bind(c.construction_period.as_str())
            .bind(c.furnished)
            .bind(c.reference_m2)
            .bind(c.increased_m2)
            .bind(c.reduced_m2)
            .bind(c.valid_from)
            .bind(c.valid_to)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        }
        tx.commit().await.map_err(map_error)?;
        Ok((zones, rows.len() as u64))
    }
}
