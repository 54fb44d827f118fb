//! Property in PostgreSQL: types, places, estates and their sub-resources.

mod children;
mod estates;
mod places;
mod types;

pub use children::{PgDiagnostics, PgEnergyDiagnoses, PgEquipment, PgInventory, PgKeys, PgRooms};
pub use estates::PgEstates;
pub use places::PgPlaces;
pub use types::PgTypes;
