//! `/api/places/{place_id}/charge-expenses`: what a place spent, to be split by the review.

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_charges::{
    ChargeCategoryId, ChargeExpense, ChargeExpenseData, ChargeExpenseFilter, ChargeExpenseId,
    ChargeExpenseInput, ChargeExpenseSort, DistributionKeyId, PlaceServiceId,
};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_property::PlaceId;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::crud::CrudResource;
use crate::property::{opt, uuid_param};

/// An expense as sent. `category_id` and `distribution_key_id` default to the service's.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ChargeExpenseRequest {
    /// Required when no chargeable service gives one.
    pub category_id: Option<Uuid>,
    /// A service of this place.
    pub service_id: Option<Uuid>,
    /// At most 2 decimals, more than 0.
    #[schema(value_type = Option<f64>, format = "amount", required = true, example = 1200)]
    pub amount: Option<Decimal>,
    #[schema(required = true)]
    pub period_start: Option<NaiveDate>,
    #[schema(required = true)]
    pub period_end: Option<NaiveDate>,
    pub supplier: Option<String>,
    /// The invoice, uploaded through `/api/media`.
    pub media_id: Option<Uuid>,
    /// Overrides the service's default key; required when no service gives one.
    pub distribution_key_id: Option<Uuid>,
}

/// An expense of a place.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChargeExpenseResponse {
    pub id: Uuid,
    pub place_id: Uuid,
    pub category_id: Option<Uuid>,
    pub service_id: Option<Uuid>,
    #[schema(value_type = f64)]
    pub amount: Decimal,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub supplier: Option<String>,
    pub media_id: Option<Uuid>,
    pub distribution_key_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of a place's expenses.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExpenseFilterParams {
    #[param(value_type = Option<Uuid>)]
    pub category_id: Option<String>,
}

fn input(r: ChargeExpenseRequest) -> ChargeExpenseInput {
    ChargeExpenseInput {
        category_id: r.category_id.map(ChargeCategoryId),
        service_id: r.service_id.map(PlaceServiceId),
        amount: r.amount,
        period_start: r.period_start,
        period_end: r.period_end,
        supplier: r.supplier,
        media_id: r.media_id,
        distribution_key_id: r.distribution_key_id.map(DistributionKeyId),
    }
}

impl CrudResource for ChargeExpense {
    crate::under_place!("charge-expenses");
    type Request = ChargeExpenseRequest;
    type Response = ChargeExpenseResponse;
    type FilterParams = ExpenseFilterParams;
    const DEFAULT_SORT: Sort<ChargeExpenseSort> = Sort {
        field: ChargeExpenseSort::PeriodStart,
        descending: false,
    };

    const AUDIT: Option<&'static str> = Some("charge_expense");

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.charge_expenses
    }

    fn create(
        place: PlaceId,
        r: ChargeExpenseRequest,
        now: DateTime<Utc>,
    ) -> Result<Self, AppError> {
        Ok(ChargeExpense::new(
            place,
            ChargeExpenseData::parse(&input(r))?,
            now,
        ))
    }

    fn replace(&mut self, r: ChargeExpenseRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        ChargeExpense::replace(self, ChargeExpenseData::parse(&input(r))?, now);
        Ok(())
    }

    fn to_request(&self) -> ChargeExpenseRequest {
        let d = &self.data;
        ChargeExpenseRequest {
            category_id: d.category_id.map(|c| c.0),
            service_id: d.service_id.map(|s| s.0),
            amount: Some(d.amount),
            period_start: Some(d.period_start),
            period_end: Some(d.period_end),
            supplier: opt(&d.supplier),
            media_id: d.media_id,
            distribution_key_id: d.distribution_key_id.map(|k| k.0),
        }
    }

    fn to_response(&self) -> ChargeExpenseResponse {
        let d = &self.data;
        ChargeExpenseResponse {
            id: self.id.0,
            place_id: self.place_id.0,
            category_id: d.category_id.map(|c| c.0),
            service_id: d.service_id.map(|s| s.0),
            amount: d.amount,
            period_start: d.period_start,
            period_end: d.period_end,
            supplier: opt(&d.supplier),
            media_id: d.media_id,
            distribution_key_id: d.distribution_key_id.map(|k| k.0),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(
        place: PlaceId,
        p: &ExpenseFilterParams,
    ) -> Result<ChargeExpenseFilter, ValidationErrors> {
        Ok(ChargeExpenseFilter {
            place_id: Some(place),
            category_id: uuid_param("category_id", &p.category_id)?.map(ChargeCategoryId),
        })
    }
}

crate::crud_handlers!(
    place ChargeExpense, ChargeExpenseId, ChargeExpenseRequest, ChargeExpenseResponse, ExpenseFilterParams,
    tag = "Charges", collection = "/places/{place_id}/charge-expenses", item = "/places/{place_id}/charge-expenses/{expense_id}",
    ops = ["create_charge_expense", "list_charge_expenses", "get_charge_expense", "replace_charge_expense", "patch_charge_expense", "delete_charge_expense"],
    docs = [
        "Record an expense of a place (category and key from its service unless given; 400 for a service of another place).",
        "List a place's expenses, by period, with a `category_id` filter.",
        "Read an expense.",
        "Replace an expense.",
        "Change some fields of an expense (JSON merge patch).",
        "Delete an expense.",
    ],
);
