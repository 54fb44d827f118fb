//! Charges: the checks of a charge category, the calculation of a split under a distribution
//! key, the yearly review, and the notifications about charges.

mod categories;
mod distribution;
mod notifications;
mod reviews;

pub use categories::CategoryChecks;
pub use distribution::{Calculation, CalculationRequest, Distribution, DistributionService};
pub use notifications::NotificationService;
pub use reviews::ReviewService;
