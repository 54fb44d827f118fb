//! The generic flow of a CRUD resource: request form → validated domain data → checks against
//! other resources → use case → response form. Each resource module declares its forms; the
//! flow lives here once, and [`crud_handlers!`](crate::crud_handlers) writes the annotated
//! handlers.

use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use faireplace_app::{AppError, CrudService, Principal};
use faireplace_kernel::values::parse_code;
use faireplace_kernel::{PageRequest, Sort, ValidationErrors};
use faireplace_ports::{ListQuery, Resource};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use crate::AppState;
use crate::common::{ListParams, Paginated, created, merge_patch};
use crate::problem::ApiError;

/// A resource served with create, list, read, replace, patch and delete. `Parent` is `()` for
/// a top-level collection and the estate's id for what hangs under an estate.
pub trait CrudResource: Resource {
    type Parent: Copy;
    /// What a client sends (also the form a PATCH is merged into).
    type Request: Serialize + DeserializeOwned;
    /// What a client receives.
    type Response: Serialize + ToSchema;
    /// The list's equality filters, from the query string.
    type FilterParams;
    const DEFAULT_SORT: Sort<Self::SortField>;
    /// The entity type under which changes are written to the audit log; `None`: not audited.
    const AUDIT: Option<&'static str> = None;

    fn service(state: &AppState) -> &CrudService<Self>;
    /// The URL of an item.
    fn location(parent: Self::Parent, id: Self::Id) -> String;
    fn create(
        parent: Self::Parent,
        request: Self::Request,
        now: DateTime<Utc>,
    ) -> Result<Self, AppError>;
    fn replace(&mut self, request: Self::Request, now: DateTime<Utc>) -> Result<(), AppError>;
    fn to_request(&self) -> Self::Request;
    fn to_response(&self) -> Self::Response;
    fn filter(
        parent: Self::Parent,
        params: &Self::FilterParams,
    ) -> Result<Self::Filter, ValidationErrors>;
    /// The item's parent, to answer 404 for an item asked under another parent.
    fn parent(&self) -> Self::Parent;
    fn same_parent(a: Self::Parent, b: Self::Parent) -> bool;

    /// The references a client may give by code instead of by id: `(id field, code field)`.
    /// A merge patch that names the code drops the current id.
    const BY_CODE: &'static [(&'static str, &'static str)] = &[];

    /// Turns the codes a request names (see [`BY_CODE`](Self::BY_CODE)) into ids, with
    /// [`id_by_code`]. The field errors of the lookups are returned, to be reported with the
    /// record's own.
    async fn resolve(
        _state: &AppState,
        _caller: &Principal,
        _request: &mut Self::Request,
    ) -> Result<ValidationErrors, ApiError> {
        Ok(ValidationErrors::new())
    }

    /// Checks that need other resources (a referenced contact's kind, a key holder…).
    async fn check(&mut self, _state: &AppState, _caller: &Principal) -> Result<(), ApiError> {
        Ok(())
    }

    /// Refuses a delete the resource forbids (409), before storage is asked.
    fn check_delete(&self) -> Result<(), AppError> {
        Ok(())
    }

    /// Answers 404 when the parent does not exist in the caller's tenant.
    async fn check_parent(
        _state: &AppState,
        _caller: &Principal,
        _parent: Self::Parent,
    ) -> Result<(), ApiError> {
        Ok(())
    }
}

