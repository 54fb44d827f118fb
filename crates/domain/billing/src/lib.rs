//! Billing: the credits a tenant buys and spends (one per electronic signature), the packages
//! it buys them in, and the payments the provider reported. The balance never goes negative.

use chrono::{DateTime, Utc};
use faireplace_kernel::text_enum;
use faireplace_kernel::values::InvalidValue;

text_enum!(
    /// Why the balance moved.
    pub TransactionKind {
        Purchase => "PURCHASE",
        Consumption => "CONSUMPTION",
        Refund => "REFUND",
        Adjustment => "ADJUSTMENT",
    }
);

/// A package of credits on sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditPackage {
    /// Stable id, used by checkout (`starter`).
    pub id: String,
    pub credits: u32,
    /// Price in cents of `currency`.
    pub price_cents: u32,
    pub currency: String,
}

impl CreditPackage {
    /// Whether a payment of `amount_cents` in `currency` is this package's price. The currency
    /// is compared without case: the provider writes "eur" where the configuration says "EUR".
    pub fn is_paid_by(&self, amount_cents: i64, currency: &str) -> bool {
        amount_cents == i64::from(self.price_cents) && currency.eq_ignore_ascii_case(&self.currency)
    }
}

/// Parses packages from configuration: `id:credits:price_cents` separated by commas, in EUR
/// (`starter:10:1500,pro:50:6000`).
pub fn parse_packages(raw: &str) -> Result<Vec<CreditPackage>, InvalidValue> {
    let mut packages: Vec<CreditPackage> = Vec::new();
    for item in raw.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let parts: Vec<&str> = item.split(':').map(str::trim).collect();
        let [id, credits, price] = parts.as_slice() else {
            return Err(InvalidValue(format!(
                "'{item}' is not id:credits:price_cents"
            )));
        };
        let valid_id = !id.is_empty()
            && id.len() <= 40
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let credits: u32 = credits.parse().unwrap_or(0);
        let price: u32 = price.parse().unwrap_or(0);
        if !valid_id || credits == 0 || price == 0 {
            return Err(InvalidValue(format!(
                "'{item}': the id is letters, digits, - and _; credits and price are positive whole numbers"
            )));
        }
        if packages.iter().any(|p| p.id == *id) {
            return Err(InvalidValue(format!("package '{id}' is listed twice")));
        }
        packages.push(CreditPackage {
            id: (*id).to_owned(),
            credits,
            price_cents: price,
            currency: "EUR".into(),
        });
    }
    Ok(packages)
}

/// One movement of a tenant's credits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditTransaction {
    pub id: uuid::Uuid,
    pub kind: TransactionKind,
    /// Positive adds credits, negative spends them.
    pub amount: i64,
    pub balance_after: i64,
    /// What it is for: a signature, a Stripe session, an operator's note.
    pub reference: Option<String>,
    pub created_at: DateTime<Utc>,
}

text_enum!(
    /// What the provider reported.
    pub PaymentKind {
        /// A checkout session completed (or its delayed payment came through).
        CheckoutCompleted => "CHECKOUT_COMPLETED",
        /// A payment intent succeeded.
        PaymentSucceeded => "PAYMENT_SUCCEEDED",
        /// A payment intent failed.
        PaymentFailed => "PAYMENT_FAILED",
    }
);

text_enum!(
    /// Where a logged payment stands.
    pub PaymentStatus {
        /// A paid checkout whose package was credited.
        Credited => "CREDITED",
        /// A checkout completed before its money arrived (a delayed payment method): credited
        /// when the provider reports the payment.
        Pending => "PENDING",
        /// A paid checkout that was not credited (its amount is not its package's price, or
        /// the package is unknown): for the operator to settle.
        Rejected => "REJECTED",
        /// A payment intent that succeeded.
        Succeeded => "SUCCEEDED",
        /// A payment intent that failed.
        Failed => "FAILED",
    }
);

/// A payment as the provider reported it, logged for the tenant it was for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: uuid::Uuid,
    /// `STRIPE`.
    pub provider: String,
    pub kind: PaymentKind,
    pub status: PaymentStatus,
    /// The provider's event that reported it.
    pub event_id: String,
    pub session_id: Option<String>,
    pub payment_intent_id: Option<String>,
    pub package_id: Option<String>,
    /// The credits granted, for a credited checkout.
    pub credits: Option<i64>,
    /// In the smallest unit of `currency`.
    pub amount_cents: Option<i64>,
    pub currency: Option<String>,
    /// Why the payment failed, or why it was not credited.
    pub failure_message: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_are_read_from_configuration() {
        let p = parse_packages("starter:10:1500, pro:50:6000").expect("packages");
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[1].id.as_str(), p[1].credits, p[1].price_cents),
            ("pro", 50, 6000)
        );
        for bad in ["x", "a:0:100", "a:1:0", "a b:1:1", "a:1:1,a:2:2", "a:-1:5"] {
            assert!(parse_packages(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_packages("").expect("none"), []);
    }

    #[test]
    fn a_package_is_paid_by_its_price_in_its_currency() {
        let p = &parse_packages("starter:10:1500").expect("packages")[0];
        assert!(p.is_paid_by(1500, "eur"));
        assert!(p.is_paid_by(1500, "EUR"));
        assert!(!p.is_paid_by(1499, "eur"));
        assert!(!p.is_paid_by(1500, "usd"));
    }
}
