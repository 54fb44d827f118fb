//! Health, readiness and the workers' identity check.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use faireplace_app::Principal;
use faireplace_kernel::ErrorCode;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::AppState;
use crate::common::Worker;
use crate::problem::ApiError;
use crate::responses::{Forbidden, Unauthorized, Unavailable};

/// The server is up.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
    #[schema(example = "0.1.0")]
    pub version: String,
}

/// The server can serve: its database answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    #[schema(example = "ready")]
    pub status: String,
    #[schema(example = "ok")]
    pub database: String,
}

/// Liveness: answers as long as the process runs. No key needed.
#[utoipa::path(tag = "Health", responses((status = 200, description = "Alive", body = Health)))]
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// Readiness: 200 when the database answers, 503 otherwise. No key needed.
#[utoipa::path(
    tag = "Health",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, response = Unavailable),
    )
)]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    match state.health.ping().await {
        Ok(()) => Ok(HttpResponse::Ok().json(Readiness {
            status: "ready".into(),
            database: "ok".into(),
        })),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            let mut err = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::ServiceUnavailable,
                "the database does not answer",
            );
            err.retry_after = Some(5);
            Err(err)
        }
    }
}

/// Who a worker key is.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerIdentity {
    pub worker_key_id: Uuid,
    #[schema(example = "WORKER")]
    pub role: String,
}

/// Check a worker key (`X-API-Key`), e.g. when a worker starts.
#[utoipa::path(
    tag = "Workers",
    responses(
        (status = 200, description = "The key is a valid worker key", body = WorkerIdentity),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
    security(("worker_key" = []))
)]
#[get("/workers/me")]
pub async fn worker_me(worker: Worker) -> Result<HttpResponse, ApiError> {
    match worker.0 {
        Principal::Worker { key } => Ok(HttpResponse::Ok().json(WorkerIdentity {
            worker_key_id: key.0,
            role: "WORKER".into(),
        })),
        _ => Err(ApiError::from_status(StatusCode::FORBIDDEN)),
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(health).service(ready).service(worker_me);
}
