//! The table and use cases of every resource declared once (the list is
//! `faireplace_http::items::each_declared`), with the checks of those that read other
//! resources.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

use faireplace_app::{Authenticator, Checks, ItemService};
use faireplace_http::items::{ItemRegistry, Wire};
use faireplace_kernel::{Declared, Item};
use faireplace_ports::Clock;
use faireplace_postgres::{Db, PgExists, PgItems};

/// The checks of the declared resources that have some, by type.
#[derive(Default)]
struct CheckSet(HashMap<TypeId, Box<dyn Any + Send + Sync>>);

impl CheckSet {
    fn insert<D: Declared>(&mut self, checks: Arc<dyn Checks<Item<D>>>) {
        self.0.insert(TypeId::of::<D>(), Box::new(checks));
    }

    fn get<D: Declared>(&self) -> Option<Arc<dyn Checks<Item<D>>>> {
        self.0
            .get(&TypeId::of::<D>())
            .and_then(|c| c.downcast_ref::<Arc<dyn Checks<Item<D>>>>())
            .cloned()
    }
}

/// Checks that read other resources, one line per resource that has some.
fn checks(db: &Db, clock: &Arc<dyn Clock>) -> CheckSet {
    let exists = |table| Arc::new(PgExists::new(db.clone(), table));
    let mut set = CheckSet::default();
    set.insert::<faireplace_charges::ChargeCategoryData>(Arc::new(
        faireplace_app::charges::CategoryChecks::new(exists("contacts")),
    ));
    set.insert::<faireplace_property::KeyData>(Arc::new(
        faireplace_app::property::EstateKeyChecks::new(
            exists("owners"),
            exists("lessees"),
            exists("contacts"),
            clock.clone(),
        ),
    ));
    set
}

struct Wiring<'a> {
    db: &'a Db,
    clock: &'a Arc<dyn Clock>,
    checks: CheckSet,
    registry: ItemRegistry,
}

impl Wire for Wiring<'_> {
    fn wire<D: Declared>(&mut self) {
        let parent: Option<Arc<dyn faireplace_ports::Exists>> =
            (!D::PARENT_TABLE.is_empty()).then(|| {
                Arc::new(PgExists::new(self.db.clone(), D::PARENT_TABLE))
                    as Arc<dyn faireplace_ports::Exists>
            });
        let mut service = ItemService::<D>::new(
            Arc::new(PgItems::<D>::new(self.db.clone())),
            self.clock.clone(),
            parent,
        );
        if let Some(checks) = self.checks.get::<D>() {
            service = service.checked(checks);
        }
        self.registry.insert(service);
    }
}

/// The use cases of every declared resource.
pub fn registry(
    db: &Db,
    clock: &Arc<dyn Clock>,
    auth: &Arc<Authenticator>,
) -> anyhow::Result<ItemRegistry> {
    let mut wiring = Wiring {
        db,
        clock,
        checks: checks(db, clock),
        registry: ItemRegistry::default(),
    };
    faireplace_http::items::each_declared(&mut wiring);
    let mut registry = wiring.registry;
    // A lessee's keys go with it (by cascade, announced to every instance): this instance
    // forgets them at once.
    let auth = auth.clone();
    let wired = registry.change::<faireplace_parties::LesseeData>(|lessees| {
        lessees.after_delete(Arc::new(move |tenant, lessee| {
            auth.invalidate_lessee(tenant, lessee.id)
        }))
    });
    anyhow::ensure!(wired, "lessees are not wired");
    Ok(registry)
}
