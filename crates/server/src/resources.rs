//! The table and use cases of every resource declared once (the list is
//! `faireplace_http::items::each_declared`).

use std::sync::Arc;

use faireplace_app::{Authenticator, ItemService};
use faireplace_http::items::{ItemRegistry, Wire};
use faireplace_kernel::Declared;
use faireplace_ports::Clock;
use faireplace_postgres::{Db, PgExists, PgItems};

struct Wiring<'a> {
    db: &'a Db,
    clock: &'a Arc<dyn Clock>,
    registry: ItemRegistry,
}

impl Wire for Wiring<'_> {
    fn wire<D: Declared>(&mut self) {
        let parent: Option<Arc<dyn faireplace_ports::Exists>> =
            (!D::PARENT_TABLE.is_empty()).then(|| {
                Arc::new(PgExists::new(self.db.clone(), D::PARENT_TABLE))
                    as Arc<dyn faireplace_ports::Exists>
            });
        self.registry.insert(ItemService::<D>::new(
            Arc::new(PgItems::<D>::new(self.db.clone())),
            self.clock.clone(),
            parent,
        ));
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
