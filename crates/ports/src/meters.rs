//! Meters, their readings, and the meters of a lease.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_kernel::ids::LeaseId;
use faireplace_kernel::{Page, PageRequest, TenantId};
use faireplace_meters::{Meter, MeterFilter, MeterId, MeterSort, Reading, ReadingData, ReadingId};
use rust_decimal::Decimal;

use crate::RepoError;

resource!(Meter, MeterId, MeterFilter, MeterSort, "meter");

/// Consumption of a meter over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumptionTotal {
    pub total: Decimal,
    pub readings_used: i64,
}

/// A lease's link to a meter it is billed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseMeter {
    pub lease_id: LeaseId,
    pub meter_id: MeterId,
    pub start_reading_id: Option<ReadingId>,
    pub end_reading_id: Option<ReadingId>,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait MeterReadings: Send + Sync {
    /// Records a reading after the meter's latest one, with its consumption and anomaly flag,
    /// under a lock of the meter (readings of one meter are written one at a time).
    async fn add(
        &self,
        tenant: TenantId,
        meter: MeterId,
        reading: &ReadingData,
        at: DateTime<Utc>,
    ) -> Result<Option<Reading>, RepoError>;
    /// The meter's readings, latest first.
    async fn list(
        &self,
        tenant: TenantId,
        meter: MeterId,
        page: PageRequest,
    ) -> Result<Page<Reading>, RepoError>;
    /// Σ consumption of the readings taken in `(from, to]`.
    async fn consumption(
        &self,
        tenant: TenantId,
        meter: MeterId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<ConsumptionTotal, RepoError>;
    /// Readings flagged as anomalies, latest first, over every meter of the tenant.
    async fn anomalies(
        &self,
        tenant: TenantId,
        page: PageRequest,
    ) -> Result<Page<Reading>, RepoError>;
    /// Links a meter to a lease (the readings, when given, must be the meter's).
    async fn link(&self, tenant: TenantId, link: &LeaseMeter) -> Result<LeaseMeter, RepoError>;
    async fn links(&self, tenant: TenantId, lease: LeaseId) -> Result<Vec<LeaseMeter>, RepoError>;
    async fn unlink(
        &self,
        tenant: TenantId,
        lease: LeaseId,
        meter: MeterId,
    ) -> Result<bool, RepoError>;
}
