//! Hostile input: whatever a client sends as an amount, an e-mail, a phone number, an IBAN or a
//! SIRET, parsing answers a value or an error, never a panic or an overflow, and what it accepts
//! keeps its promises.

use faireplace_kernel::numbers::{bounded_decimal, bounded_int};
use faireplace_kernel::values::{Email, Iban, Phone, Siret, Text};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// How an amount arrives: a JSON body deserialized into a `Decimal` (the server's JSON keeps
/// numbers' exact text), then bounded like every amount of the API.
#[derive(Debug, serde::Deserialize)]
struct Body {
    amount: Decimal,
}

fn amount(text: &str) -> Option<Result<Decimal, String>> {
    let body: Body = serde_json::from_str(&format!("{{\"amount\": {text}}}")).ok()?;
    Some(bounded_decimal(body.amount, 2, Decimal::ZERO, Decimal::from(1_000_000)).map_err(|e| e.0))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_number_text_is_an_amount_or_a_refusal(
        text in "-?[0-9]{0,40}(\\.[0-9]{0,40})?([eE][+-]?[0-9]{1,7})?"
    ) {
        if let Some(Ok(value)) = amount(&text) {
            prop_assert!(value.scale() <= 2, "{text} gave {value}");
            prop_assert!(value >= Decimal::ZERO && value <= Decimal::from(1_000_000));
        }
    }

    #[test]
    fn any_text_at_all_never_panics_as_an_amount(text in "\\PC{0,80}") {
        let _ = amount(&text);
    }

    #[test]
    fn an_amount_with_cents_is_kept_exactly(cents in 0i64..=100_000_000) {
        let text = format!("{}.{:02}", cents / 100, cents % 100);
        let value = amount(&text).expect("valid JSON").expect("in bounds");
        prop_assert_eq!(value, Decimal::new(cents, 2).normalize());
    }

    #[test]
    fn bounded_integers_never_overflow(value in any::<i64>(), a in any::<i64>(), b in any::<i64>()) {
        let (min, max) = if a <= b { (a, b) } else { (b, a) };
        match bounded_int(value, min, max) {
            Ok(v) => prop_assert!(v >= min && v <= max),
            Err(_) => prop_assert!(value < min || value > max),
        }
    }

    #[test]
    fn identifiers_and_texts_never_panic(text in "\\PC{0,300}") {
        let _ = Email::parse(&text);
        let _ = Phone::parse(&text);
        let _ = Iban::parse(&text);
        let _ = Siret::parse(&text);
        if let Ok(t) = Text::parse(&text, 200) {
            prop_assert!(t.as_str().chars().count() <= 200);
            prop_assert!(!t.as_str().trim().is_empty());
        }
    }
}
