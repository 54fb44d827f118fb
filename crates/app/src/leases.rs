//! Leases: their terms checked against their type, their rent history, the lessee's view of
//! them, and the yearly rent revision by the IRL.

use faireplace_kernel::ErrorCode;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::access::Scope;
use faireplace_kernel::{Page, PageRequest, Sort, ValidationErrors};
use faireplace_leases::revision::{
    due_revision_date, first_revision_date, index_quarter_for, is_revision_date,
};
use faireplace_leases::{
    BlockedReason, Lease, LeaseFilter, LeaseId, LeaseSort, LeaseStatus, LeaseType,
    RentChangeReason, RentHistoryEntry, RevisionFacts, decide_revision,
};
use faireplace_parties::{Owner, OwnerKind};
use faireplace_ports::leases::{AppliedRevision, LeaseStore};
use faireplace_ports::rent::{IndexValue, RentIndexStore};
use faireplace_ports::{Clock, ListQuery, RepoError, Repository};
use faireplace_property::{EnergyDiagnosis, Estate};
use rust_decimal::Decimal;

use crate::error::Found;
use crate::rent_control::energy_f_or_g;
use crate::{AppError, Principal};

/// The index French residential rents are revised by.
const RENT_INDEX: &str = "IRL";

/// How far back a claim may be dated when a revision is applied (a claim letter sent lately).
pub const CLAIM_WINDOW_DAYS: u64 = 31;

/// What a revision is asked for: the day of the claim (default today) and the revision date
/// claimed (default the latest one on or before that day).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RevisionRequest {
    pub as_of: Option<NaiveDate>,
    pub revision_date: Option<NaiveDate>,
}

/// A revision as computed: what it would change, and whether it may.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionPreview {
    pub current_rent: Decimal,
    /// The reference quarter's index a year before `new_index`.
    pub reference: Option<IndexValue>,
    pub new_index: Option<IndexValue>,
    pub new_rent: Option<Decimal>,
    pub revision_date: NaiveDate,
    pub effective_date: NaiveDate,
    pub blocked_reason: Option<BlockedReason>,
    /// The lease's `updated_at` the decision was made on.
    pub lease_read_at: DateTime<Utc>,
}

impl RevisionPreview {
    pub fn allowed(&self) -> bool {
        self.blocked_reason.is_none()
    }
}

#[derive(Clone)]
pub struct LeaseService {
    store: Arc<dyn LeaseStore>,
    types: Arc<dyn Repository<LeaseType>>,
    estates: Arc<dyn Repository<Estate>>,
    owners: Arc<dyn Repository<Owner>>,
    energy: Arc<dyn Repository<EnergyDiagnosis>>,
    indices: Arc<dyn RentIndexStore>,
    clock: Arc<dyn Clock>,
}

fn err(e: RepoError) -> AppError {
    AppError::from_repo("lease", e)
}

