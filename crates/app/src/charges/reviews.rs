//! The yearly charge review of a place: computed as a DRAFT, validated (then immutable) or
//! deleted, each change written to the audit log in its own transaction.

use std::sync::Arc;

use chrono::NaiveDate;
use faireplace_charges::review::{self, MAX_REVIEW_DAYS};
use faireplace_charges::{ChargeReview, ChargeReviewId, ReviewStatus};
use faireplace_kernel::{Page, PageRequest};
use faireplace_ports::audit::{AuditAction, AuditEntry, Journal};
use faireplace_ports::charges::ReviewStore;
use faireplace_ports::{Clock, RepoError, Repository};
use faireplace_property::{Place, PlaceId};
use serde_json::Value as Json;

use crate::error::Found;
use crate::heavy::HeavyWork;
use crate::{AppError, Principal};

/// The entity type of reviews in the audit log.
const AUDITED_AS: &str = "charge_review";

/// The yearly charge review of a place.
#[derive(Clone)]
pub struct ReviewService {
    store: Arc<dyn ReviewStore>,
    places: Arc<dyn Repository<Place>>,
    clock: Arc<dyn Clock>,
    heavy: HeavyWork,
}

fn review_err(e: RepoError) -> AppError {
    AppError::from_repo("charge review", e)
}

/// What the audit log keeps of a review: its figures, not every statement.
fn summary(r: &ChargeReview) -> Json {
    serde_json::json!({
        "id": r.id, "place_id": r.place_id, "period_start": r.period_start,
        "period_end": r.period_end, "status": r.status.as_str(),
        "statements": r.result.statements.len(),
        "recoverable_total": r.result.recoverable_total.normalize(),
    })
}

impl ReviewService {
    pub fn new(
        store: Arc<dyn ReviewStore>,
        places: Arc<dyn Repository<Place>>,
        clock: Arc<dyn Clock>,
        heavy: HeavyWork,
    ) -> Self {
        Self {
            store,
            places,
            clock,
            heavy,
        }
    }

    /// The audit entry of a change of review `id` by `principal`'s key.
    fn journal(
        &self,
        principal: &Principal,
        id: ChargeReviewId,
        action: AuditAction,
        before: Option<&ChargeReview>,
        after: Option<&ChargeReview>,
    ) -> Journal {
        Journal::audit(AuditEntry {
            id: uuid::Uuid::now_v7(),
            entity_type: AUDITED_AS.to_owned(),
            entity_id: id.0,
            action,
            before: before.map(summary),
            after: after.map(summary),
            key_id: principal.key_id(),
            created_at: self.clock.now(),
        })
    }

    /// Computes a DRAFT review of the place over the period and keeps it.
    pub async fn create(
        &self,
        principal: &Principal,
        place: PlaceId,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<ChargeReview, AppError> {
        let tenant = principal.manage()?;
        if end < start {
            return Err(AppError::validation(
                "period_end",
                "must not come before period_start",
            ));
        }
        if (end - start).num_days() + 1 > MAX_REVIEW_DAYS {
            return Err(AppError::validation(
                "period_end",
                format!("a review covers at most {MAX_REVIEW_DAYS} days"),
            ));
        }
        self.places
            .get(tenant, place)
            .await
            .map_err(|e| AppError::from_repo("place", e))?
            .ok_or(AppError::NotFound("place"))?;
        // Reading, computing and keeping the review, in a slot for heavy work (a building of a
        // thousand lots has tens of thousands of charges).
        let slot = self.heavy.slot().await?;
        let inputs = self
            .store
            .inputs(tenant, place, start, end)
            .await
            .map_err(review_err)?;
        // The slot comes back with the result: it is held until the review is kept.
        let (result, _slot) = self
            .heavy
            .run(slot, move || review::review(start, end, &inputs))
            .await?;
        let result = result.map_err(|e| AppError::validation(&e.field, e.message))?;
        let item = ChargeReview {
            id: ChargeReviewId::generate(),
            place_id: place,
            period_start: start,
            period_end: end,
            status: ReviewStatus::Draft,
            result,
            created_at: self.clock.now(),
            validated_at: None,
        };
        let journal = self.journal(principal, item.id, AuditAction::Create, None, Some(&item));
        self.store
            .insert(tenant, &item, &journal)
            .await
            .map_err(review_err)?;
        Ok(item)
    }

    pub async fn get(
        &self,
        principal: &Principal,
        id: ChargeReviewId,
    ) -> Result<ChargeReview, AppError> {
        let tenant = principal.manage()?;
        self.store
            .get(tenant, id)
            .await
            .found(review_err, "charge review")
    }

    pub async fn list(
        &self,
        principal: &Principal,
        place: Option<PlaceId>,
        page: PageRequest,
    ) -> Result<Page<ChargeReview>, AppError> {
        let tenant = principal.manage()?;
        self.store
            .list(tenant, place, page)
            .await
            .map_err(review_err)
    }

    /// Makes the review immutable (409 when it is already).
    pub async fn validate(
        &self,
        principal: &Principal,
        id: ChargeReviewId,
    ) -> Result<ChargeReview, AppError> {
        let before = self.get(principal, id).await?;
        let tenant = principal.manage()?;
        let at = self.clock.now();
        let after = ChargeReview {
            status: ReviewStatus::Validated,
            validated_at: Some(at),
            ..before.clone()
        };
        let journal = self.journal(
            principal,
            id,
            AuditAction::Validate,
            Some(&before),
            Some(&after),
        );
        self.store
            .validate(tenant, id, at, &journal)
            .await
            .found(review_err, "charge review")
    }

    /// Deletes a DRAFT review (409 for a validated one).
    pub async fn delete(&self, principal: &Principal, id: ChargeReviewId) -> Result<(), AppError> {
        let before = self.get(principal, id).await?;
        let tenant = principal.manage()?;
        let journal = self.journal(principal, id, AuditAction::Delete, Some(&before), None);
        if self
            .store
            .delete(tenant, id, &journal)
            .await
            .map_err(review_err)?
        {
            Ok(())
        } else {
            Err(AppError::NotFound("charge review"))
        }
    }
}