/// The id of the `R` of a code, for a reference given by code (`None` without one): one list
/// query in the caller's tenant, with the filter that `by_code` makes of the code, normalised as
/// codes are stored (trimmed, upper-cased). An id and a code both given, a code that is no code
/// or a code of nothing are recorded in `errors` under the fields (and give `None`).
pub async fn id_by_code<R: CrudResource>(
    state: &AppState,
    caller: &Principal,
    (id_field, code_field): (&str, &str),
    id_given: bool,
    code: Option<String>,
    by_code: impl FnOnce(String) -> R::Filter,
    errors: &mut ValidationErrors,
) -> Result<Option<R::Id>, ApiError> {
    let Some(code) = code else {
        return Ok(None);
    };
    if id_given {
        let message = format!("give {id_field} or {code_field}, not both");
        errors.push(id_field, message.clone());
        errors.push(code_field, message);
        return Ok(None);
    }
    let Some(code) = errors.take(code_field, parse_code(&code)) else {
        return Ok(None);
    };
    let query = ListQuery {
        page: PageRequest::default(),
        sort: R::DEFAULT_SORT,
        search: None,
        filter: by_code(code),
    };
    let page = R::service(state).list(caller, &query).await?;
    let id = page.items.first().map(|item| item.id());
    if id.is_none() {
        errors.push(code_field, format!("names no {} of this code", R::NAME));
    }
    Ok(id)
}

/// The record a request makes, or every invalid field at once: the errors of its code lookups
/// (`lookup`, from [`CrudResource::resolve`]) with the record's own. An id whose code failed is
/// not reported again as missing, and a missing id names its code field too.
fn validated<R: CrudResource, T>(
    mut lookup: ValidationErrors,
    made: Result<T, AppError>,
) -> Result<T, ApiError> {
    match made {
        Ok(item) if lookup.is_empty() => Ok(item),
        Err(AppError::Validation(errors)) => {
            let failed: Vec<&str> = R::BY_CODE
                .iter()
                .filter(|(_, code)| lookup.errors().iter().any(|e| e.field == *code))
                .map(|(id, _)| *id)
                .collect();
            for e in errors.errors() {
                let by_code = R::BY_CODE.iter().find(|(id, _)| *id == e.field);
                match by_code {
                    _ if failed.contains(&e.field.as_str()) => {}
                    Some((_, code)) if e.message == "is required" => {
                        lookup.push(&e.field, format!("is required (or {code})"));
                    }
                    _ => lookup.push(&e.field, &e.message),
                }
            }
            Err(ApiError::validation(&lookup))
        }
        Ok(_) => Err(ApiError::validation(&lookup)),
        // Another refusal (a conflict…) stays what it is, whatever the code lookup said.
        Err(other) => Err(other.into()),
    }
}

/// The resource as the audit log keeps it: what a client reads.
fn audit_json<R: CrudResource>(item: &R) -> serde_json::Value {
    serde_json::to_value(item.to_response()).unwrap_or_default()
}

/// The resource's use cases, audited when the resource is.
fn service<R: CrudResource>(state: &AppState) -> CrudService<R> {
    let service = R::service(state);
    match R::AUDIT {
        Some(entity_type) => service.with_audit(faireplace_app::crud::Audited {
            entity_type,
            encode: audit_json::<R>,
        }),
        None => service.clone(),
    }
}

/// The item `id` under `parent` (404 under another parent).
pub async fn load<R: CrudResource>(
    state: &AppState,
    caller: &Principal,
    parent: R::Parent,
    id: R::Id,
) -> Result<R, ApiError> {
    let item = R::service(state).get(caller, id).await?;
    if R::same_parent(item.parent(), parent) {
        Ok(item)
    } else {
        Err(ApiError::not_found(R::NAME))
    }
}

pub async fn create<R: CrudResource>(
    state: &AppState,
    caller: &Principal,
    parent: R::Parent,
    mut request: R::Request,
) -> Result<HttpResponse, ApiError> {
    R::check_parent(state, caller, parent).await?;
    let lookup = R::resolve(state, caller, &mut request).await?;
    let service = service::<R>(state);
    let mut item = validated::<R, _>(lookup, R::create(parent, request, service.now()))?;
    item.check(state, caller).await?;
    let item = service.create(caller, move |_| Ok(item)).await?;
    Ok(created(R::location(parent, item.id()), &item.to_response()))
}

