//! Every resource declared once (`faireplace_kernel::Declared`) is served here: create, list,
//! read, replace, patch and delete at its declared path, with its OpenAPI operations and
//! schemas built from the same declaration. HTTP parses and maps; the use cases
//! (`faireplace_app::ItemService`) do the rest.
//!
//! Adding a resource: declare its record (`#[derive(Record)]` and `impl Declared`), write its
//! migration, and add one line to the server's list of resources.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::marker::PhantomData;

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use faireplace_app::ItemService;
use faireplace_kernel::item::{Declared, Item, ItemFilter, ItemSort, Parent, has_parent};
use faireplace_kernel::record::{Context, IdValue};
use faireplace_kernel::{Sort, ValidationErrors};
use serde_json::Value as Json;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem, Paths, PathsBuilder,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::{ResponseBuilder, ResponsesBuilder};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required};

use crate::AppState;
use crate::common::{Manager, Pagination, json_response};
use crate::problem::ApiError;
use crate::schema::{Components, Form, object_schema, prose, reference};

/// The use cases of each declared resource, by type.
#[derive(Default)]
pub struct ItemRegistry {
    services: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
}

impl ItemRegistry {
    pub fn insert<D: Declared>(&mut self, service: ItemService<D>) {
        self.services.insert(TypeId::of::<D>(), Box::new(service));
    }

    /// Changes the use cases of `D` (adds checks or hooks to what the wiring made); `false`
    /// when `D` is not wired.
    #[must_use]
    pub fn change<D: Declared>(
        &mut self,
        f: impl FnOnce(ItemService<D>) -> ItemService<D>,
    ) -> bool {
        match self
            .services
            .remove(&TypeId::of::<D>())
            .map(|s| s.downcast::<ItemService<D>>())
        {
            Some(Ok(service)) => {
                self.insert(f(*service));
                true
            }
            Some(Err(other)) => {
                self.services.insert(TypeId::of::<D>(), other);
                false
            }
            None => false,
        }
    }

    pub fn get<D: Declared>(&self) -> Result<&ItemService<D>, ApiError> {
        self.services
            .get(&TypeId::of::<D>())
            .and_then(|s| s.downcast_ref::<ItemService<D>>())
            .ok_or_else(|| {
                ApiError::from(faireplace_app::AppError::Unknown(
                    format!("no use cases wired for {}", D::NOUN).into(),
                ))
            })
    }
}

/// Whoever wires the declared resources (the server: a table and use cases for each).
pub trait Wire {
    fn wire<D: Declared>(&mut self);
}

/// Calls `w.wire::<D>()` for every declared resource served: the one list of them.
pub fn each_declared(w: &mut impl Wire) {
    crate::resources::each(w)
}

/// Registers the routes of every declared resource.
pub(crate) fn declared_routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    struct Register<'r, 'a, 'c>(&'r mut crate::routes::Routes<'a, 'c>);
    impl Wire for Register<'_, '_, '_> {
        fn wire<D: Declared>(&mut self) {
            self.0.service(routes::<D>());
        }
    }
    crate::resources::each(&mut Register(cfg));
}

/// The routes of `D`, to register with [`crate::routes::Routes::service`].
pub fn routes<D: Declared>() -> ItemRoutes<D> {
    ItemRoutes(PhantomData)
}

pub struct ItemRoutes<D>(PhantomData<fn() -> D>);

/// The collection's path under `/api`.
fn collection<D: Declared>() -> &'static str {
    D::PATH.strip_prefix("/api").unwrap_or(D::PATH)
}

fn item_path<D: Declared>() -> String {
    format!("{}/{{id}}", collection::<D>())
}

/// A path segment as a UUID: 404 when it is not one (no such item can exist).
fn uuid_segment(req: &HttpRequest, name: &str) -> Result<uuid::Uuid, ApiError> {
    req.match_info()
        .get(name)
        .and_then(|s| uuid::Uuid::parse_str(s).ok())
        .ok_or_else(|| ApiError::field(name, "must be a UUID"))
}

