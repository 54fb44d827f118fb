//! Electronic signature of a lease: the process started on a fixed document (one credit), a
//! one-time code per signer sent through the Notifier, signers in their order, the lease in
//! force when all have signed, and the signed copy with its audit page.

use faireplace_kernel::ErrorCode;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use faireplace_kernel::access::Scope;
use faireplace_kernel::{Page, PageRequest, TenantId, ValidationErrors};
use faireplace_leases::{Lease, LeaseId};
use faireplace_parties::{Contact, Lessee, Owner};
use faireplace_ports::notify::{Notifier, OutgoingMessage};
use faireplace_ports::signatures::{
    NewCode, NewSignature, ProviderReport, SignatureFilter, SignatureStore,
};
use faireplace_ports::{Clock, RepoError, Repository};
use faireplace_property::Estate;
use faireplace_signatures::otp::{self, CodeState, Verdict};
use faireplace_signatures::{
    Reachable, SignEvidence, SignMethod, Signature, SignatureId, SignatureStatus, SignerId,
    SignerInput, SignerRole, SignerStatus, bind_destinations, expiry, parse_signers,
};
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::documents::{DocumentService, signed_document};
use crate::error::Found;
use crate::{AppError, Principal};

fn err(e: RepoError) -> AppError {
    AppError::from_repo("signature", e)
}