pub async fn list<R: CrudResource>(
    state: &AppState,
    caller: &Principal,
    parent: R::Parent,
    params: &ListParams,
    filter: &R::FilterParams,
) -> Result<HttpResponse, ApiError> {
    let (page, sort) = params.parse(R::DEFAULT_SORT)?;
    let query = ListQuery {
        page,
        sort,
        search: params.search(),
        filter: R::filter(parent, filter)?,
    };
    R::check_parent(state, caller, parent).await?;
    let page = R::service(state).list(caller, &query).await?;
    Ok(Paginated::from_page(page, |item| item.to_response()).respond())
}

async fn store<R: CrudResource>(
    state: &AppState,
    caller: &Principal,
    before: R,
    mut request: R::Request,
) -> Result<HttpResponse, ApiError> {
    let lookup = R::resolve(state, caller, &mut request).await?;
    let service = service::<R>(state);
    let mut item = before.clone();
    validated::<R, _>(lookup, item.replace(request, service.now()))?;
    item.check(state, caller).await?;
    let item = service
        .change(caller, before, move |stored, _| {
            *stored = item;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Ok().json(item.to_response()))
}

pub async fn replace<R: CrudResource>(
    state: &AppState,
    caller: &Principal,
    parent: R::Parent,
    id: R::Id,
    request: R::Request,
) -> Result<HttpResponse, ApiError> {
    let item = load::<R>(state, caller, parent, id).await?;
    store(state, caller, item, request).await
}

pub async fn patch<R: CrudResource>(
    state: &AppState,
    caller: &Principal,
    parent: R::Parent,
    id: R::Id,
    mut patch: serde_json::Value,
) -> Result<HttpResponse, ApiError> {
    let item = load::<R>(state, caller, parent, id).await?;
    if let Some(fields) = patch.as_object_mut() {
        for (id_field, code_field) in R::BY_CODE {
            let names_code = fields.get(*code_field).is_some_and(|c| !c.is_null());
            if names_code && !fields.contains_key(*id_field) {
                fields.insert((*id_field).to_owned(), serde_json::Value::Null);
            }
        }
    }
    let request = merge_patch(&item.to_request(), patch)?;
    store(state, caller, item, request).await
}

pub async fn delete<R: CrudResource>(
    state: &AppState,
    caller: &Principal,
    parent: R::Parent,
    id: R::Id,
) -> Result<HttpResponse, ApiError> {
    let item = load::<R>(state, caller, parent, id).await?;
    item.check_delete()?;
    service::<R>(state).remove(caller, &item).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Writes the six annotated handlers of a CRUD resource and its `crud_routes` function.
///
/// `top` for a top-level collection (`/owners/{id}`), `estate` for what hangs under an estate
/// (`/estates/{estate_id}/rooms/{id}`), `kind` for the types (`/types/{kind}/{id}`).
#[macro_export]
macro_rules! crud_handlers {
    (top $($rest:tt)*) => {
        $crate::crud_handlers!(@impl
            parent = [],
            item = [path: actix_web::web::Path<uuid::Uuid>],
            parent_of = { () },
            item_of = { ((), path.into_inner()) },
            $($rest)*
        );
    };
    (estate $($rest:tt)*) => {
        $crate::crud_handlers!(@child faireplace_property::EstateId, $($rest)*);
    };
    (place $($rest:tt)*) => {
        $crate::crud_handlers!(@child faireplace_property::PlaceId, $($rest)*);
    };
    (lease $($rest:tt)*) => {
        $crate::crud_handlers!(@child faireplace_leases::LeaseId, $($rest)*);
    };
    // What hangs under a parent: `/parents/{parent_id}/children/{id}`.
    (@child $parent:path, $($rest:tt)*) => {
        $crate::crud_handlers!(@impl
            parent = [path: actix_web::web::Path<uuid::Uuid>],
            item = [path: actix_web::web::Path<(uuid::Uuid, uuid::Uuid)>],
            parent_of = { $parent(path.into_inner()) },
            item_of = {{
                let (parent, id) = path.into_inner();
                ($parent(parent), id)
            }},
            $($rest)*
        );
    };
    (kind $($rest:tt)*) => {
        $crate::crud_handlers!(@impl
            parent = [path: actix_web::web::Path<String>],
            item = [path: actix_web::web::Path<(String, uuid::Uuid)>],
            parent_of = {
                match faireplace_property::TypeKind::from_path(&path) {
                    Some(kind) => kind,
                    None => return Err($crate::problem::ApiError::not_found("type kind (use estate, room or equipment)")),
                }
            },
            item_of = {{
                let (kind, id) = path.into_inner();
                match faireplace_property::TypeKind::from_path(&kind) {
                    Some(kind) => (kind, id),
                    None => return Err($crate::problem::ApiError::not_found("type kind (use estate, room or equipment)")),
                }
            }},
            $($rest)*
        );
    };
    (@impl
        parent = [$($parent_arg:ident : $parent_ty:ty)?],
        item = [$item_arg:ident : $item_ty:ty],
        parent_of = { $($parent_of:tt)* },
        item_of = { $($item_of:tt)* },
        $resource:ident, $id:ident, $request:ident, $response:ident, $filter:ident,
        tag = $tag:literal, collection = $collection:literal, item = $item:literal,
        ops = [$c_op:literal, $l_op:literal, $g_op:literal, $r_op:literal, $p_op:literal, $d_op:literal],
        docs = [$c_doc:literal, $l_doc:literal, $g_doc:literal, $r_doc:literal, $p_doc:literal, $d_doc:literal $(,)?] $(,)?
    ) => {
        // utoipa recognises the route attributes by their bare names.
        use actix_web::{delete, get, patch, post, put};

        $crate::endpoint! {
            #[doc = $c_doc]
            post $collection, tag = $tag, id = $c_op,
            ok = (201, "Created", $response),
            location = "URL of the new item",
            errors = [403 Forbidden, 404 NotFound, 409 Conflict],
            json body: $request,
            fn create_item(state, caller: $crate::common::Manager $(, $parent_arg: $parent_ty)?) {
                let parent = $($parent_of)*;
                $crate::crud::create::<$resource>(&state, &caller.0, parent, body.into_inner()).await
            }
        }

        $crate::endpoint! {
            #[doc = $l_doc]
            get $collection, tag = $tag, id = $l_op,
            ok = (200, "A page", $crate::common::Paginated<$response>),
            errors = [403 Forbidden, 404 NotFound],
            query params: $crate::common::ListParams, filter: $filter;
            fn list_items(state, caller: $crate::common::Manager $(, $parent_arg: $parent_ty)?) {
                let parent = $($parent_of)*;
                $crate::crud::list::<$resource>(&state, &caller.0, parent, &params, &filter).await
            }
        }

        $crate::endpoint! {
            #[doc = $g_doc]
            get $item, tag = $tag, id = $g_op,
            ok = (200, "The item", $response),
            errors = [403 Forbidden, 404 NotFound],
            fn get_item(state, caller: $crate::common::Manager, $item_arg: $item_ty) {
                let (parent, id) = $($item_of)*;
                let item = $crate::crud::load::<$resource>(&state, &caller.0, parent, $id(id)).await?;
                Ok(actix_web::HttpResponse::Ok().json($crate::crud::CrudResource::to_response(&item)))
            }
        }

        $crate::endpoint! {
            #[doc = $r_doc]
            put $item, tag = $tag, id = $r_op,
            ok = (200, "The item", $response),
            errors = [403 Forbidden, 404 NotFound, 409 Conflict],
            json body: $request,
            fn replace_item(state, caller: $crate::common::Manager, $item_arg: $item_ty) {
                let (parent, id) = $($item_of)*;
                $crate::crud::replace::<$resource>(&state, &caller.0, parent, $id(id), body.into_inner()).await
            }
        }

        $crate::endpoint! {
            #[doc = $p_doc]
            patch $item, tag = $tag, id = $p_op,
            ok = (200, "The item", $response),
            errors = [403 Forbidden, 404 NotFound, 409 Conflict],
            body = $request,
            fn patch_item(
                state,
                caller: $crate::common::Manager,
                $item_arg: $item_ty,
                body: $crate::json::Json<serde_json::Value>,
            ) {
                let (parent, id) = $($item_of)*;
                $crate::crud::patch::<$resource>(&state, &caller.0, parent, $id(id), body.into_inner()).await
            }
        }

        $crate::endpoint! {
            #[doc = $d_doc]
            delete $item, tag = $tag, id = $d_op,
            ok = (204, "Deleted"),
            errors = [403 Forbidden, 404 NotFound, 409 Conflict],
            fn delete_item(state, caller: $crate::common::Manager, $item_arg: $item_ty) {
                let (parent, id) = $($item_of)*;
                $crate::crud::delete::<$resource>(&state, &caller.0, parent, $id(id)).await
            }
        }

        /// Registers the six handlers.
        pub fn crud_routes(cfg: &mut $crate::routes::Routes<'_, '_>) {
            cfg.service(create_item)
                .service(list_items)
                .service(get_item)
                .service(replace_item)
                .service(patch_item)
                .service(delete_item);
        }
    };
}

/// The parent plumbing of a top-level collection at `$collection` (`/api/owners`).
#[macro_export]
macro_rules! top_level {
    ($collection:literal) => {
        type Parent = ();

        fn location(_: (), id: Self::Id) -> String {
            format!("{}/{}", $collection, id)
        }

        fn parent(&self) {}

        fn same_parent(_: (), _: ()) -> bool {
            true
        }
    };
}

/// The parent plumbing of what hangs under a `$parent` at `$base/{id}/$segment`: the parent's
/// id is read from the item by `$of`, and a missing parent (or another tenant's, through the
/// `$service` use case) answers 404.
#[macro_export]
macro_rules! under {
    ($parent:ty, $base:literal, $service:ident, $segment:literal, |$it:ident| $of:expr) => {
        type Parent = $parent;

        fn location(parent: $parent, id: Self::Id) -> String {
            format!("{}/{}/{}/{}", $base, parent, $segment, id)
        }

        fn parent(&self) -> $parent {
            let $it = self;
            $of
        }

        fn same_parent(a: $parent, b: $parent) -> bool {
            a == b
        }

        async fn check_parent(
            state: &$crate::AppState,
            caller: &faireplace_app::Principal,
            parent: $parent,
        ) -> Result<(), $crate::problem::ApiError> {
            state
                .$service
                .get(caller, parent)
                .await
                .map(|_| ())
                .map_err(Into::into)
        }
    };
}

/// What hangs under an estate at `/api/estates/{id}/$segment`.
#[macro_export]
macro_rules! under_estate {
    ($segment:literal) => {
        $crate::under!(
            faireplace_property::EstateId,
            "/api/estates",
            estates,
            $segment,
            |it| faireplace_property::OfEstate::estate_id(it)
        );
    };
}

/// What hangs under a place at `/api/places/{id}/$segment`.
#[macro_export]
macro_rules! under_place {
    ($segment:literal) => {
        $crate::under!(
            faireplace_property::PlaceId,
            "/api/places",
            places,
            $segment,
            |it| it.place_id
        );
    };
}

/// What hangs under a lease at `/api/leases/{id}/$segment`.
#[macro_export]
macro_rules! under_lease {
    ($segment:literal) => {
        $crate::under!(
            faireplace_leases::LeaseId,
            "/api/leases",
            leases,
            $segment,
            |it| it.lease_id
        );
    };
}