fn parent_of<D: Declared>(req: &HttpRequest) -> Result<D::Parent, ApiError> {
    if has_parent::<D>() {
        Ok(D::Parent::from_parent_uuid(uuid_segment(
            req,
            D::PARENT_FIELD,
        )?))
    } else {
        Ok(D::Parent::from_parent_uuid(uuid::Uuid::nil()))
    }
}

fn id_of<D: Declared>(req: &HttpRequest) -> Result<D::Id, ApiError> {
    Ok(<D::Id as IdValue>::from_uuid(uuid_segment(req, "id")?))
}

fn location<D: Declared>(item: &Item<D>) -> String {
    let mut path = D::PATH.to_owned();
    if let Some(p) = item.parent.parent_uuid() {
        path = path.replace(&format!("{{{}}}", D::PARENT_FIELD), &p.to_string());
    }
    format!("{path}/{}", item.id)
}

fn answer<D: Declared>(item: &Item<D>) -> HttpResponse {
    json_response(HttpResponse::Ok(), &item.to_json(), 512)
}

async fn create<D: Declared>(
    state: web::Data<AppState>,
    caller: Manager,
    req: HttpRequest,
    body: crate::json::Json<Json>,
) -> Result<HttpResponse, ApiError> {
    let parent = parent_of::<D>(&req)?;
    let item = state
        .items
        .get::<D>()?
        .create(&caller.0, parent, &body.0)
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location(&item)))
        .json(item.to_json()))
}

/// The use cases of `D`, and the parent and id the path names.
type Target<'a, D> = (
    &'a ItemService<D>,
    <D as Declared>::Parent,
    <D as Declared>::Id,
);

fn target<'a, D: Declared>(
    state: &'a AppState,
    req: &HttpRequest,
) -> Result<Target<'a, D>, ApiError> {
    Ok((
        state.items.get::<D>()?,
        parent_of::<D>(req)?,
        id_of::<D>(req)?,
    ))
}

async fn get<D: Declared>(
    state: web::Data<AppState>,
    caller: Manager,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (items, parent, id) = target::<D>(&state, &req)?;
    Ok(answer(&items.get(&caller.0, parent, id).await?))
}

/// PUT replaces the item with the body; PATCH (`MERGE`) merges the body into it.
async fn write<D: Declared, const MERGE: bool>(
    state: web::Data<AppState>,
    caller: Manager,
    req: HttpRequest,
    body: crate::json::Json<Json>,
) -> Result<HttpResponse, ApiError> {
    let (items, parent, id) = target::<D>(&state, &req)?;
    let item = if MERGE {
        items.patch(&caller.0, parent, id, &body.0).await?
    } else {
        items.replace(&caller.0, parent, id, &body.0).await?
    };
    Ok(answer(&item))
}

