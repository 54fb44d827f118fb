//! Field-level validation errors, collected so that a client sees every problem at once.

use std::fmt;

/// One invalid field and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A non-empty list of field errors, or the accumulator that builds one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// A single error.
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self(vec![FieldError::new(field, message)])
    }

    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Keeps the value of `result`, or records its error under `field`.
    pub fn take<T, E: fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(field, error.to_string());
                None
            }
        }
    }

    /// Like [`Self::take`] for an optional input: `None` stays `None` without error.
    pub fn take_opt<T, E: fmt::Display>(
        &mut self,
        field: &str,
        result: Option<Result<T, E>>,
    ) -> Option<T> {
        result.and_then(|r| self.take(field, r))
    }

    /// Keeps the value of an inner validation, or records all its errors.
    pub fn merge<T>(&mut self, result: Result<T, ValidationErrors>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(inner) => {
                self.0.extend(inner.0);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    /// `Ok(())` when nothing was recorded.
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for ValidationErrors {}

crate::text_enum!(
    /// Why a request failed: the `code` of every problem a client can receive. Stable: clients
    /// branch on it; the `detail` beside it is for people.
    pub ErrorCode {
        /// A field is invalid or missing (see `errors`), or a query value does not parse.
        ValidationError => "VALIDATION_ERROR",
        /// The body is not JSON.
        MalformedJson => "MALFORMED_JSON",
        /// The request cannot be read as the route needs it.
        BadRequest => "BAD_REQUEST",
        /// No key, or an unknown, revoked or expired one.
        Unauthenticated => "UNAUTHENTICATED",
        /// A valid key without the role or scope.
        Forbidden => "FORBIDDEN",
        /// Absent, or another tenant's.
        NotFound => "NOT_FOUND",
        MethodNotAllowed => "METHOD_NOT_ALLOWED",
        NotAcceptable => "NOT_ACCEPTABLE",
        /// The body did not arrive in time.
        RequestTimeout => "REQUEST_TIMEOUT",
        /// The state of a resource forbids the change (a duplicate, a change made meanwhile,
        /// a record still referenced).
        Conflict => "CONFLICT",
        PayloadTooLarge => "PAYLOAD_TOO_LARGE",
        UriTooLong => "URI_TOO_LONG",
        UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
        HeadersTooLarge => "HEADERS_TOO_LARGE",
        /// Too many requests (the key's quota, failed authentications, one-time codes).
        RateLimited => "RATE_LIMITED",
        /// A paid action without the credits to pay for it (402).
        InsufficientCredits => "INSUFFICIENT_CREDITS",
        /// The tenant already holds as many keys in force as allowed.
        KeyLimitReached => "KEY_LIMIT_REACHED",
        /// An `Idempotency-Key` sent again with another request.
        IdempotencyKeyReused => "IDEMPOTENCY_KEY_REUSED",
        /// A lease (its charges, its estate, its annexes) is out for signature.
        SignatureInProgress => "SIGNATURE_IN_PROGRESS",
        /// The lease is in no state to be signed.
        LeaseNotSignable => "LEASE_NOT_SIGNABLE",
        SignatureExpired => "SIGNATURE_EXPIRED",
        SignatureClosed => "SIGNATURE_CLOSED",
        SignatureNotCompleted => "SIGNATURE_NOT_COMPLETED",
        SignersPending => "SIGNERS_PENDING",
        AlreadySigned => "ALREADY_SIGNED",
        SignerDeclined => "SIGNER_DECLINED",
        SignerOutOfOrder => "SIGNER_OUT_OF_ORDER",
        /// Send a one-time code first.
        OtpRequired => "OTP_REQUIRED",
        /// Five wrong codes: a new code is needed.
        OtpLocked => "OTP_LOCKED",
        OtpUsed => "OTP_USED",
        OtpUndeliverable => "OTP_UNDELIVERABLE",
        /// A freeze period forbids changing a lease's charges now.
        ChargesFrozen => "CHARGES_FROZEN",
        /// A place service still used by lease charges.
        ServiceInUse => "SERVICE_IN_USE",
        /// A rent revision: this year's is applied already.
        AlreadyRevised => "ALREADY_REVISED",
        RevisionNotDue => "REVISION_NOT_DUE",
        /// A rent revision: the lease has no revision clause.
        NoRevisionClause => "NO_REVISION_CLAUSE",
        /// A rent revision: the estate is rated F or G, its rent is frozen.
        EnergyClassFG => "ENERGY_CLASS_F_G",
        /// A rent revision: the index it needs is not published yet.
        IndexNotPublished => "INDEX_NOT_PUBLISHED",
        /// A rent revision claimed more than a year after its date.
        TooLate => "TOO_LATE",
        /// Stripe's signature of a webhook is missing or wrong.
        InvalidSignature => "INVALID_SIGNATURE",
        PaymentRejected => "PAYMENT_REJECTED",
        PaymentsUnavailable => "PAYMENTS_UNAVAILABLE",
        PaymentProviderUnavailable => "PAYMENT_PROVIDER_UNAVAILABLE",
        /// Every slot for long computations is taken: retry after `Retry-After`.
        ServerBusy => "SERVER_BUSY",
        /// The database does not answer: retry after `Retry-After`.
        ServiceUnavailable => "SERVICE_UNAVAILABLE",
        /// Something failed on our side; quote the `request_id`.
        Internal => "INTERNAL",
    }
);
