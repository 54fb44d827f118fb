//! The errors a use case can answer, in terms a client can act on.

use faireplace_kernel::ErrorCode;
use faireplace_kernel::ValidationErrors;
use faireplace_ports::RepoError;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// One or more fields are invalid, or a business rule is broken.
    #[error("validation failed: {0}")]
    Validation(ValidationErrors),
    /// No key, or one that does not authenticate; the problem says which.
    #[error("authentication required: {}", .0.explain())]
    Unauthenticated(AuthProblem),
    /// A valid key without the role or scope.
    #[error("{0}")]
    Forbidden(String),
    /// Absent, or owned by another tenant: the two are never told apart.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A state conflict; `code` is the stable machine-readable reason.
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    /// A paid action without the credits to pay for it.
    #[error("not enough credits: buy a package (GET /api/credits/packages)")]
    InsufficientCredits,
    /// Too many requests of a kind: retry after `retry_after` seconds.
    #[error("{message}")]
    RateLimited { message: String, retry_after: u32 },
    /// The content is of a type this operation does not accept.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The content exceeds a size limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The request cannot be read as this route needs it (a bad signature, an unreadable
    /// body); `code` is the stable reason. Field errors are [`AppError::Validation`].
    #[error("{message}")]
    BadRequest { code: ErrorCode, message: String },
    /// An outside service this needs is not configured or does not answer; `code` says which,
    /// `retry_after` (seconds) whether a retry may help.
    #[error("{message}")]
    ServiceUnavailable {
        code: ErrorCode,
        message: String,
        retry_after: Option<u32>,
    },
    /// The storage does not answer.
    #[error("service unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

faireplace_kernel::text_enum!(
    /// Why a key does not authenticate. A key's state (revoked, expired, a worker key) is told
    /// only to whoever holds its secret: an unknown id and a wrong secret read the same, so
    /// that key ids cannot be probed.
    pub AuthProblem {
        /// No key was sent.
        Missing => "MISSING",
        /// What was sent is not a key (`fp_live_…` with a valid checksum).
        Malformed => "MALFORMED",
        /// The key is sent in `Authorization` without the `Bearer` scheme.
        NotBearer => "NOT_BEARER",
        /// No such key, or not its secret.
        Unknown => "UNKNOWN",
        /// The key was revoked.
        Revoked => "REVOKED",
        /// The key expired.
        Expired => "EXPIRED",
        /// A WORKER key, sent as `Authorization: Bearer`: worker keys go in `X-API-Key`, under
        /// `/api/workers` only.
        WorkerKeyAsBearer => "WORKER_KEY_AS_BEARER",
    }
);

impl AuthProblem {
    /// What a client is told.
    pub fn explain(&self) -> &'static str {
        match self {
            AuthProblem::Missing => {
                "no API key: send Authorization: Bearer fp_live_… (X-API-Key under /api/workers)"
            }
            AuthProblem::Malformed => {
                "this is not an API key: a key reads fp_live_<id>_<secret><checksum>; check for \
                 a character lost in copying"
            }
            AuthProblem::NotBearer => "send the key as Authorization: Bearer fp_live_…",
            AuthProblem::Unknown => "unknown key, or a wrong secret for this key id",
            AuthProblem::Revoked => "this key was revoked: ask its tenant's OWNER for another",
            AuthProblem::Expired => "this key has expired: ask its tenant's OWNER for another",
            AuthProblem::WorkerKeyAsBearer => {
                "this is a WORKER key: send it as X-API-Key, under /api/workers only"
            }
        }
    }
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(ValidationErrors::single(field, message))
    }

    /// Maps a storage error for an operation on a resource named `what`.
    pub fn from_repo(what: &'static str, error: RepoError) -> Self {
        match error {
            // The constraint's name stays in storage: repositories that know theirs answer
            // a field error instead.
            RepoError::Duplicate { .. } => AppError::Conflict {
                code: ErrorCode::Conflict,
                message: format!("this {what} conflicts with an existing one"),
            },
            RepoError::InUse { by } => AppError::Conflict {
                code: ErrorCode::Conflict,
                message: format!("this {what} is still referenced by {by} and cannot be deleted"),
            },
            RepoError::Conflict {
                code: ErrorCode::InsufficientCredits,
                ..
            } => AppError::InsufficientCredits,
            RepoError::Conflict { code, message } => AppError::Conflict { code, message },
            RepoError::MissingReference { field } => {
                AppError::validation(&field, "refers to a record that does not exist")
            }
            RepoError::Rule { field, message } => AppError::validation(&field, message),
            RepoError::Unavailable(e) => AppError::Unavailable(e),
            e @ RepoError::Corrupt { .. } => AppError::Unknown(Box::new(e)),
            RepoError::Unknown(e) => AppError::Unknown(e),
        }
    }
}

impl From<ValidationErrors> for AppError {
    fn from(value: ValidationErrors) -> Self {
        AppError::Validation(value)
    }
}

/// A storage answer read by a use case: its error mapped by `err` (the module's
/// [`AppError::from_repo`] for its resource), a missing row answered as `missing` not found.
pub trait Found<T> {
    fn found(self, err: fn(RepoError) -> AppError, missing: &'static str) -> Result<T, AppError>;
}

impl<T> Found<T> for Result<Option<T>, RepoError> {
    fn found(self, err: fn(RepoError) -> AppError, missing: &'static str) -> Result<T, AppError> {
        self.map_err(err)?.ok_or(AppError::NotFound(missing))
    }
}