async fn delete<D: Declared>(
    state: web::Data<AppState>,
    caller: Manager,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (items, parent, id) = target::<D>(&state, &req)?;
    items.delete(&caller.0, parent, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

const LIST_PARAMS: [&str; 4] = ["page", "limit", "search", "sort"];

/// A filter's query value as its field reads it: as text first (`?kind=OWNER`), then as JSON
/// (`?active=true`, `?floor=3`).
fn filter_value<D: Declared>(
    name: &str,
    raw: &str,
    ctx: &Context,
) -> Result<(String, Vec<faireplace_kernel::record::SqlValue>), ValidationErrors> {
    let as_text = D::field_sql(name, &Json::String(raw.to_owned()), ctx);
    match as_text {
        Some(Ok(found)) => Ok(found),
        Some(Err(e)) => match serde_json::from_str::<Json>(raw) {
            Ok(v) => D::field_sql(name, &v, ctx).unwrap_or(Err(e)),
            Err(_) => Err(e),
        },
        None => Err(ValidationErrors::single(name, "is not a filter")),
    }
}

async fn list<D: Declared>(
    state: web::Data<AppState>,
    caller: Manager,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let parent = parent_of::<D>(&req)?;
    let pairs = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .map_err(|e| ApiError::field("query", &e.to_string()))?
        .into_inner();
    let service = state.items.get::<D>()?;
    let ctx = service.crud().context();
    let mut errors = ValidationErrors::new();
    let mut filter = ItemFilter::default();
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    for (name, raw) in &pairs {
        if LIST_PARAMS.contains(&name.as_str()) {
            continue;
        }
        if !D::FILTERS.contains(&name.as_str()) {
            errors.push(
                name.clone(),
                format!(
                    "is not a parameter of this list; it takes {}",
                    LIST_PARAMS
                        .iter()
                        .chain(D::FILTERS)
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            continue;
        }
        match filter_value::<D>(name, raw, &ctx) {
            Ok((column, values)) => {
                if let [one] = values.as_slice() {
                    filter.equals.push((column, one.clone()));
                }
            }
            Err(e) => {
                for f in e.errors() {
                    errors.push(name.clone(), f.message.clone());
                }
            }
        }
    }
    let params = crate::common::ListParams {
        page: value("page"),
        limit: value("limit"),
        search: value("search"),
        sort: value("sort"),
    };
    let default = Sort {
        field: ItemSort::<D>::first(),
        descending: D::SORT_DESCENDING,
    };
    let parsed = params.parse(default);
    errors.into_result()?;
    let (page, sort) = parsed?;
    let query = faireplace_app::crud::item_query::<D>(page, sort, params.search(), filter);
    let page = service.list(&caller.0, parent, query).await?;
    let pagination = Pagination {
        page: page.request.page(),
        limit: page.request.limit(),
        total: page.total,
        total_pages: page.total_pages(),
    };
    let data: Vec<Json> = page.items.iter().map(Item::to_json).collect();
    let body = serde_json::json!({"data": data, "pagination": pagination});
    Ok(json_response(
        HttpResponse::Ok(),
        &body,
        256 + data.len() * 512,
    ))
}

impl<D: Declared> HttpServiceFactory for ItemRoutes<D> {
    fn register(self, config: &mut AppService) {
        // Another method on these paths: 405 with `Allow`, as for every route.
        web::resource(collection::<D>())
            .route(web::post().to(create::<D>))
            .route(web::get().to(list::<D>))
            .default_service(web::to(crate::middleware::fallback))
            .register(config);
        web::resource(item_path::<D>())
            .route(web::get().to(get::<D>))
            .route(web::put().to(write::<D, false>))
            .route(web::patch().to(write::<D, true>))
            .route(web::delete().to(delete::<D>))
            .default_service(web::to(crate::middleware::fallback))
            .register(config);
    }
}

/// Names of the resource in the document: `BankAccount`, `bank_account`, `bank_accounts`.
fn names<D: Declared>() -> (String, String, String) {
    let schema = D::NAME.to_owned();
    let snake = D::NOUN.replace([' ', '-'], "_");
    let plural = D::PLURAL.replace([' ', '-'], "_");
    (schema, snake, plural)
}

fn problem(status: &str) -> RefOr<utoipa::openapi::response::Response> {
    let name = match status {
        "400" => "BadRequest",
        "401" => "Unauthorized",
        "403" => "Forbidden",
        "404" => "NotFound",
        _ => "Conflict",
    };
    RefOr::Ref(Ref::from_response_name(name))
}

fn json_body(schema: RefOr<Schema>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

fn responses(
    ok: (&str, &str, Option<RefOr<Schema>>),
    errors: &[&str],
) -> utoipa::openapi::Responses {
    let mut ok_response = ResponseBuilder::new().description(ok.1);
    if let Some(schema) = ok.2 {
        ok_response = ok_response.content("application/json", json_body(schema));
    }
    if ok.0 == "201" {
        ok_response = ok_response.header(
            "Location",
            utoipa::openapi::HeaderBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .description(Some("URL of the new item"))
                .build(),
        );
    }
    let mut b = ResponsesBuilder::new().response(ok.0, ok_response.build());
    for status in errors {
        b = b.response(*status, problem(status));
    }
    b.build()
}

fn path_params<D: Declared>(with_id: bool) -> Vec<utoipa::openapi::path::Parameter> {
    let uuid = || {
        ObjectBuilder::new().schema_type(Type::String).format(Some(
            utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Uuid),
        ))
    };
    let mut out = Vec::new();
    if has_parent::<D>() {
        out.push(
            ParameterBuilder::new()
                .name(D::PARENT_FIELD)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some("The parent's id."))
                .schema(Some(uuid()))
                .build(),
        );
    }
    if with_id {
        out.push(
            ParameterBuilder::new()
                .name("id")
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some(format!("The {}'s id.", D::NOUN)))
                .schema(Some(uuid()))
                .build(),
        );
    }
    out
}

fn query_param(
    name: &str,
    description: String,
    schema: RefOr<Schema>,
) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

fn list_params<D: Declared>(components: &mut Components) -> Vec<utoipa::openapi::path::Parameter> {
    let int = |min: i64, max: Option<i64>| {
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(min))
                .maximum(max)
                .build(),
        ))
    };
    let text = || {
        RefOr::T(Schema::Object(
            ObjectBuilder::new().schema_type(Type::String).build(),
        ))
    };
    let mut out = vec![
        query_param("page", "Page number, from 1.".into(), int(1, None)),
        query_param(
            "limit",
            "Items per page, 1 to 100 (default 20).".into(),
            int(1, Some(100)),
        ),
    ];
    if !D::SEARCH.is_empty() {
        out.push(query_param(
            "search",
            format!(
                "Case-insensitive text searched in {}.",
                D::SEARCH.join(", ")
            ),
            text(),
        ));
    }
    out.push(query_param(
        "sort",
        format!(
            "`field` ascending or `-field` descending; fields: {} (default {}{}).",
            D::SORTS.join(", "),
            if D::SORT_DESCENDING { "-" } else { "" },
            D::SORTS.first().copied().unwrap_or("created_at")
        ),
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(
                    D::SORTS
                        .iter()
                        .flat_map(|s| [(*s).to_owned(), format!("-{s}")]),
                ))
                .build(),
        )),
    ));
    let fields = D::fields();
    for name in D::FILTERS {
        if let Some(f) = fields.iter().find(|f| f.name == *name) {
            out.push(query_param(
                name,
                format!("Only the {} whose `{name}` is this.", D::PLURAL),
                crate::schema::shape_schema(&f.shape, components),
            ));
        }
    }
    out
}

