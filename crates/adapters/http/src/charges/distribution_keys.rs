//! `/api/distribution-keys`: how a shared cost of a place is split between its estates, and
//! the calculation of a split.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_app::charges::CalculationRequest;
use faireplace_app::{AppError, CrudService};
use faireplace_charges::{
    CalculationType, DistributionKey, DistributionKeyData, DistributionKeyFilter,
    DistributionKeyId, DistributionKeyInput, DistributionKeySort, KeyParameters,
    KeyParametersInput, ValidationRules,
};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_meters::MeterType;
use faireplace_property::{EstateId, PlaceId};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::common::Manager;
use crate::crud::CrudResource;
use crate::property::{enum_param, opt};

/// Parameters of a calculation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct KeyParametersDto {
    /// An explicit split: each estate's weight by estate id (estates not named weigh 0).
    #[schema(value_type = Option<BTreeMap<String, f64>>)]
    pub weights: Option<BTreeMap<EstateId, Decimal>>,
    /// For measured consumption: the type of the estates' meters that count.
    #[schema(value_type = Option<MeterType>)]
    pub meter_type: Option<String>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
}

/// Checks a calculation must pass.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ValidationRulesDto {
    /// Every estate of the place must weigh more than zero.
    pub require_all_estates: Option<bool>,
    /// Every estate that takes a share takes at least this percentage (0–100).
    #[schema(value_type = Option<crate::schema::Amount>)]
    pub min_share: Option<Decimal>,
}

/// A distribution key as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct DistributionKeyRequest {
    #[schema(required = true, example = "Tantièmes généraux")]
    pub name: Option<String>,
    pub description: Option<String>,
    /// The distribution technique. CONSOMMATION_MESUREE needs RELEVE_DIRECT or PROVISION
    /// billing, never FORFAIT.
    #[schema(value_type = Option<CalculationType>, required = true)]
    pub calculation_type: Option<String>,
    /// Required for FORMULE_PERSONNALISEE (ignored otherwise): arithmetic over surface,
    /// tantiemes, occupants, rooms, consumption and numbers, with + − × ÷ (or * /) and
    /// parentheses; at most 500 characters and 32 levels; 400 with the position of the error.
    #[schema(example = "surface * 2 + tantiemes / 100")]
    pub formula: Option<String>,
    #[serde(default, deserialize_with = "crate::common::object_only")]
    pub parameters: Option<KeyParametersDto>,
    #[serde(default, deserialize_with = "crate::common::object_only")]
    pub validation_rules: Option<ValidationRulesDto>,
}

/// A distribution key.
#[derive(Debug, Serialize, ToSchema)]
pub struct DistributionKeyResponse {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub calculation_type: CalculationType,
    pub formula: Option<String>,
    pub parameters: KeyParametersDto,
    pub validation_rules: ValidationRulesDto,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of the key list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyFilterParams {
    #[param(value_type = Option<CalculationType>)]
    pub calculation_type: Option<String>,
}

fn parameters(p: KeyParametersDto) -> KeyParametersInput {
    KeyParametersInput {
        weights: p.weights,
        meter_type: p.meter_type,
        period_start: p.period_start,
        period_end: p.period_end,
    }
}

fn parameters_dto(p: &KeyParameters) -> KeyParametersDto {
    KeyParametersDto {
        weights: p.weights.clone(),
        meter_type: p.meter_type.map(|m| m.as_str().to_owned()),
        period_start: p.period_start,
        period_end: p.period_end,
    }
}

fn rules_dto(r: &ValidationRules) -> ValidationRulesDto {
    ValidationRulesDto {
        require_all_estates: r.require_all_estates,
        min_share: r.min_share,
    }
}

fn input(r: DistributionKeyRequest) -> DistributionKeyInput {
    DistributionKeyInput {
        name: r.name,
        description: r.description,
        calculation_type: r.calculation_type,
        formula: r.formula,
        parameters: r.parameters.map(parameters),
        validation_rules: r.validation_rules.map(|v| ValidationRules {
            require_all_estates: v.require_all_estates,
            min_share: v.min_share,
        }),
    }
}

impl CrudResource for DistributionKey {
    crate::top_level!("/api/distribution-keys");
    type Request = DistributionKeyRequest;
    type Response = DistributionKeyResponse;
    type FilterParams = KeyFilterParams;
    const DEFAULT_SORT: Sort<DistributionKeySort> = Sort {
        field: DistributionKeySort::Name,
        descending: false,
    };

    const AUDIT: Option<&'static str> = Some("distribution_key");

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.distribution_keys
    }

    fn create(_: (), r: DistributionKeyRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(DistributionKey::new(
            DistributionKeyData::parse(&input(r))?,
            now,
        ))
    }

    fn replace(&mut self, r: DistributionKeyRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        DistributionKey::replace(self, DistributionKeyData::parse(&input(r))?, now);
        Ok(())
    }

    fn to_request(&self) -> DistributionKeyRequest {
        let d = &self.data;
        DistributionKeyRequest {
            name: Some(d.name.to_string()),
            description: opt(&d.description),
            calculation_type: Some(d.calculation_type.as_str().to_owned()),
            formula: opt(&d.formula),
            parameters: Some(parameters_dto(&d.parameters)),
            validation_rules: Some(rules_dto(&d.validation_rules)),
        }
    }

