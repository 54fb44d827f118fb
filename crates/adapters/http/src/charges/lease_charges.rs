//! `/api/leases/{lease_id}/charges`: what a lease pays for the services of its place.

use chrono::{DateTime, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_charges::{
    BillingMode, ChargeCategoryId, DistributionKeyId, LeaseCharge, LeaseChargeData,
    LeaseChargeFilter, LeaseChargeId, LeaseChargeInput, LeaseChargeSort, PlaceServiceId,
};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_leases::LeaseId;
use faireplace_meters::MeterId;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::crud::CrudResource;
use crate::property::bool_param;

/// A lease charge as sent. `category_id` and `distribution_key_id` default to the service's.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct LeaseChargeRequest {
    /// A service of the place of the lease's estate.
    pub service_id: Option<Uuid>,
    /// Required when no chargeable service gives one.
    pub category_id: Option<Uuid>,
    #[schema(value_type = Option<BillingMode>, required = true)]
    pub billing_mode: Option<String>,
    /// A CONSOMMATION_MESUREE key is refused with FORFAIT.
    pub distribution_key_id: Option<Uuid>,
    /// At most 2 decimals (0 when absent).
    #[schema(value_type = Option<f64>, format = "amount", example = 45.5)]
    pub monthly_amount: Option<Decimal>,
    /// Required for RELEVE_DIRECT, refused otherwise.
    pub meter_id: Option<Uuid>,
    /// True when absent.
    pub active: Option<bool>,
}

/// A charge of a lease.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeaseChargeResponse {
    pub id: Uuid,
    pub lease_id: Uuid,
    pub service_id: Option<Uuid>,
    pub category_id: Option<Uuid>,
    pub billing_mode: BillingMode,
    pub distribution_key_id: Option<Uuid>,
    #[schema(value_type = f64)]
    pub monthly_amount: Decimal,
    pub meter_id: Option<Uuid>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of a lease's charges.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChargeFilterParams {
    #[param(value_type = Option<bool>)]
    pub active: Option<String>,
}

fn charge_input(r: LeaseChargeRequest) -> LeaseChargeInput {
    LeaseChargeInput {
        service_id: r.service_id.map(PlaceServiceId),
        category_id: r.category_id.map(ChargeCategoryId),
        billing_mode: r.billing_mode,
        distribution_key_id: r.distribution_key_id.map(DistributionKeyId),
        monthly_amount: r.monthly_amount,
        meter_id: r.meter_id.map(MeterId),
        active: r.active,
    }
}

impl CrudResource for LeaseCharge {
    crate::under_lease!("charges");
    type Request = LeaseChargeRequest;
    type Response = LeaseChargeResponse;
    type FilterParams = ChargeFilterParams;
    const DEFAULT_SORT: Sort<LeaseChargeSort> = Sort {
        field: LeaseChargeSort::CreatedAt,
        descending: false,
    };

    const AUDIT: Option<&'static str> = Some("lease_charge");

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.lease_charges
    }

    fn create(lease: LeaseId, r: LeaseChargeRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(LeaseCharge::new(
            lease,
            LeaseChargeData::parse(&charge_input(r))?,
            now,
        ))
    }

    fn replace(&mut self, r: LeaseChargeRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        LeaseCharge::replace(self, LeaseChargeData::parse(&charge_input(r))?, now);
        Ok(())
    }

    fn to_request(&self) -> LeaseChargeRequest {
        let d = &self.data;
        LeaseChargeRequest {
            service_id: d.service_id.map(|s| s.0),
            category_id: d.category_id.map(|c| c.0),
            billing_mode: Some(d.billing_mode.as_str().to_owned()),
            distribution_key_id: d.distribution_key_id.map(|k| k.0),
            monthly_amount: Some(d.monthly_amount),
            meter_id: d.meter_id.map(|m| m.0),
            active: Some(d.active),
        }
    }

    fn to_response(&self) -> LeaseChargeResponse {
        let d = &self.data;
        LeaseChargeResponse {
            id: self.id.0,
            lease_id: self.lease_id.0,
            service_id: d.service_id.map(|s| s.0),
            category_id: d.category_id.map(|c| c.0),
            billing_mode: d.billing_mode,
            distribution_key_id: d.distribution_key_id.map(|k| k.0),
            monthly_amount: d.monthly_amount,
            meter_id: d.meter_id.map(|m| m.0),
            active: d.active,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(
        lease: LeaseId,
        p: &ChargeFilterParams,
    ) -> Result<LeaseChargeFilter, ValidationErrors> {
        Ok(LeaseChargeFilter {
            lease_id: Some(lease),
            active: bool_param("active", &p.active)?,
        })
    }
}

crate::crud_handlers!(
    lease LeaseCharge, LeaseChargeId, LeaseChargeRequest, LeaseChargeResponse, ChargeFilterParams,
    tag = "Charges", collection = "/leases/{lease_id}/charges", item = "/leases/{lease_id}/charges/{charge_id}",
    ops = ["create_lease_charge", "list_lease_charges", "get_lease_charge", "replace_lease_charge", "patch_lease_charge", "delete_lease_charge"],
    docs = [
        "Add a charge to a lease (400 for a service of another place, a CONSOMMATION_MESUREE key with FORFAIT, RELEVE_DIRECT without meter; 409 CHARGES_FROZEN while a freeze period covers the lease, its estate or its place).",
        "List a lease's charges, with an `active` filter.",
        "Read a charge of a lease.",
        "Replace a charge of a lease (409 CHARGES_FROZEN for a change of amount or of active state during a freeze).",
        "Change some fields of a charge (JSON merge patch; same rules as PUT).",
        "Delete a charge of a lease.",
    ],
);