/// Why a signer may not sign now: an unknown one is not found, the others conflict.
fn refused(r: faireplace_signatures::SignRefusal) -> AppError {
    match r {
        faireplace_signatures::SignRefusal::UnknownSigner => AppError::NotFound("signer"),
        r => AppError::Conflict {
            code: r.code(),
            message: r.to_string(),
        },
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn code_hash(salt: &str, code: &str) -> String {
    hex(&Sha256::digest(format!("{salt}:{code}").as_bytes()))
}

/// Where a signing request comes from (kept as evidence).
#[derive(Debug, Clone, Default)]
pub struct RequestOrigin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A code sent: when it stops being valid.
#[derive(Debug, Clone, Copy)]
pub struct CodeSent {
    pub signer_id: SignerId,
    pub expires_at: DateTime<Utc>,
}

/// A provider's report on one signer.
#[derive(Debug, Clone, Default)]
pub struct StatusReport {
    pub status: Option<String>,
    pub event_at: Option<DateTime<Utc>>,
    pub provider_reference: Option<String>,
}

#[derive(Clone)]
pub struct SignatureService {
    store: Arc<dyn SignatureStore>,
    documents: DocumentService,
    parties: SignerParties,
    notifier: Arc<dyn Notifier>,
    clock: Arc<dyn Clock>,
}

/// Where the signers' records are read: their destinations are theirs, never the process's.
#[derive(Clone)]
pub struct SignerParties {
    pub estates: Arc<dyn Repository<Estate>>,
    pub owners: Arc<dyn Repository<Owner>>,
    pub lessees: Arc<dyn Repository<Lessee>>,
    pub contacts: Arc<dyn Repository<Contact>>,
}

impl SignatureService {
    pub fn new(
        store: Arc<dyn SignatureStore>,
        documents: DocumentService,
        parties: SignerParties,
        notifier: Arc<dyn Notifier>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            documents,
            parties,
            notifier,
            clock,
        }
    }

    /// How the party signing as `role` can be reached, from its own record; `None` when it
    /// is not a party of the lease in that capacity.
    async fn reachable(
        &self,
        tenant: TenantId,
        lease: &Lease,
        role: SignerRole,
        party_id: uuid::Uuid,
    ) -> Result<Option<Reachable>, AppError> {
        let p = &self.parties;
        Ok(match role {
            SignerRole::Lessee => {
                if !lease.data.lessee_ids.iter().any(|l| l.0 == party_id) {
                    return Ok(None);
                }
                p.lessees
                    .get(tenant, faireplace_parties::LesseeId(party_id))
                    .await
                    .map_err(err)?
                    .map(|l| Reachable {
                        email: l.data.email,
                        phone: l.data.phone,
                    })
            }
            SignerRole::Guarantor | SignerRole::Agent => {
                if role == SignerRole::Guarantor
                    && !lease.data.guarantor_ids.iter().any(|g| g.0 == party_id)
                {
                    return Ok(None);
                }
                p.contacts
                    .get(tenant, faireplace_parties::ContactId(party_id))
                    .await
                    .map_err(err)?
                    .map(|c| Reachable {
                        email: c.data.email,
                        phone: c.data.phone,
                    })
            }
            SignerRole::Owner => {
                let owner = p
                    .estates
                    .get(tenant, lease.data.estate_id)
                    .await
                    .map_err(err)?
                    .map(|e| e.data.owner_id);
                match owner {
                    Some(o) if o.0 == party_id => {
                        p.owners
                            .get(tenant, o)
                            .await
                            .map_err(err)?
                            .map(|o| Reachable {
                                email: o.data.email,
                                phone: o.data.phone,
                            })
                    }
                    _ => None,
                }
            }
        })
    }

    /// Checks each signer is a party of the lease in the capacity given, and that every
    /// co-lessee signs; answers each signer's record, where its codes will go.
    async fn check_parties(
        &self,
        tenant: TenantId,
        lease: &Lease,
        signers: &[faireplace_signatures::ParsedSigner],
    ) -> Result<Vec<Reachable>, AppError> {
        let mut errors = ValidationErrors::new();
        let mut records = Vec::with_capacity(signers.len());
        for (i, s) in signers.iter().enumerate() {
            match self.reachable(tenant, lease, s.role, s.party_id).await? {
                Some(r) => records.push(r),
                None => {
                    records.push(Reachable::default());
                    errors.push(
                        format!("signers[{i}].party_id"),
                        match s.role {
                            SignerRole::Lessee => "is not a lessee of this lease",
                            SignerRole::Guarantor => "is not a guarantor of this lease",
                            SignerRole::Owner => "is not the owner of the lease's estate",
                            SignerRole::Agent => "is not a contact of this account",
                        },
                    );
                }
            }
        }
        for l in &lease.data.lessee_ids {
            if !signers
                .iter()
                .any(|s| s.role == SignerRole::Lessee && s.party_id == l.0)
            {
                errors.push(
                    "signers",
                    format!("every co-lessee must sign: lessee {} is missing", l.0),
                );
            }
        }
        errors.into_result()?;
        Ok(records)
    }

    /// Starts the signature of a lease: the document is made and fixed (its SHA-256), one
    /// credit is spent, the lease awaits signature.
    pub async fn initiate(
        &self,
        principal: &Principal,
        lease: LeaseId,
        signers: &[SignerInput],
    ) -> Result<Signature, AppError> {
        let tenant = principal.manage()?;
        let parsed = parse_signers(signers);
        let (lease, document, sources_read) = self.documents.lease_document(tenant, lease).await?;
        let signers = parsed?;
        let records = self.check_parties(tenant, &lease, &signers).await?;
        let signers = bind_destinations(signers, &records)?;
        let pdf = self.documents.render(document.clone()).await?;
        let sha = hex(&Sha256::digest(&pdf));
        let now = self.clock.now();
        let new = NewSignature {
            id: SignatureId(uuid::Uuid::now_v7()),
            lease_id: lease.id,
            lease_read_at: lease.updated_at,
            sources_read,
            document_pdf: pdf,
            document_sha256: sha,
            document_content: document,
            signers: signers
                .into_iter()
                .map(|s| (SignerId(uuid::Uuid::now_v7()), s))
                .collect(),
            expires_at: expiry(now),
            at: now,
        };
        self.store.initiate(tenant, &new).await.found(err, "lease")
    }

    async fn load(&self, tenant: TenantId, id: SignatureId) -> Result<Signature, AppError> {
        self.store.get(tenant, id).await.found(err, "signature")
    }

    /// The process, its status as of now.
    pub async fn get(&self, principal: &Principal, id: SignatureId) -> Result<Signature, AppError> {
        let tenant = principal.manage()?;
        Ok(self.shown(self.load(tenant, id).await?))
    }

    fn shown(&self, mut s: Signature) -> Signature {
        s.status = s.status_at(self.clock.now());
        s
    }

    pub async fn list(
        &self,
        principal: &Principal,
        filter: &SignatureFilter,
        page: PageRequest,
    ) -> Result<Page<Signature>, AppError> {
        let tenant = principal.manage()?;
        let now = self.clock.now();
        let page = self
            .store
            .list(tenant, filter, now, page)
            .await
            .map_err(err)?;
        Ok(page.map(|s| self.shown(s)))
    }

    /// Sends a signer a new one-time code (429 beyond 3 per 15 minutes).
    pub async fn send_code(
        &self,
        principal: &Principal,
        id: SignatureId,
        signer: SignerId,
    ) -> Result<CodeSent, AppError> {
        let tenant = principal.manage()?;
        self.send_code_in(tenant, id, signer).await
    }

    async fn send_code_in(
        &self,
        tenant: TenantId,
        id: SignatureId,
        signer: SignerId,
    ) -> Result<CodeSent, AppError> {
        let sig = self.load(tenant, id).await?;
        let now = self.clock.now();
        let target = sig.may_sign(signer, now).map_err(refused)?.clone();
        // The code goes where the party's record says now (a change of it is the party's,
        // audited), never to an address the process was given.
        let lease = self
            .documents
            .leases
            .get(tenant, sig.lease_id)
            .await
            .found(err, "lease")?;
        let destination = self
            .reachable(tenant, &lease, target.data.role, target.data.party_id)
            .await?
            .and_then(|r| r.email.map(|email| (email, r.phone)));
        let Some((to_email, to_phone)) = destination else {
            return Err(AppError::Conflict {
                code: ErrorCode::OtpUndeliverable,
                message: "the signer's party has no e-mail on record any more: add it to the \
                          party to send a code"
                    .into(),
            });
        };
        let window_start = now - otp::ISSUE_WINDOW;
        let sent = self
            .store
            .codes_sent_since(tenant, signer, window_start)
            .await
            .map_err(err)?;
        if let Err(next) = otp::may_issue(&sent, now) {
            return Err(rate_limited(next, now));
        }
        let (code, salt) = {
            let mut rng = rand::thread_rng();
            let code = format!("{:06}", rng.gen_range(0..1_000_000u32));
            let salt: [u8; 16] = rng.r#gen();
            (code, hex(&salt))
        };
        let expires_at = now + otp::VALID_FOR;
        let new = NewCode {
            id: uuid::Uuid::now_v7(),
            code_hash: code_hash(&salt, &code),
            salt,
            at: now,
            expires_at,
            to_email: to_email.clone(),
            to_phone: to_phone.clone(),
        };
        if !self
            .store
            .store_code(tenant, signer, &new, window_start, otp::MAX_CODES)
            .await
            .map_err(err)?
        {
            return Err(rate_limited(now + otp::ISSUE_WINDOW, now));
        }
        let message = OutgoingMessage {
            tenant_id: Some(tenant.as_uuid()),
            to_email: to_email.as_str().to_owned(),
            to_phone: to_phone.as_ref().map(|p| p.as_str().to_owned()),
            subject: "Votre code de signature FairePlace".into(),
            body: format!(
                "Bonjour,\n\nVotre code de signature du bail est : {code}\n\nIl est valable \
                 10 minutes et ne sert qu'une fois. Ne le communiquez à personne.\n\nFairePlace"
            ),
            kind: "signature_otp".into(),
        };
        let sent = self.notifier.send(&message).await;
        if sent.is_err() {
            // Undelivered: the code must not count against the signer's three.
            if let Err(e) = self.store.void_code(tenant, new.id).await {
                tracing::warn!(error = %e, "an undelivered code could not be voided");
            }
        }
        sent.map_err(|e| match e {
            faireplace_ports::notify::NotifyError::Rejected(m) => AppError::Conflict {
                code: ErrorCode::OtpUndeliverable,
                message: format!("the code could not be delivered to the signer: {m}"),
            },
            faireplace_ports::notify::NotifyError::Unavailable(m) => {
                AppError::Unavailable(m.into())
            }
        })?;
        Ok(CodeSent {
            signer_id: signer,
            expires_at,
        })
    }

    /// Signs with a code: 400 when wrong or expired, 409 OTP_LOCKED after 5 tries.
    pub async fn verify(
        &self,
        principal: &Principal,
        id: SignatureId,
        signer: SignerId,
        code: &str,
        origin: &RequestOrigin,
    ) -> Result<Signature, AppError> {
        let tenant = principal.manage()?;
        self.verify_in(tenant, id, signer, code, origin).await
    }

    async fn verify_in(
        &self,
        tenant: TenantId,
        id: SignatureId,
        signer: SignerId,
        code: &str,
        origin: &RequestOrigin,
    ) -> Result<Signature, AppError> {
        if !otp::well_formed(code) {
            return Err(AppError::validation("otp", "must be 6 digits"));
        }
        let sig = self.load(tenant, id).await?;
        let now = self.clock.now();
        sig.may_sign(signer, now).map_err(refused)?;
        let counted = self
            .store
            .count_try(tenant, signer)
            .await
            .map_err(err)?
            .ok_or_else(|| AppError::Conflict {
                code: ErrorCode::OtpRequired,
                message: "no code is pending for this signer: request one first".into(),
            })?;
        let matches: bool = code_hash(&counted.salt, code)
            .as_bytes()
            .ct_eq(counted.code_hash.as_bytes())
            .into();
        let verdict = otp::judge(
            &CodeState {
                expires_at: counted.expires_at,
                attempts: counted.attempts,
            },
            matches,
            now,
        );
        match verdict {
            Verdict::Accepted => {}
            Verdict::Wrong { remaining } => {
                return Err(AppError::validation(
                    "otp",
                    if remaining == 0 {
                        "is wrong; no tries left: request a new code".to_owned()
                    } else {
                        format!("is wrong; {remaining} tries left")
                    },
                ));
            }
            Verdict::Expired => {
                return Err(AppError::validation(
                    "otp",
                    "has expired: request a new code",
                ));
            }
            Verdict::Locked => {
                return Err(AppError::Conflict {
                    code: ErrorCode::OtpLocked,
                    message: "too many wrong codes: request a new code".into(),
                });
            }
        }
        let evidence = SignEvidence {
            at: now,
            ip: origin.ip.clone(),
            user_agent: origin.user_agent.clone(),
            method: SignMethod::Otp,
            provider_reference: None,
        };
        let signed = self
            .store
            .sign(tenant, id, signer, Some(counted.code_id), &evidence)
            .await
            .found(err, "signature")?;
        Ok(self.shown(signed))
    }

    pub async fn cancel(
        &self,
        principal: &Principal,
        id: SignatureId,
    ) -> Result<Signature, AppError> {
        let tenant = principal.manage()?;
        let cancelled = self
            .store
            .cancel(tenant, id, self.clock.now())
            .await
            .found(err, "signature")?;
        Ok(self.shown(cancelled))
    }

    async fn signed_pdf(&self, tenant: TenantId, sig: &Signature) -> Result<Vec<u8>, AppError> {
        if sig.status != SignatureStatus::Completed {
            return Err(AppError::Conflict {
                code: ErrorCode::SignatureNotCompleted,
                message: format!(
                    "the signed document exists once every signer has signed (the process is {})",
                    sig.status_at(self.clock.now())
                ),
            });
        }
        let fixed = self
            .store
            .document(tenant, sig.id)
            .await
            .found(err, "signature")?;
        self.documents
            .render(signed_document(&fixed.content, sig))
            .await
    }

    /// The document exactly as fixed when the process started: its SHA-256 is the one the
    /// signers signed and the audit page names.
    pub async fn original_document(
        &self,
        principal: &Principal,
        id: SignatureId,
    ) -> Result<Vec<u8>, AppError> {
        let tenant = principal.manage()?;
        Ok(self
            .store
            .document(tenant, id)
            .await
            .found(err, "signature")?
            .pdf)
    }

    /// The signed copy with its audit page (409 before completion).
    pub async fn signed_document(
        &self,
        principal: &Principal,
        id: SignatureId,
    ) -> Result<Vec<u8>, AppError> {
        let tenant = principal.manage()?;
        let sig = self.load(tenant, id).await?;
        self.signed_pdf(tenant, &sig).await
    }

    /// The lessee's place in the lease's latest process.
    async fn lessee_turn(
        &self,
        principal: &Principal,
        scope: Scope,
        lease: LeaseId,
    ) -> Result<(TenantId, Signature, Option<SignerId>), AppError> {
        let (tenant, lessee) = principal.lessee(scope)?;
        let leased = self
            .documents
            .leases
            .get(tenant, lease)
            .await
            .map_err(err)?
            .filter(|l| l.names_lessee(lessee))
            .ok_or(AppError::NotFound("lease"))?;
        let sig = self
            .store
            .latest_for_lease(tenant, leased.id)
            .await
            .found(err, "signature")?;
        let signer = sig
            .signers
            .iter()
            .find(|s| s.data.role == SignerRole::Lessee && s.data.party_id == lessee.0)
            .map(|s| s.id);
        Ok((tenant, sig, signer))
    }

    /// `POST /api/lessee/leases/{id}/sign/otp`.
    pub async fn lessee_send_code(
        &self,
        principal: &Principal,
        lease: LeaseId,
    ) -> Result<CodeSent, AppError> {
        let (tenant, sig, signer) = self
            .lessee_turn(principal, Scope::LeasesSign, lease)
            .await?;
        let signer = signer.ok_or(AppError::NotFound("signer"))?;
        self.send_code_in(tenant, sig.id, signer).await
    }

    /// `POST /api/lessee/leases/{id}/sign`.
    pub async fn lessee_sign(
        &self,
        principal: &Principal,
        lease: LeaseId,
        code: &str,
        origin: &RequestOrigin,
    ) -> Result<Signature, AppError> {
        let (tenant, sig, signer) = self
            .lessee_turn(principal, Scope::LeasesSign, lease)
            .await?;
        let signer = signer.ok_or(AppError::NotFound("signer"))?;
        self.verify_in(tenant, sig.id, signer, code, origin).await
    }

    /// `GET /api/lessee/leases/{id}/download`: the signed document (409 before completion).
    pub async fn lessee_download(
        &self,
        principal: &Principal,
        lease: LeaseId,
    ) -> Result<Vec<u8>, AppError> {
        let (tenant, sig, _) = self
            .lessee_turn(principal, Scope::LeasesDownload, lease)
            .await?;
        self.signed_pdf(tenant, &sig).await
    }

    async fn worker_tenant(
        &self,
        principal: &Principal,
        id: SignatureId,
    ) -> Result<TenantId, AppError> {
        principal.worker()?;
        self.store.tenant_of(id).await.found(err, "signature")
    }

    /// A provider's report of a signer's status; the same report again changes nothing.
    pub async fn report(
        &self,
        principal: &Principal,
        id: SignatureId,
        signer: SignerId,
        report: &StatusReport,
    ) -> Result<Signature, AppError> {
        let tenant = self.worker_tenant(principal, id).await?;
        let mut errors = ValidationErrors::new();
        let signed = match report.status.as_deref().map(SignerStatus::parse) {
            Some(Ok(SignerStatus::Signed)) => Some(true),
            Some(Ok(SignerStatus::Declined)) => Some(false),
            Some(Ok(SignerStatus::Pending) | Err(_)) => {
                errors.push("status", "must be SIGNED or DECLINED");
                None
            }
            None => {
                errors.push("status", "is required");
                None
            }
        };
        let now = self.clock.now();
        let at = report.event_at.unwrap_or(now);
        if at > now + chrono::Duration::minutes(5) {
            errors.push("event_at", "must not be in the future");
        }
        let started = self.load(tenant, id).await?.created_at;
        if at < started {
            errors.push("event_at", "must not be before the process started");
        }
        let reference = report
            .provider_reference
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if reference.is_some_and(|r| r.chars().count() > 200) {
            errors.push("provider_reference", "must be at most 200 characters");
        }
        errors.into_result()?;
        let Some(signed) = signed else {
            return Err(AppError::validation("status", "is required"));
        };
        let out = self
            .store
            .report(
                tenant,
                id,
                signer,
                &ProviderReport {
                    signed,
                    received_at: now,
                    evidence: SignEvidence {
                        at,
                        ip: None,
                        user_agent: None,
                        method: SignMethod::Provider,
                        provider_reference: reference.map(str::to_owned),
                    },
                },
            )
            .await
            .found(err, "signer")?;
        Ok(self.shown(out))
    }

    /// Completes a process whose signers have all signed (idempotent).
    pub async fn finalize(
        &self,
        principal: &Principal,
        id: SignatureId,
    ) -> Result<Signature, AppError> {
        let tenant = self.worker_tenant(principal, id).await?;
        let out = self
            .store
            .finalize(tenant, id, self.clock.now())
            .await
            .found(err, "signature")?;
        Ok(self.shown(out))
    }

    /// Processes of every tenant changed after `since` (for workers' sync).
    pub async fn changed_since(
        &self,
        principal: &Principal,
        since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(TenantId, Signature)>, AppError> {
        principal.worker()?;
        let list = self.store.changed_since(since, limit).await.map_err(err)?;
        Ok(list.into_iter().map(|(t, s)| (t, self.shown(s))).collect())
    }
}

fn rate_limited(next: DateTime<Utc>, now: DateTime<Utc>) -> AppError {
    let wait = (next - now).num_seconds().max(1);
    AppError::RateLimited {
        message: format!(
            "at most {} codes per signer every {} minutes: retry in {wait} s",
            otp::MAX_CODES,
            otp::ISSUE_WINDOW.num_minutes()
        ),
        retry_after: u32::try_from(wait).unwrap_or(u32::MAX),
    }
}
