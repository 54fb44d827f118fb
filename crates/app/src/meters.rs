//! Meter readings, consumption, anomalies, and the meters of a lease.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use faireplace_kernel::{Page, PageRequest};
use faireplace_leases::{Lease, LeaseId};
use faireplace_meters::{
    Meter, MeterId, Reading, ReadingData, ReadingId, ReadingInput, daily_average,
};
use faireplace_ports::meters::{LeaseMeter, MeterReadings};
use faireplace_ports::{Clock, Repository};
use rust_decimal::Decimal;

use crate::error::Found;
use crate::{AppError, Principal};

/// A meter's consumption over some days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consumption {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: Decimal,
    pub daily_average: Decimal,
    pub readings_used: i64,
}

#[derive(Clone)]
pub struct MeterService {
    meters: Arc<dyn Repository<Meter>>,
    readings: Arc<dyn MeterReadings>,
    leases: Arc<dyn Repository<Lease>>,
    clock: Arc<dyn Clock>,
}

fn err(e: faireplace_ports::RepoError) -> AppError {
    AppError::from_repo("meter", e)
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

impl MeterService {
    pub fn new(
        meters: Arc<dyn Repository<Meter>>,
        readings: Arc<dyn MeterReadings>,
        leases: Arc<dyn Repository<Lease>>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            meters,
            readings,
            leases,
            clock,
        }
    }

    async fn meter(&self, principal: &Principal, id: MeterId) -> Result<Meter, AppError> {
        let tenant = principal.manage()?;
        self.meters.get(tenant, id).await.found(err, "meter")
    }

    /// Records a reading: its consumption since the previous one (rollover past the meter's
    /// maximum when marked), refused when lower without rollover, flagged beyond ±50 % of the
    /// meter's average daily rate.
    pub async fn add_reading(
        &self,
        principal: &Principal,
        id: MeterId,
        input: &ReadingInput,
    ) -> Result<Reading, AppError> {
        let tenant = principal.manage()?;
        let now = self.clock.now();
        let data = ReadingData::parse(input, now)?;
        self.readings
            .add(tenant, id, &data, now)
            .await
            .found(err, "meter")
    }

    pub async fn readings(
        &self,
        principal: &Principal,
        id: MeterId,
        page: PageRequest,
    ) -> Result<Page<Reading>, AppError> {
        let meter = self.meter(principal, id).await?;
        let tenant = principal.manage()?;
        self.readings
            .list(tenant, meter.id, page)
            .await
            .map_err(err)
    }

    /// The consumption of the readings taken from the start of `from` to the end of `to`.
    pub async fn consumption(
        &self,
        principal: &Principal,
        id: MeterId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Consumption, AppError> {
        if to < from {
            return Err(AppError::validation("to", "must not come before from"));
        }
        let meter = self.meter(principal, id).await?;
        let tenant = principal.manage()?;
        let end = to.succ_opt().unwrap_or(to);
        let total = self
            .readings
            .consumption(tenant, meter.id, start_of(from), start_of(end))
            .await
            .map_err(err)?;
        let days = Decimal::from((to - from).num_days() + 1);
        Ok(Consumption {
            from,
            to,
            daily_average: daily_average(total.total, days),
            total: total.total,
            readings_used: total.readings_used,
        })
    }

    pub async fn anomalies(
        &self,
        principal: &Principal,
        page: PageRequest,
    ) -> Result<Page<Reading>, AppError> {
        let tenant = principal.manage()?;
        self.readings.anomalies(tenant, page).await.map_err(err)
    }

    async fn lease(&self, principal: &Principal, id: LeaseId) -> Result<Lease, AppError> {
        let tenant = principal.manage()?;
        self.leases
            .get(tenant, id)
            .await
            .map_err(|e| AppError::from_repo("lease", e))?
            .ok_or(AppError::NotFound("lease"))
    }

    /// Links a meter to a lease, for billing by direct reading.
    pub async fn link(
        &self,
        principal: &Principal,
        lease: LeaseId,
        meter: MeterId,
        start_reading_id: Option<ReadingId>,
        end_reading_id: Option<ReadingId>,
    ) -> Result<LeaseMeter, AppError> {
        let tenant = principal.manage()?;
        self.lease(principal, lease).await?;
        self.meters
            .get(tenant, meter)
            .await
            .map_err(err)?
            .ok_or_else(|| {
                AppError::validation("meter_id", "refers to a record that does not exist")
            })?;
        self.readings
            .link(
                tenant,
                &LeaseMeter {
                    lease_id: lease,
                    meter_id: meter,
                    start_reading_id,
                    end_reading_id,
                    created_at: self.clock.now(),
                },
            )
            .await
            .map_err(err)
    }

    pub async fn links(
        &self,
        principal: &Principal,
        lease: LeaseId,
    ) -> Result<Vec<LeaseMeter>, AppError> {
        let tenant = principal.manage()?;
        self.lease(principal, lease).await?;
        self.readings.links(tenant, lease).await.map_err(err)
    }

    pub async fn unlink(
        &self,
        principal: &Principal,
        lease: LeaseId,
        meter: MeterId,
    ) -> Result<(), AppError> {
        let tenant = principal.manage()?;
        self.lease(principal, lease).await?;
        if self
            .readings
            .unlink(tenant, lease, meter)
            .await
            .map_err(err)?
        {
            Ok(())
        } else {
            Err(AppError::NotFound("lease meter"))
        }
    }
}
