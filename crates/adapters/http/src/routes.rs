//! The table of documented routes, so that a known path with the wrong method answers 405
//! (with `Allow`) rather than 404. Built from the OpenAPI document, which is built from the
//! handlers themselves.

use actix_web::dev::ResourceDef;
use utoipa::openapi::OpenApi;

pub struct RouteTable {
    routes: Vec<(ResourceDef, Vec<&'static str>)>,
}

impl RouteTable {
    pub fn from_openapi(api: &OpenApi) -> Self {
        let routes = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods = Vec::new();
                let ops = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ];
                for (name, present) in ops {
                    if present {
                        methods.push(name);
                    }
                }
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self { routes }
    }

    /// The methods of the documented routes matching `path`, or `None` when none matches.
    pub fn allowed_methods(&self, path: &str) -> Option<Vec<&'static str>> {
        let mut allowed: Vec<&'static str> = Vec::new();
        for (def, methods) in &self.routes {
            if def.is_match(path) {
                for m in methods {
                    if !allowed.contains(m) {
                        allowed.push(m);
                    }
                }
            }
        }
        (!allowed.is_empty()).then_some(allowed)
    }
}

/// Where the handlers of a module go: every one (to collect the OpenAPI document), or only
/// those whose path starts with one segment (to serve them).
///
/// actix-web tries a scope's routes one after the other, a regular expression for each route
/// with a path parameter, until one matches: with every `/api` route in one scope, a request to
/// `/api/leases/{id}` paid for some sixty expressions first. Served, the routes are grouped in
/// one scope per first segment (`/api/leases/…`, `/api/estates/…`), chosen by comparing that
/// segment, so that a request meets only the expressions of its own group. Every route of a
/// segment is in its group: a path that matches none of them has no route at all.
pub struct Routes<'a, 'c> {
    cfg: &'a mut utoipa_actix_web::service_config::ServiceConfig<'c>,
    segment: Option<&'a str>,
}

impl<'a, 'c> Routes<'a, 'c> {
    /// Every handler.
    pub fn all(cfg: &'a mut utoipa_actix_web::service_config::ServiceConfig<'c>) -> Self {
        Self { cfg, segment: None }
    }

    /// The handlers whose path starts with `/{segment}`.
    pub fn under(
        cfg: &'a mut utoipa_actix_web::service_config::ServiceConfig<'c>,
        segment: &'a str,
    ) -> Self {
        Self {
            cfg,
            segment: Some(segment),
        }
    }

    pub fn service<F>(&mut self, factory: F) -> &mut Self
    where
        F: actix_web::dev::HttpServiceFactory + utoipa_actix_web::OpenApiFactory + 'static,
    {
        let wanted = match self.segment {
            None => true,
            Some(segment) => factory
                .paths()
                .paths
                .keys()
                .any(|path| first_segment(path) == Some(segment)),
        };
        if wanted {
            self.cfg.service(factory);
        }
        self
    }
}

/// The first segment of a path: `leases` for `/leases/{id}`.
pub fn first_segment(path: &str) -> Option<&str> {
    path.strip_prefix('/')?.split('/').next()
}

/// The distinct first segments under `/api` of the document's paths, in their order.
pub fn api_segments(api: &OpenApi) -> Vec<String> {
    let mut segments: Vec<String> = Vec::new();
    for path in api.paths.paths.keys() {
        if let Some(segment) = path.strip_prefix("/api").and_then(first_segment)
            && !segments.iter().any(|s| s == segment)
        {
            segments.push(segment.to_owned());
        }
    }
    segments
}

/// Admits a request whose path under `/api/` starts with one segment.
pub struct FirstSegment(pub String);

impl actix_web::guard::Guard for FirstSegment {
    fn check(&self, ctx: &actix_web::guard::GuardContext<'_>) -> bool {
        ctx.head()
            .uri
            .path()
            .strip_prefix("/api")
            .and_then(first_segment)
            == Some(self.0.as_str())
    }
}