impl LeaseService {
    pub fn new(
        store: Arc<dyn LeaseStore>,
        types: Arc<dyn Repository<LeaseType>>,
        estates: Arc<dyn Repository<Estate>>,
        owners: Arc<dyn Repository<Owner>>,
        energy: Arc<dyn Repository<EnergyDiagnosis>>,
        indices: Arc<dyn RentIndexStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            types,
            estates,
            owners,
            energy,
            indices,
            clock,
        }
    }

    fn today(&self) -> NaiveDate {
        self.clock.now().date_naive()
    }

    /// Checks a lease about to be saved against its type (the end date, when absent, comes
    /// from the type's default duration).
    pub async fn complete(&self, principal: &Principal, lease: &mut Lease) -> Result<(), AppError> {
        let tenant = principal.manage()?;
        let kind = self
            .types
            .get(tenant, lease.data.lease_type_id)
            .await
            .map_err(err)?
            .ok_or_else(|| {
                AppError::validation("lease_type_id", "refers to a record that does not exist")
            })?;
        // An unfurnished lease from a company owner lasts six years: the owner is the
        // estate's (a missing estate is reported when the lease is stored).
        let mut frame = kind.data;
        if kind.is_system
            && let Some(estate) = self
                .estates
                .get(tenant, lease.data.estate_id)
                .await
                .map_err(err)?
            && let Some(owner) = self
                .owners
                .get(tenant, estate.data.owner_id)
                .await
                .map_err(err)?
            && owner.data.kind == OwnerKind::Company
        {
            frame = frame.for_company_owner();
        }
        lease.complete(&frame)?;
        Ok(())
    }

    async fn lease(&self, principal: &Principal, id: LeaseId) -> Result<Lease, AppError> {
        let tenant = principal.manage()?;
        self.store.get(tenant, id).await.found(err, "lease")
    }

    /// The estate a lease is on.
    pub async fn estate_of(
        &self,
        principal: &Principal,
        id: LeaseId,
    ) -> Result<faireplace_kernel::ids::EstateId, AppError> {
        Ok(self.lease(principal, id).await?.data.estate_id)
    }

    /// Every change of rent or charges, oldest first.
    pub async fn rent_history(
        &self,
        principal: &Principal,
        id: LeaseId,
    ) -> Result<Vec<RentHistoryEntry>, AppError> {
        let lease = self.lease(principal, id).await?;
        let tenant = principal.manage()?;
        self.store.rent_history(tenant, lease.id).await.map_err(err)
    }

    /// The leases the calling lessee is a party to.
    pub async fn lessee_leases(
        &self,
        principal: &Principal,
        page: PageRequest,
        sort: Sort<LeaseSort>,
    ) -> Result<Page<Lease>, AppError> {
        let (tenant, lessee) = principal.lessee(Scope::LeasesRead)?;
        let query = ListQuery {
            page,
            sort,
            search: None,
            filter: LeaseFilter {
                lessee_id: Some(lessee),
                ..LeaseFilter::default()
            },
        };
        self.store.list(tenant, &query).await.map_err(err)
    }

    /// One lease of the calling lessee's; any other is 404, even in the same tenant.
    pub async fn lessee_lease(
        &self,
        principal: &Principal,
        id: LeaseId,
    ) -> Result<Lease, AppError> {
        let (tenant, lessee) = principal.lessee(Scope::LeasesRead)?;
        self.store
            .get(tenant, id)
            .await
            .map_err(err)?
            .filter(|l| l.names_lessee(lessee))
            .ok_or(AppError::NotFound("lease"))
    }

    /// Computes the revision of `id` claimed on `request.as_of` (Art. 17-1 of the 1989 law).
    pub async fn preview_revision(
        &self,
        principal: &Principal,
        id: LeaseId,
        request: RevisionRequest,
    ) -> Result<RevisionPreview, AppError> {
        let tenant = principal.manage()?;
        let lease = self.lease(principal, id).await?;
        if !matches!(
            lease.data.status,
            LeaseStatus::Active | LeaseStatus::NoticeGiven
        ) {
            return Err(AppError::Conflict {
                code: ErrorCode::Conflict,
                message: format!(
                    "only an ACTIVE or NOTICE_GIVEN lease is revised; this one is {}",
                    lease.data.status
                ),
            });
        }
        let as_of = request.as_of.unwrap_or_else(|| self.today());
        let first = first_revision_date(lease.data.start_date, lease.data.revision_date);
        let due = match request.revision_date {
            Some(date) if !is_revision_date(first, date) => {
                return Err(AppError::validation(
                    "revision_date",
                    format!(
                        "is not a revision date of this lease: they fall on {first} and on the same day every year after"
                    ),
                ));
            }
            Some(date) if date > as_of => None,
            Some(date) => Some(date),
            None => due_revision_date(first, as_of),
        };
        let Some(due) = due else {
            return Err(AppError::Conflict {
                code: ErrorCode::RevisionNotDue,
                message: format!(
                    "no revision is due on {as_of}: the lease's revision dates fall on {first} and on the same day every year after"
                ),
            });
        };
        let kind = self
            .types
            .get(tenant, lease.data.lease_type_id)
            .await
            .map_err(err)?;
        let has_clause =
            lease.has_revision_clause() && kind.is_some_and(|k| k.data.rent_revision_allowed);
        let energy = energy_f_or_g(self.energy.as_ref(), tenant, lease.data.estate_id).await?;
        let reference_quarter = match lease.data.irl_reference_quarter {
            Some(q) => Some(q),
            // The last quarter published when the lease was signed (its start, for want of
            // a signature date).
            None => self
                .indices
                .latest_published(RENT_INDEX, lease.data.start_date)
                .await
                .map_err(err)?
                .map(|v| v.quarter),
        };
        let (new_index, reference) = match reference_quarter {
            Some(q) => {
                let quarter = index_quarter_for(q, due);
                let new = self
                    .indices
                    .index_value(RENT_INDEX, quarter)
                    .await
                    .map_err(err)?;
                let old = self
                    .indices
                    .index_value(RENT_INDEX, quarter.year_before())
                    .await
                    .map_err(err)?;
                (new, old)
            }
            None => (None, None),
        };
        let history = self
            .store
            .rent_history(tenant, lease.id)
            .await
            .map_err(err)?;
        let already_revised = history.iter().any(|h| {
            h.change.reason == RentChangeReason::IndexRevision
                && h.revision_date.is_some_and(|d| d >= due)
        });
        let outcome = decide_revision(&RevisionFacts {
            has_clause,
            energy_f_or_g: energy,
            due_date: due,
            as_of,
            already_revised,
            current_rent: lease.data.rent_amount,
            reference_index: reference.as_ref().map(|v| v.value),
            new_index: new_index.as_ref().map(|v| v.value),
        });
        Ok(RevisionPreview {
            current_rent: lease.data.rent_amount,
            reference,
            new_index,
            new_rent: outcome.new_rent,
            revision_date: due,
            effective_date: outcome.effective_date,
            blocked_reason: outcome.blocked_reason,
            lease_read_at: lease.updated_at,
        })
    }

    /// Applies the revision the preview computes: 409 with the blocked reason as its code
    /// when it is blocked; the new rent and its history line otherwise.
    pub async fn apply_revision(
        &self,
        principal: &Principal,
        id: LeaseId,
        request: RevisionRequest,
    ) -> Result<(RevisionPreview, Lease), AppError> {
        let tenant = principal.manage()?;
        let now: DateTime<Utc> = self.clock.now();
        let today = now.date_naive();
        // The claim is today's, or one made in the last month (a letter sent, recorded now):
        // never ahead, and never back-dated to revive a year that is lost.
        if request
            .as_of
            .is_some_and(|d| d > today || d < today - chrono::Days::new(CLAIM_WINDOW_DAYS))
        {
            return Err(AppError::Validation(ValidationErrors::single(
                "as_of",
                format!(
                    "a revision is applied as claimed today or in the last {CLAIM_WINDOW_DAYS} days"
                ),
            )));
        }
        let preview = self.preview_revision(principal, id, request).await?;
        if let Some(reason) = preview.blocked_reason {
            return Err(AppError::Conflict {
                code: reason.error_code(),
                message: format!("the revision cannot be applied: {reason}"),
            });
        }
        let (Some(new_rent), Some(new_index), Some(reference)) = (
            preview.new_rent,
            preview.new_index.as_ref(),
            preview.reference.as_ref(),
        ) else {
            return Err(AppError::Conflict {
                code: BlockedReason::IndexNotPublished.error_code(),
                message: "the revision cannot be applied: INDEX_NOT_PUBLISHED".into(),
            });
        };
        let lease = self
            .store
            .apply_revision(
                tenant,
                &AppliedRevision {
                    lease_id: id,
                    current_rent: preview.current_rent,
                    read_at: preview.lease_read_at,
                    new_rent,
                    revision_date: preview.revision_date,
                    effective_date: preview.effective_date,
                    index_quarter: new_index.quarter,
                    index_value: new_index.value,
                    reference_value: reference.value,
                    at: now,
                },
            )
            .await
            .found(err, "lease")?;
        Ok((preview, lease))
    }
}
