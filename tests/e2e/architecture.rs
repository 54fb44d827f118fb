//! The dependency rule of ARCHITECTURE.md: domain crates depend on plain-data crates only.

use std::collections::{HashMap, HashSet};

use cargo_metadata::{MetadataCommand, PackageId};

/// Crates that do input/output or belong to an adapter.
const FORBIDDEN: &[&str] = &[
    "sqlx",
    "sqlx-core",
    "sqlx-postgres",
    "actix-web",
    "actix-http",
    "actix-rt",
    "tokio",
    "async-stripe",
    "stripe",
    "printpdf",
    "reqwest",
    "hyper",
    "lettre",
];

#[test]
fn domain_crates_never_reach_an_io_crate() {
    let metadata = MetadataCommand::new()
        .manifest_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml"))
        .exec()
        .expect("cargo metadata");
    let resolve = metadata.resolve.as_ref().expect("resolve graph");
    let deps: HashMap<&PackageId, Vec<&PackageId>> = resolve
        .nodes
        .iter()
        .map(|n| {
            // Normal (non-dev, non-build) dependencies only: what ships.
            let normal = n
                .deps
                .iter()
                .filter(|d| {
                    d.dep_kinds
                        .iter()
                        .any(|k| k.kind == cargo_metadata::DependencyKind::Normal)
                })
                .map(|d| &d.pkg)
                .collect();
            (&n.id, normal)
        })
        .collect();
    let names: HashMap<&PackageId, &str> = metadata
        .packages
        .iter()
        .map(|p| (&p.id, p.name.as_str()))
        .collect();

    let domain: Vec<_> = metadata
        .workspace_packages()
        .into_iter()
        .filter(|p| p.manifest_path.as_str().contains("/crates/domain/"))
        .collect();
    assert!(domain.len() >= 2, "domain crates found: {}", domain.len());
    for package in domain {
        let mut seen = HashSet::new();
        let mut stack = vec![&package.id];
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let name = names[id];
            assert!(
                !FORBIDDEN.contains(&name),
                "{} depends (perhaps indirectly) on {name}",
                package.name
            );
            stack.extend(deps.get(id).into_iter().flatten());
        }
    }
}
