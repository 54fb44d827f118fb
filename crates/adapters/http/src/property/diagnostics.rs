//! `/api/estates/{estate_id}/diagnostics`: one active diagnostic per type.

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_ports::property::{ChildSort, DiagnosticFilter};
use faireplace_property::{
    Diagnostic, DiagnosticData, DiagnosticId, DiagnosticInput, DiagnosticType, EstateId,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{bool_param, opt};
use crate::AppState;
use crate::crud::CrudResource;

/// A diagnostic as sent. Creating one deactivates the active one of the same type.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct DiagnosticRequest {
    #[serde(rename = "type")]
    #[schema(value_type = DiagnosticType, required = true)]
    pub diagnostic_type: Option<String>,
    #[schema(required = true)]
    pub performed_on: Option<NaiveDate>,
    /// Default from the type: lead 6 years if found (else none), electricity and gas 6 years,
    /// risks 6 months; none for the others.
    pub valid_until: Option<NaiveDate>,
    /// LEAD only: whether lead was found (absent counts as found).
    pub lead_found: Option<bool>,
    pub media_id: Option<Uuid>,
    pub notes: Option<String>,
}

/// A diagnostic.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiagnosticResponse {
    pub id: Uuid,
    pub estate_id: Uuid,
    #[serde(rename = "type")]
    pub diagnostic_type: DiagnosticType,
    pub performed_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub lead_found: Option<bool>,
    pub media_id: Option<Uuid>,
    pub notes: Option<String>,
    /// Only the latest diagnostic of a type is active.
    pub is_active: bool,
    pub is_expired: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of the diagnostic list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiagnosticFilterParams {
    /// `true`: only the active diagnostics.
    #[param(value_type = Option<bool>)]
    pub active: Option<String>,
    #[serde(rename = "type")]
    #[param(value_type = Option<DiagnosticType>, rename = "type")]
    pub diagnostic_type: Option<String>,
}

fn input(r: DiagnosticRequest) -> DiagnosticInput {
    DiagnosticInput {
        diagnostic_type: r.diagnostic_type,
        performed_on: r.performed_on,
        valid_until: r.valid_until,
        lead_found: r.lead_found,
        media_id: r.media_id,
        notes: r.notes,
    }
}

impl CrudResource for Diagnostic {
    crate::under_estate!("diagnostics");
    type Request = DiagnosticRequest;
    type Response = DiagnosticResponse;
    type FilterParams = DiagnosticFilterParams;
    const DEFAULT_SORT: Sort<ChildSort> = Sort {
        field: ChildSort::CreatedAt,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.diagnostics
    }

    fn create(
        estate: EstateId,
        r: DiagnosticRequest,
        now: DateTime<Utc>,
    ) -> Result<Self, AppError> {
        Ok(Diagnostic::new(
            estate,
            DiagnosticData::parse(&input(r), now.date_naive())?,
            now,
        ))
    }

    /// Dates, document and notes change; the type does not (create a new diagnostic instead).
    fn replace(&mut self, r: DiagnosticRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        let mut data = DiagnosticData::parse(&input(r), now.date_naive())?;
        if data.diagnostic_type != self.data.diagnostic_type {
            return Err(AppError::validation(
                "type",
                "cannot change; create a new diagnostic of the other type",
            ));
        }
        data.is_active = self.data.is_active;
        Diagnostic::replace(self, data, now);
        Ok(())
    }

    fn to_request(&self) -> DiagnosticRequest {
        let d = &self.data;
        DiagnosticRequest {
            diagnostic_type: Some(d.diagnostic_type.as_str().to_owned()),
            performed_on: Some(d.performed_on),
            valid_until: d.valid_until,
            lead_found: d.lead_found,
            media_id: d.media_id,
            notes: opt(&d.notes),
        }
    }

    fn to_response(&self) -> DiagnosticResponse {
        let d = &self.data;
        DiagnosticResponse {
            id: self.id.0,
            estate_id: self.estate_id.0,
            diagnostic_type: d.diagnostic_type,
            performed_on: d.performed_on,
            valid_until: d.valid_until,
            lead_found: d.lead_found,
            media_id: d.media_id,
            notes: opt(&d.notes),
            is_active: d.is_active,
            is_expired: self.is_expired(Utc::now().date_naive()),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(
        estate: EstateId,
        p: &DiagnosticFilterParams,
    ) -> Result<DiagnosticFilter, ValidationErrors> {
        let active = bool_param("active", &p.active)?;
        let diagnostic_type = p
            .diagnostic_type
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(DiagnosticType::parse)
            .transpose()
            .map_err(|e| ValidationErrors::single("type", e.to_string()))?;
        Ok(DiagnosticFilter {
            estate_id: estate,
            active,
            diagnostic_type,
        })
    }
}

crate::crud_handlers!(
    estate Diagnostic, DiagnosticId, DiagnosticRequest, DiagnosticResponse, DiagnosticFilterParams,
    tag = "Estate diagnostics", collection = "/estates/{estate_id}/diagnostics",
    item = "/estates/{estate_id}/diagnostics/{id}",
    ops = ["create_diagnostic", "list_diagnostics", "get_diagnostic", "replace_diagnostic", "patch_diagnostic", "delete_diagnostic"],
    docs = [
        "Record a diagnostic; the active one of the same type is deactivated in the same transaction.",
        "List an estate's diagnostics (`?active=true` for the ones in force, `?type=`).",
        "Read a diagnostic.",
        "Correct a diagnostic (its type cannot change).",
        "Correct some fields of a diagnostic (JSON merge patch).",
        "Delete a diagnostic.",
    ],
);

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    crud_routes(cfg);
}
