//! The table of documented routes, so that a known path with the wrong method answers 405
//! (with `Allow`) rather than 404. Built from the OpenAPI document, which is built from the
//! handlers themselves.

use actix_web::dev::ResourceDef;
use utoipa::openapi::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;

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

/// Where the handlers of a module go: straight into a scope (to collect the OpenAPI document),
/// or into groups by the first segment of their path (to serve them).
///
/// actix-web tries a scope's routes one after the other, a regular expression for each route
/// with a path parameter, until one matches: with every `/api` route in one scope, a request to
/// `/api/leases/{id}` paid for some sixty expressions first. Served, the routes are grouped in
/// one scope per first segment (`/api/leases/…`, `/api/estates/…`), chosen by comparing that
/// segment, so that a request meets only the expressions of its own group. Every route of a
/// segment is in its group: a path that matches none of them has no route at all.
pub struct Routes<'a, 'c> {
    mode: Mode<'a, 'c>,
}

/// A handler kept for its group's scope.
type Registration = Box<dyn for<'x, 'y> FnOnce(&'x mut ServiceConfig<'y>)>;

enum Mode<'a, 'c> {
    Direct(&'a mut ServiceConfig<'c>),
    Grouped(Vec<(String, Vec<Registration>)>),
}

impl<'a, 'c> Routes<'a, 'c> {
    /// Every handler, registered as it comes.
    pub fn direct(cfg: &'a mut ServiceConfig<'c>) -> Self {
        Self {
            mode: Mode::Direct(cfg),
        }
    }

    /// Every handler, kept in its group until [`Routes::into_groups`].
    pub fn grouped() -> Self {
        Self {
            mode: Mode::Grouped(Vec::new()),
        }
    }

    pub fn service<F>(&mut self, factory: F) -> &mut Self
    where
        F: actix_web::dev::HttpServiceFactory + utoipa_actix_web::OpenApiFactory + 'static,
    {
        match &mut self.mode {
            Mode::Direct(cfg) => {
                cfg.service(factory);
            }
            Mode::Grouped(groups) => {
                let paths = factory.paths();
                let segment = paths
                    .paths
                    .keys()
                    .find_map(|path| first_segment(path))
                    .unwrap_or_default()
                    .to_owned();
                let registration: Registration = Box::new(move |cfg: &mut ServiceConfig<'_>| {
                    cfg.service(factory);
                });
                match groups.iter_mut().find(|(s, _)| *s == segment) {
                    Some((_, group)) => group.push(registration),
                    None => groups.push((segment, vec![registration])),
                }
            }
        }
        self
    }

    /// The groups, by first segment, in the order their first handler came; empty when direct.
    pub fn into_groups(self) -> Vec<(String, Vec<Registration>)> {
        match self.mode {
            Mode::Direct(_) => Vec::new(),
            Mode::Grouped(groups) => groups,
        }
    }
}

/// The first segment of a path: `leases` for `/leases/{id}`.
pub fn first_segment(path: &str) -> Option<&str> {
    path.strip_prefix('/')?.split('/').next()
}

/// Admits a request whose path under `/api/` starts with one segment.
pub struct FirstSegment(pub String);

impl actix_web::guard::Guard for FirstSegment {
    fn check(&self, ctx: &actix_web::guard::GuardContext<'_>) -> bool {
        let uri = &ctx.head().uri;
        let segment = |path: &str| {
            path.strip_prefix("/api")
                .and_then(first_segment)
                .is_some_and(|s| s == self.0)
        };
        if uri.path().contains('%') {
            // The router matches the decoded path (`/api/%6Ceases/…` is `/api/leases/…`).
            segment(actix_web::dev::Url::new(uri.clone()).path())
        } else {
            segment(uri.path())
        }
    }
}
