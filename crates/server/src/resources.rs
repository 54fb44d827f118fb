//! The table and use cases of every resource declared once (the list is
//! `faireplace_http::items::each_declared`), and the checks of those whose rules read other
//! resources.

use std::sync::Arc;

use faireplace_app::{Checks, ItemService};
use faireplace_http::items::{ItemRegistry, Wire};
use faireplace_kernel::{Declared, Item};
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

impl Wiring<'_> {
    /// Runs `checks` before each save and delete of `D` (wired already).
    fn check<D: Declared>(&mut self, checks: Arc<dyn Checks<Item<D>>>) {
        if let Ok(service) = self.registry.get::<D>() {
            let checked = service.clone().checked(checks);
            self.registry.insert(checked);
        }
    }
}

/// The use cases of every declared resource.
pub fn registry(db: &Db, clock: &Arc<dyn Clock>) -> ItemRegistry {
    let mut wiring = Wiring {
        db,
        clock,
        registry: ItemRegistry::default(),
    };
    faireplace_http::items::each_declared(&mut wiring);
    // The checks that read other resources.
    let contacts = Arc::new(PgExists::new(db.clone(), "contacts"));
    wiring.check::<faireplace_charges::ChargeCategoryData>(Arc::new(
        faireplace_app::charges::CategoryChecks::new(contacts),
    ));
    wiring.registry
}
