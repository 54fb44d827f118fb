//! A lease's annexes: the catalog's that apply to it, the estate's diagnostics, uploads; what
//! is still missing; and each annex as a file.

use std::sync::Arc;

use chrono::NaiveDate;
use faireplace_annexes::{AnnexFacts, AnnexSource, Attached, Compliance, Needs, entry};
use faireplace_kernel::ValidationErrors;
use faireplace_kernel::values::Text;
use faireplace_leases::{AnnexCode, LeaseId};
use faireplace_ports::annexes::{AnnexContext, AnnexStore, LeaseAnnex};
use faireplace_ports::pdf::PdfDocument;
use faireplace_ports::{Clock, MediaId, RepoError};

use crate::documents::{DocumentService, static_document};
use crate::error::Found;
use crate::media::{Download, MediaService};
use crate::{AppError, Principal};

fn err(e: RepoError) -> AppError {
    AppError::from_repo("annex", e)
}

/// What a lease needs, and what is attached, as compliance counts them.
pub(crate) fn needs(context: &AnnexContext, today: NaiveDate) -> (Needs, Vec<Attached>) {
    let needs = faireplace_annexes::applicable(&AnnexFacts {
        type_annexes: context.type_annexes.clone(),
        furnished: context.furnished,
        construction_year: context.construction_year,
        is_coownership: context.is_coownership,
        gas_diagnostic_on_record: context.diagnostics.iter().any(|d| d.code == AnnexCode::Gas),
        charges_on_provision: context.charges_on_provision,
        today,
    });
    let attached = context
        .annexes
        .iter()
        .filter_map(|a| {
            a.code.map(|code| Attached {
                code,
                valid_until: a.valid_until,
            })
        })
        .collect();
    (needs, attached)
}

/// What `attach-mandatory` did.
#[derive(Debug, Clone)]
pub struct AttachOutcome {
    /// Attached by this call.
    pub attached: Vec<LeaseAnnex>,
    /// Every annex of the lease now.
    pub annexes: Vec<LeaseAnnex>,
    /// Required, and not attachable from what is on record: (code, why).
    pub missing: Vec<(AnnexCode, String)>,
    pub to_confirm: Vec<(AnnexCode, String)>,
}

/// A custom annex as sent.
#[derive(Debug, Clone, Default)]
pub struct CustomAnnexInput {
    pub title: Option<String>,
    pub media_id: Option<MediaId>,
    pub code: Option<String>,
    /// Past this day the annex no longer counts (a report's validity).
    pub valid_until: Option<NaiveDate>,
}

/// An annex's file.
pub enum AnnexFile {
    /// A PDF made now (built-in or generated annexes).
    Rendered { filename: String, bytes: Vec<u8> },
    /// An uploaded file.
    Stored(Download),
}

#[derive(Clone)]
pub struct AnnexService {
    store: Arc<dyn AnnexStore>,
    documents: DocumentService,
    media: MediaService,
    clock: Arc<dyn Clock>,
}

