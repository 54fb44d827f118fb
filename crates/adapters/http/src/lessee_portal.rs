//! `/api/lessee/…`: the lessee portal, for LESSEE keys: the calling lessee's own leases, their
//! signature with one-time codes, and the signed document. Any other lease, even of the same
//! tenant, is 404.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use faireplace_leases::LeaseId;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::common::{LesseeKey, ListParams, Paginated, origin, pdf};
use crate::leases::contracts::{DEFAULT_SORT, LeaseResponse, response};
use crate::signatures::{CodeSentResponse, SignatureResponse, VerifyRequest, code_sent};

/// Paging of the lessee's leases.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LesseeListParams {
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `start_date` (default `-start_date`), `end_date`, `status`, `created_at`…
    pub sort: Option<String>,
}

crate::endpoint! {
    /// The leases on which the calling lessee is a party (LESSEE key with `lessee:leases:read`).
    get "/lessee/leases", tag = "Lessee portal", id = "lessee_list_leases",
    ok = (200, "A page", Paginated<LeaseResponse>),
    errors = [403 Forbidden],
    query params: LesseeListParams;
    fn lessee_leases(state, caller: LesseeKey) {
        let list = ListParams {
            page: params.page.clone(),
            limit: params.limit.clone(),
            search: None,
            sort: params.sort.clone(),
        };
        let (page, sort) = list.parse(DEFAULT_SORT)?;
        let page = state
            .lease_rules
            .lessee_leases(&caller.0, page, sort)
            .await?;
        Ok(Paginated::from_page(page, |l| response(&l)).respond())
    }
}

crate::endpoint! {
    /// One lease of the calling lessee's; any other lease, even of the same tenant, is 404.
    get "/lessee/leases/{id}", tag = "Lessee portal", id = "lessee_get_lease",
    ok = (200, "The lease", LeaseResponse),
    errors = [403 Forbidden, 404 NotFound],
    fn lessee_lease(state, caller: LesseeKey, path: web::Path<Uuid>) {
        let lease = state
            .lease_rules
            .lessee_lease(&caller.0, LeaseId(path.into_inner()))
            .await?;
        Ok(HttpResponse::Ok().json(response(&lease)))
    }
}

crate::endpoint! {
    /// Send the calling lessee a one-time code for the lease's signature (`lessee:leases:sign`).
    post "/lessee/leases/{id}/sign/otp", tag = "Lessee portal", id = "lessee_send_otp",
    ok = (200, "Sent", CodeSentResponse),
    errors = [403 Forbidden, 404 NotFound, 409 Conflict, 429 TooManyRequests],
    fn lessee_otp(state, caller: LesseeKey, id: web::Path<Uuid>) {
        let sent = state
            .signatures
            .lessee_send_code(&caller.0, LeaseId(*id))
            .await?;
        Ok(HttpResponse::Ok().json(code_sent(sent)))
    }
}

crate::endpoint! {
    /// Sign the lease with the code received (`lessee:leases:sign`).
    post "/lessee/leases/{id}/sign", tag = "Lessee portal", id = "lessee_sign",
    ok = (200, "Signed", SignatureResponse),
    errors = [403 Forbidden, 404 NotFound, 409 Conflict],
    json body: VerifyRequest,
    fn lessee_sign(state, caller: LesseeKey, req: HttpRequest, id: web::Path<Uuid>) {
        let sig = state
            .signatures
            .lessee_sign(&caller.0, LeaseId(*id), body.otp.trim(), &origin(&req))
            .await?;
        Ok(HttpResponse::Ok().json(crate::signatures::response(&sig)))
    }
}

crate::endpoint! {
    /// The signed lease with its audit page (`lessee:leases:download`; 409 before completion).
    get "/lessee/leases/{id}/download", tag = "Lessee portal", id = "lessee_download",
    ok = Pdf,
    errors = [403 Forbidden, 404 NotFound, 409 Conflict],
    fn lessee_download(state, caller: LesseeKey, id: web::Path<Uuid>) {
        let bytes = state
            .signatures
            .lessee_download(&caller.0, LeaseId(*id))
            .await?;
        Ok(pdf(bytes, &format!("bail-signe-{}.pdf", *id)))
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(lessee_leases)
        .service(lessee_lease)
        .service(lessee_otp)
        .service(lessee_sign)
        .service(lessee_download);
}