    fn to_response(&self) -> DistributionKeyResponse {
        let d = &self.data;
        DistributionKeyResponse {
            id: self.id.0,
            name: d.name.to_string(),
            description: opt(&d.description),
            calculation_type: d.calculation_type,
            formula: opt(&d.formula),
            parameters: parameters_dto(&d.parameters),
            validation_rules: rules_dto(&d.validation_rules),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(_: (), p: &KeyFilterParams) -> Result<DistributionKeyFilter, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let calculation_type = errors
            .merge(enum_param("calculation_type", &p.calculation_type))
            .flatten();
        errors.into_result()?;
        Ok(DistributionKeyFilter { calculation_type })
    }
}

crate::crud_handlers!(
    top DistributionKey, DistributionKeyId, DistributionKeyRequest, DistributionKeyResponse, KeyFilterParams,
    tag = "Charges", collection = "/distribution-keys", item = "/distribution-keys/{id}",
    ops = ["create_distribution_key", "list_distribution_keys", "get_distribution_key", "replace_distribution_key", "patch_distribution_key", "delete_distribution_key"],
    docs = [
        "Create a distribution key (a FORMULE_PERSONNALISEE formula that does not parse is a 400 with the position of the error).",
        "List distribution keys (default 20 a page, at most 100), with `search` on name and description and a `calculation_type` filter.",
        "Read a distribution key.",
        "Replace a distribution key.",
        "Change some fields of a distribution key (JSON merge patch).",
        "Delete a distribution key.",
    ],
);

/// A split asked for.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CalculateRequest {
    #[schema(required = true)]
    pub place_id: Option<Uuid>,
    /// The amount to split, at most 2 decimals (negative for a refund).
    #[schema(value_type = Option<f64>, format = "amount", required = true, example = 1234.56)]
    pub total_amount: Option<Decimal>,
    /// The day whose leases count occupants (default today).
    pub calculation_date: Option<NaiveDate>,
    /// Replaces the key's parameters for this calculation.
    pub parameters: Option<KeyParametersDto>,
}

/// One estate's part.
#[derive(Debug, Serialize, ToSchema)]
pub struct DistributionLine {
    pub estate_id: Uuid,
    #[schema(value_type = f64)]
    pub weight: Decimal,
    /// weight ÷ total weight, to 6 decimals.
    #[schema(value_type = f64)]
    pub ratio: Decimal,
    #[schema(value_type = f64)]
    pub amount: Decimal,
}

/// About a split.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalculationMetadata {
    #[schema(value_type = f64)]
    pub total_weight: Decimal,
    pub estates_count: usize,
    /// The cents handed out after flooring each share (largest remainders first).
    #[schema(value_type = f64)]
    pub rounding_adjustment: Decimal,
}

/// A split: the amounts sum exactly to `total_amount`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalculateResponse {
    pub distribution_key_id: Uuid,
    #[schema(value_type = f64)]
    pub total_amount: Decimal,
    pub calculation_date: NaiveDate,
    pub distributions: Vec<DistributionLine>,
    pub metadata: CalculationMetadata,
}

crate::endpoint! {
    /// Split an amount between the estates of a place under the key: exact to the cent, the
    /// cents left by flooring going to the largest remainders (ties to the smallest reference);
    /// estates of zero weight get 0. NOMBRE_OCCUPANTS counts the lessees of the leases in force on
    /// `calculation_date`.
    post "/distribution-keys/{id}/calculate", tag = "Charges", id = "calculate_distribution",
    ok = (200, "The split", CalculateResponse),
    errors = [403 Forbidden, 404 NotFound],
    json body: CalculateRequest,
    fn calculate(state, caller: Manager, path: web::Path<Uuid>) {
        let body = body.into_inner();
        let (place, total) = crate::required!(body: place_id, total_amount);
        let date = body
            .calculation_date
            .unwrap_or_else(|| Utc::now().date_naive());
        let result = state
            .distribution
            .calculate(
                &caller.0,
                DistributionKeyId(path.into_inner()),
                CalculationRequest {
                    place_id: PlaceId(place),
                    total_amount: total,
                    calculation_date: date,
                    parameters: body.parameters.map(parameters),
                },
            )
            .await?;
        let estates_count = result.distributions.len();
        Ok(HttpResponse::Ok().json(CalculateResponse {
            distribution_key_id: result.distribution_key_id.0,
            total_amount: result.total_amount.normalize(),
            calculation_date: result.calculation_date,
            distributions: result
                .distributions
                .into_iter()
                .map(|d| DistributionLine {
                    estate_id: d.estate_id.0,
                    weight: d.weight.normalize(),
                    ratio: d.ratio.normalize(),
                    amount: d.amount.normalize(),
                })
                .collect(),
            metadata: CalculationMetadata {
                total_weight: result.total_weight.normalize(),
                estates_count,
                rounding_adjustment: result.rounding_adjustment.normalize(),
            },
        }))
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    crud_routes(cfg);
    cfg.service(calculate);
}