impl AnnexService {
    pub fn new(
        store: Arc<dyn AnnexStore>,
        documents: DocumentService,
        media: MediaService,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            documents,
            media,
            clock,
        }
    }

    fn today(&self) -> NaiveDate {
        self.clock.now().date_naive()
    }

    async fn context(
        &self,
        principal: &Principal,
        lease: LeaseId,
    ) -> Result<AnnexContext, AppError> {
        let tenant = principal.manage()?;
        self.store.context(tenant, lease).await.found(err, "lease")
    }

    pub async fn list(
        &self,
        principal: &Principal,
        lease: LeaseId,
    ) -> Result<Vec<LeaseAnnex>, AppError> {
        let tenant = principal.manage()?;
        self.store.list(tenant, lease).await.found(err, "lease")
    }

    pub async fn get(
        &self,
        principal: &Principal,
        lease: LeaseId,
        id: uuid::Uuid,
    ) -> Result<LeaseAnnex, AppError> {
        let tenant = principal.manage()?;
        self.store.get(tenant, lease, id).await.found(err, "annex")
    }

    /// Attaches a file the manager uploaded: a catalog code when it stands for one (an entry
    /// condition report, the lessee's insurance certificate…), or a custom annex.
    pub async fn attach_custom(
        &self,
        principal: &Principal,
        lease: LeaseId,
        input: &CustomAnnexInput,
    ) -> Result<LeaseAnnex, AppError> {
        let tenant = principal.manage()?;
        let mut errors = ValidationErrors::new();
        let code = input
            .code
            .as_deref()
            .and_then(|c| errors.take("code", AnnexCode::parse(c)));
        if let Some(c) = code
            && entry(c).source != AnnexSource::UserUpload
        {
            errors.push(
                "code",
                format!(
                    "{} is {}: attach it with attach-mandatory",
                    c.as_str(),
                    entry(c).source.as_str()
                ),
            );
        }
        let title =
            match input.title.as_deref().map(str::trim) {
                Some(t) if !t.is_empty() => errors.take("title", Text::parse(t, 200)),
                _ => match code {
                    Some(c) => Some(Text::parse(entry(c).title, 200).map_err(|_| {
                        AppError::Unknown("a catalog title is not valid text".into())
                    })?),
                    None => {
                        errors.push("title", "is required");
                        None
                    }
                },
            };
        let media_id = input.media_id;
        if media_id.is_none() {
            errors.push("media_id", "is required");
        }
        errors.into_result()?;
        let (Some(title), Some(media_id)) = (title, media_id) else {
            return Err(AppError::validation("media_id", "is required"));
        };
        // The lease first: another tenant's lease is a 404 whatever the body says.
        self.store.list(tenant, lease).await.found(err, "lease")?;
        // The file must be one of the tenant's (a 400, not a 404: the lease is what is addressed).
        self.media
            .get(principal, media_id)
            .await
            .map_err(|e| match e {
                AppError::NotFound(_) => {
                    AppError::validation("media_id", "refers to a record that does not exist")
                }
                other => other,
            })?;
        let now = self.clock.now();
        let annex = LeaseAnnex {
            id: uuid::Uuid::now_v7(),
            lease_id: lease,
            code,
            title: title.to_string(),
            source: AnnexSource::UserUpload,
            media_id: Some(media_id),
            diagnostic_id: None,
            energy_diagnosis_id: None,
            valid_until: input.valid_until,
            created_at: now,
            updated_at: now,
        };
        let stored = self
            .store
            .attach(tenant, std::slice::from_ref(&annex))
            .await
            .map_err(|e| match e {
                RepoError::MissingReference { field } if field == "lease_id" => {
                    AppError::NotFound("lease")
                }
                other => err(other),
            })?;
        stored
            .into_iter()
            .next()
            .ok_or_else(|| AppError::Unknown("an upload was not attached".into()))
    }

    /// Attaches every catalog annex that applies and can be attached from what is on record
    /// (built-in texts, generated documents, the estate's active diagnostics), and lists what
    /// is still missing. Attaching twice attaches nothing twice.
    pub async fn attach_mandatory(
        &self,
        principal: &Principal,
        lease: LeaseId,
    ) -> Result<AttachOutcome, AppError> {
        let tenant = principal.manage()?;
        let context = self.context(principal, lease).await?;
        let today = self.today();
        let (needs, _) = needs(&context, today);
        let now = self.clock.now();
        let mut to_attach = Vec::new();
        let mut missing = Vec::new();
        let new_annex = |code: AnnexCode, source: AnnexSource| LeaseAnnex {
            id: uuid::Uuid::now_v7(),
            lease_id: lease,
            code: Some(code),
            title: entry(code).title.to_owned(),
            source,
            media_id: None,
            diagnostic_id: None,
            energy_diagnosis_id: None,
            valid_until: None,
            created_at: now,
            updated_at: now,
        };
        for need in &needs.required {
            let catalog = entry(need.code);
            match catalog.source {
                AnnexSource::StaticFile | AnnexSource::Generated => {
                    to_attach.push(new_annex(need.code, catalog.source));
                }
                AnnexSource::UserUpload => {
                    let on_record: Vec<_> = context
                        .diagnostics
                        .iter()
                        .filter(|d| d.code == need.code)
                        .collect();
                    let already = context.annexes.iter().any(|a| {
                        a.code == Some(need.code)
                            && a.diagnostic_id.is_none()
                            && a.energy_diagnosis_id.is_none()
                    });
                    if on_record.is_empty() && !already {
                        missing.push((
                            need.code,
                            format!("{}; nothing on record to attach", need.reason),
                        ));
                    }
                    for d in on_record {
                        match d.media_id {
                            Some(media) => to_attach.push(LeaseAnnex {
                                media_id: Some(media),
                                diagnostic_id: d.id.diagnostic(),
                                energy_diagnosis_id: d.id.energy_diagnosis(),
                                valid_until: d.valid_until,
                                title: format!(
                                    "{} ({})",
                                    catalog.title,
                                    crate::documents::date(d.performed_on)
                                ),
                                ..new_annex(need.code, AnnexSource::UserUpload)
                            }),
                            None if !already => missing.push((
                                need.code,
                                "the diagnostic on record has no file: upload its report"
                                    .to_owned(),
                            )),
                            None => {}
                        }
                    }
                }
            }
        }
        let attached = self.store.attach(tenant, &to_attach).await.map_err(err)?;
        let annexes = self
            .store
            .list(tenant, lease)
            .await
            .map_err(err)?
            .unwrap_or_default();
        Ok(AttachOutcome {
            attached,
            annexes,
            missing,
            to_confirm: needs
                .to_confirm
                .iter()
                .map(|a| (a.code, a.reason.clone()))
                .collect(),
        })
    }

    /// Whether every annex the lease needs is attached and valid today.
    pub async fn compliance(
        &self,
        principal: &Principal,
        lease: LeaseId,
    ) -> Result<Compliance, AppError> {
        let tenant = principal.manage()?;
        let context = self.context(principal, lease).await?;
        let today = self.today();
        let (needs, attached) = needs(&context, today);
        let mut out = faireplace_annexes::compliance(&needs, &attached, today);
        if context.furnished {
            out.furniture_missing = self
                .documents
                .missing_furniture(tenant, context.estate_id)
                .await?
                .iter()
                .map(|m| m.as_str().to_owned())
                .collect();
        }
        Ok(out)
    }

    /// The annex's file: built-in and generated annexes are rendered now.
    pub async fn download(
        &self,
        principal: &Principal,
        lease: LeaseId,
        id: uuid::Uuid,
    ) -> Result<AnnexFile, AppError> {
        let tenant = principal.manage()?;
        let annex = self.get(principal, lease, id).await?;
        let document: PdfDocument = match (annex.source, annex.code) {
            (AnnexSource::UserUpload, _) => {
                let media = annex
                    .media_id
                    .ok_or_else(|| AppError::Unknown("an upload without its file".into()))?;
                return Ok(AnnexFile::Stored(
                    self.media.download(principal, media).await?,
                ));
            }
            (AnnexSource::StaticFile, Some(code)) => {
                let text = faireplace_annexes::texts::static_text(code)
                    .ok_or_else(|| AppError::Unknown("a built-in annex without its text".into()))?;
                static_document(text)
            }
            (AnnexSource::Generated, Some(AnnexCode::FurnitureInventory)) => {
                let lease = self
                    .documents
                    .leases
                    .get(tenant, lease)
                    .await
                    .found(err, "lease")?;
                self.documents.furniture_inventory(tenant, &lease).await?
            }
            _ => return Err(AppError::Unknown("an annex of an unknown kind".into())),
        };
        let bytes = self.documents.render(document).await?;
        Ok(AnnexFile::Rendered {
            filename: format!(
                "{}.pdf",
                annex
                    .code
                    .map(|c| c.as_str())
                    .unwrap_or("annex")
                    .to_lowercase()
            ),
            bytes,
        })
    }

    pub async fn delete(
        &self,
        principal: &Principal,
        lease: LeaseId,
        id: uuid::Uuid,
    ) -> Result<(), AppError> {
        let tenant = principal.manage()?;
        if self.store.delete(tenant, lease, id).await.map_err(err)? {
            Ok(())
        } else {
            Err(AppError::NotFound("annex"))
        }
    }
}