/// The response form's fields: id, parent, the record's, times.
fn response_fields<D: Declared>() -> Vec<faireplace_kernel::record::FieldSchema> {
    use faireplace_kernel::record::{FieldSchema, Shape};
    let server = |name: &'static str, shape: Shape, description: &'static str| FieldSchema {
        name,
        shape,
        required: true,
        nullable: false,
        read_only: true,
        description: Some(description),
        example: None,
    };
    let mut out = vec![server("id", Shape::Uuid, "The id, given by the server.")];
    if has_parent::<D>() {
        out.push(server(D::PARENT_FIELD, Shape::Uuid, "The parent's id."));
    }
    out.extend(D::fields());
    out.push(server(
        "created_at",
        Shape::DateTime,
        "When it was created.",
    ));
    out.push(server(
        "updated_at",
        Shape::DateTime,
        "When it was last changed.",
    ));
    out
}

impl<D: Declared> utoipa_actix_web::OpenApiFactory for ItemRoutes<D> {
    fn paths(&self) -> Paths {
        let (schema, snake, plural) = names::<D>();
        let noun = D::NOUN;
        let mut components = Components::default();
        let request = || {
            RequestBodyBuilder::new()
                .content(
                    "application/json",
                    json_body(reference(&format!("{schema}Request"))),
                )
                .required(Some(Required::True))
                .build()
        };
        let searched = if D::SEARCH.is_empty() {
            String::new()
        } else {
            format!(", a search in {}", D::SEARCH.join(", "))
        };
        let filtered = if D::FILTERS.is_empty() {
            String::new()
        } else {
            format!(
                ", filters {}",
                D::FILTERS
                    .iter()
                    .map(|f| format!("`?{f}=`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let about = D::DESCRIPTION.map(prose).unwrap_or_default();
        let op = |id: String, summary: String, more: &str| {
            OperationBuilder::new()
                .tag(D::TAG)
                .operation_id(Some(id))
                .summary(Some(summary.clone()))
                .description(Some(format!(
                    "{summary} {more}\n\n{about}\n\nTakes an OWNER or MANAGER key."
                )))
                .security(SecurityRequirement::new("bearer", Vec::<String>::new()))
        };
        let page_schema = RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .property(
                    "data",
                    ArrayBuilder::new().items(reference(&schema)).build(),
                )
                .property("pagination", reference("Pagination"))
                .required("data")
                .required("pagination")
                .build(),
        ));
        let create_op = op(
            format!("create_{snake}"),
            format!("Create a {noun}."),
            "Every invalid field is named in the answer; a field the resource does not have is refused.",
        )
        .parameters(Some(path_params::<D>(false)))
        .request_body(Some(request()))
        .responses(responses(
            ("201", "Created", Some(reference(&schema))),
            &["400", "401", "403", "404", "409"],
        ))
        .build();
        let list_op = op(
            format!("list_{plural}"),
            format!("List {}.", D::PLURAL),
            &format!("Pages of at most 100{searched}{filtered}."),
        )
        .parameters(Some(
            path_params::<D>(false)
                .into_iter()
                .chain(list_params::<D>(&mut components))
                .collect::<Vec<_>>(),
        ))
        .responses(responses(
            ("200", "A page", Some(page_schema)),
            &["400", "401", "403", "404"],
        ))
        .build();
        let get_op = op(format!("get_{snake}"), format!("Read a {noun}."), "")
            .parameters(Some(path_params::<D>(true)))
            .responses(responses(
                ("200", "The item", Some(reference(&schema))),
                &["400", "401", "403", "404"],
            ))
            .build();
        let replace_op = op(
            format!("replace_{snake}"),
            format!("Replace a {noun}."),
            "Every field; absent ones are cleared (or take their default).",
        )
        .parameters(Some(path_params::<D>(true)))
        .request_body(Some(request()))
        .responses(responses(
            ("200", "The item", Some(reference(&schema))),
            &["400", "401", "403", "404", "409"],
        ))
        .build();
        let patch_op = op(
            format!("patch_{snake}"),
            format!("Change some fields of a {noun}."),
            "A JSON merge patch (RFC 7396): absent fields stay, null clears.",
        )
        .parameters(Some(path_params::<D>(true)))
        .request_body(Some(
            RequestBodyBuilder::new()
                .content(
                    "application/json",
                    json_body(reference(&format!("{schema}Patch"))),
                )
                .required(Some(Required::True))
                .build(),
        ))
        .responses(responses(
            ("200", "The item", Some(reference(&schema))),
            &["400", "401", "403", "404", "409"],
        ))
        .build();
        let delete_op = op(
            format!("delete_{snake}"),
            format!("Delete a {noun}."),
            "409 while other records refer to it.",
        )
        .parameters(Some(path_params::<D>(true)))
        .responses(responses(
            ("204", "Deleted", None),
            &["400", "401", "403", "404", "409"],
        ))
        .build();
        let mut collection_item = PathItem::new(HttpMethod::Post, create_op);
        collection_item.get = Some(list_op);
        let mut item = PathItem::new(HttpMethod::Get, get_op);
        item.put = Some(replace_op);
        item.patch = Some(patch_op);
        item.delete = Some(delete_op);
        PathsBuilder::new()
            .path(collection::<D>(), collection_item)
            .path(item_path::<D>(), item)
            .build()
    }

    fn schemas(&self, schemas: &mut Vec<(String, RefOr<Schema>)>) {
        let (schema, _, _) = names::<D>();
        let mut components = Components::default();
        let description = D::DESCRIPTION;
        let fields = D::fields();
        let mut request = object_schema(description, &fields, Form::Request, &mut components);
        if let (Some(example), Schema::Object(o)) = (D::EXAMPLE, &mut request) {
            o.examples = serde_json::from_str(example).into_iter().collect();
        }
        let patch = object_schema(
            Some(&format!(
                "A JSON merge patch (RFC 7396) of {schema}Request: the fields sent change, `null` clears."
            )),
            &fields,
            Form::Patch,
            &mut components,
        );
        let response = object_schema(
            description,
            &response_fields::<D>(),
            Form::Response,
            &mut components,
        );
        // The list's filters may name enumerations no field schema reached.
        let _ = list_params::<D>(&mut components);
        schemas.push((format!("{schema}Request"), RefOr::T(request)));
        schemas.push((format!("{schema}Patch"), RefOr::T(patch)));
        schemas.push((schema, RefOr::T(response)));
        schemas.extend(components.0);
    }
}
