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
