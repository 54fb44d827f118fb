//! Validated values shared by every domain: e-mail, phone, SIRET, IBAN, country, address, text.
//!
//! Each type can only be built through `parse`, so a value that exists is well formed, and each
//! normalizes its input (trimmed, canonical case) so that equal things compare equal.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::errors::ValidationErrors;

/// Why a value was refused; the message is meant for the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);

fn invalid(message: impl Into<String>) -> InvalidValue {
    InvalidValue(message.into())
}

macro_rules! string_value {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Rebuilds a value that was validated before it was stored.
            pub fn from_trusted(value: String) -> Self {
                Self(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

/// Free text that is required: trimmed, not empty, at most `max` characters, no control
/// characters (line breaks and tabs are allowed only where `multiline`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(String);
string_value!(Text);

impl Text {
    pub fn parse(raw: &str, max: usize) -> Result<Self, InvalidValue> {
        Self::parse_with(raw, max, false)
    }

    pub fn parse_multiline(raw: &str, max: usize) -> Result<Self, InvalidValue> {
        Self::parse_with(raw, max, true)
    }

    fn parse_with(raw: &str, max: usize, multiline: bool) -> Result<Self, InvalidValue> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(invalid("must not be empty"));
        }
        if value.chars().count() > max {
            return Err(invalid(format!("must be at most {max} characters")));
        }
        let allowed = |c: char| !c.is_control() || (multiline && matches!(c, '\n' | '\r' | '\t'));
        if !value.chars().all(allowed) {
            return Err(invalid("must not contain control characters"));
        }
        Ok(Self(value.to_owned()))
    }
}

/// A reference-data code (`GARAGE_BOX`, `FURNISHED_SEASONAL`): upper-cased, 2 to 40 letters,
/// digits or `_`, starting with a letter.
pub fn parse_code(raw: &str) -> Result<String, InvalidValue> {
    let code = raw.trim().to_uppercase();
    let ok = (2..=40).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(code)
    } else {
        Err(invalid(
            "must be 2 to 40 letters, digits or _, starting with a letter",
        ))
    }
}

/// An e-mail address, trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);
string_value!(Email);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let value = raw.trim().to_lowercase();
        let err = || invalid("must be a valid e-mail address");
        if value.len() > 254 {
            return Err(invalid("must be at most 254 characters"));
        }
        let (local, domain) = value.split_once('@').ok_or_else(err)?;
        if local.is_empty() || local.len() > 64 || domain.contains('@') {
            return Err(err());
        }
        let local_ok = local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(char::is_alphabetic));
        if local_ok && domain_ok {
            Ok(Self(value))
        } else {
            Err(err())
        }
    }
}

/// A phone number: digits with an optional leading `+`, separators removed, 6 to 15 digits
/// (the E.164 maximum).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);
string_value!(Phone);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let value = raw.trim();
        let (plus, rest) = match value.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, value),
        };
        let mut digits = String::with_capacity(rest.len() + 1);
        if plus {
            digits.push('+');
        }
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '.' | '-' | '(' | ')' => {}
                _ => {
                    return Err(invalid(
                        "must contain only digits, spaces, dots, dashes, parentheses and a leading +",
                    ));
                }
            }
        }
        let count = digits.chars().filter(char::is_ascii_digit).count();
        if !(6..=15).contains(&count) {
            return Err(invalid("must have between 6 and 15 digits"));
        }
        Ok(Self(digits))
    }
}

/// A French establishment number: 14 digits whose Luhn checksum holds (La Poste's
/// establishments, SIREN 356000000, may instead have a sum of digits divisible by 5).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Siret(String);
string_value!(Siret);

impl Siret {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let value: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if value.len() != 14 || !value.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid("must be exactly 14 digits"));
        }
        let digits: Vec<u32> = value.bytes().map(|b| u32::from(b - b'0')).collect();
        let la_poste =
            value.starts_with("356000000") && digits.iter().sum::<u32>().is_multiple_of(5);
        let valid = luhn_valid(&digits) || la_poste;
        if valid {
            Ok(Self(value))
        } else {
            Err(invalid("is not a valid SIRET (checksum mismatch)"))
        }
    }
}

/// Luhn's checksum over decimal digits, rightmost digit first undoubled.
fn luhn_valid(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// An IBAN, spaces removed and upper-cased, whose ISO 13616 check digits hold (mod 97 = 1).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Iban(String);
string_value!(Iban);

impl Iban {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let value: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if !(15..=34).contains(&value.len()) || !value.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(invalid("must be 15 to 34 letters and digits"));
        }
        let bytes = value.as_bytes();
        if !bytes[0].is_ascii_alphabetic()
            || !bytes[1].is_ascii_alphabetic()
            || !bytes[2].is_ascii_digit()
            || !bytes[3].is_ascii_digit()
        {
            return Err(invalid(
                "must start with a country code and two check digits",
            ));
        }
        if CountryCode::parse(&value[..2]).is_err() {
            return Err(invalid("must start with a known country code"));
        }
        let rearranged = value[4..].bytes().chain(value[..4].bytes());
        let mut remainder: u32 = 0;
        for b in rearranged {
            let n = if b.is_ascii_digit() {
                u32::from(b - b'0')
            } else {
                u32::from(b - b'A') + 10
            };
            remainder = if n >= 10 {
                (remainder * 100 + n) % 97
            } else {
                (remainder * 10 + n) % 97
            };
        }
        if remainder == 1 {
            Ok(Self(value))
        } else {
            Err(invalid("is not a valid IBAN (checksum mismatch)"))
        }
    }
}

/// A BIC (ISO 9362), spaces removed and upper-cased: a bank's 4 letters, a country's 2, a
/// location's 2 letters or digits, and optionally a branch's 3.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Bic(String);
string_value!(Bic);

impl Bic {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let value: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        let b = value.as_bytes();
        let shaped = (value.len() == 8 || value.len() == 11)
            && b[..4].iter().all(u8::is_ascii_uppercase)
            && b[4..].iter().all(u8::is_ascii_alphanumeric);
        if !shaped {
            return Err(invalid(
                "must be 8 or 11 letters and digits: bank (4 letters), country, location, branch",
            ));
        }
        if CountryCode::parse(&value[4..6]).is_err() {
            return Err(invalid(
                "must name a known country in its 5th and 6th letters",
            ));
        }
        Ok(Self(value))
    }
}

/// ISO 3166-1 alpha-2 codes, officially assigned.
const COUNTRY_CODES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// An ISO 3166-1 alpha-2 country code, upper-cased (`FR`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CountryCode(String);
string_value!(CountryCode);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let value = raw.trim().to_uppercase();
        if COUNTRY_CODES.binary_search(&value.as_str()).is_ok() {
            Ok(Self(value))
        } else {
            Err(invalid(
                "must be an ISO 3166-1 alpha-2 country code such as FR",
            ))
        }
    }

    pub fn france() -> Self {
        Self("FR".to_owned())
    }
}

/// A postal address. Street, postal code and city are required; the country defaults to FR,
/// and a French postal code must be five digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, crate::Record)]
#[record(rules)]
pub struct Address {
    #[field(max_len = 300, example = "12 rue de l'Église")]
    pub street: Text,
    #[field(max_len = 20, example = "75011")]
    pub postal_code: Text,
    #[field(max_len = 200, example = "Paris")]
    pub city: Text,
    /// ISO 3166-1 alpha-2; FR when left out.
    #[field(default = CountryCode::france())]
    pub country: CountryCode,
}

impl crate::record::Rules for Address {
    fn check(&self, errors: &mut ValidationErrors, _: &crate::record::Context) {
        let pc = self.postal_code.as_str();
        if self.country.as_str() == "FR"
            && !(pc.len() == 5 && pc.chars().all(|c| c.is_ascii_digit()))
        {
            errors.push("postal_code", "must be five digits for a French address");
        }
    }
}

/// An address as it arrives, every part optional until validated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressInput {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
}

impl Address {
    /// Validates an address whose fields are reported under `prefix` (`address.city`).
    pub fn parse(
        input: &AddressInput,
        prefix: &str,
        errors: &mut ValidationErrors,
    ) -> Option<Self> {
        let mut required = |name: &str, value: &Option<String>, max: usize| {
            let field = format!("{prefix}.{name}");
            match value {
                None => {
                    errors.push(field, "is required");
                    None
                }
                Some(v) => errors.take(&field, Text::parse(v, max)),
            }
        };
        let street = required("street", &input.street, 300);
        let postal_code = required("postal_code", &input.postal_code, 20);
        let city = required("city", &input.city, 200);
        let country = match &input.country {
            None => Some(CountryCode::france()),
            Some(c) => errors.take(&format!("{prefix}.country"), CountryCode::parse(c)),
        };
        if let (Some(pc), Some(country)) = (&postal_code, &country)
            && country.as_str() == "FR"
            && !(pc.as_str().len() == 5 && pc.as_str().chars().all(|c| c.is_ascii_digit()))
        {
            errors.push(
                format!("{prefix}.postal_code"),
                "must be five digits for a French address",
            );
            return None;
        }
        Some(Self {
            street: street?,
            postal_code: postal_code?,
            city: city?,
            country: country?,
        })
    }

    pub fn to_input(&self) -> AddressInput {
        AddressInput {
            street: Some(self.street.to_string()),
            postal_code: Some(self.postal_code.to_string()),
            city: Some(self.city.to_string()),
            country: Some(self.country.to_string()),
        }
    }
}

/// Declares an enumeration with stable public names, once for every layer:
/// `text_enum!(pub HeatingType { Collective => "COLLECTIVE", Individual => "INDIVIDUAL" })`
/// gives `as_str`, `parse` (with a message listing the allowed names), `ALL`, serde (by name),
/// and [`TextEnum`](crate::record::TextEnum), from which a record field reads, writes, stores
/// (as its name) and reads back its value (an unknown stored name is an error), and the OpenAPI
/// document shows it as an enumeration of its own.
#[macro_export]
macro_rules! text_enum {
    ($(#[doc = $doc:literal])* $vis:vis $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            #[allow(dead_code)]
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(value: &str) -> Result<Self, $crate::values::InvalidValue> {
                match value.trim() {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::values::InvalidValue(format!(
                        "must be one of {}",
                        Self::NAMES.join(", ")
                    ))),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::record::TextEnum for $name {
            const NAME: &'static str = stringify!($name);
            const DESCRIPTION: &'static str = concat!($($doc, "\n",)* "");
            const NAMES: &'static [&'static str] = &[$($text),+];
            fn as_str(&self) -> &'static str {
                $name::as_str(self)
            }
            fn parse(value: &str) -> Result<Self, $crate::values::InvalidValue> {
                $name::parse(value)
            }
        }

        $crate::__enum_field!($name);
        $crate::__openapi_enum!($name);
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_sorted_for_binary_search() {
        assert!(COUNTRY_CODES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(COUNTRY_CODES.len(), 249);
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse("  Jean.Dupont@Example.FR ")
                .expect("valid")
                .as_str(),
            "jean.dupont@example.fr"
        );
        for bad in [
            "",
            "jean",
            "jean@",
            "@example.fr",
            "a@b",
            "a@@b.fr",
            "a b@c.fr",
            "a@b.f",
            "a..b@c.fr",
            "a@-b.fr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn phones() {
        assert_eq!(
            Phone::parse("06 12 34 56 78").expect("fr").as_str(),
            "0612345678"
        );
        assert_eq!(
            Phone::parse("+33 (0)6.12.34.56.78").expect("intl").as_str(),
            "+330612345678"
        );
        assert!(Phone::parse("12345").is_err());
        assert!(Phone::parse("06-12-34-56-7x").is_err());
        assert!(Phone::parse("+1234567890123456").is_err());
    }

    #[test]
    fn sirets() {
        // Real, published SIRETs.
        assert!(Siret::parse("73282932000074").is_ok());
        assert!(Siret::parse("732 829 320 00074").is_ok());
        assert!(
            Siret::parse("35600000000048").is_ok(),
            "La Poste's head office"
        );
        assert!(
            Siret::parse("35600000000015").is_ok(),
            "La Poste's rule: digits sum to 20"
        );
        assert!(
            Siret::parse("35600000000016").is_err(),
            "neither Luhn nor La Poste's rule"
        );
        assert!(Siret::parse("73282932000075").is_err(), "checksum");
        assert!(Siret::parse("7328293200007").is_err(), "13 digits");
        assert!(Siret::parse("7328293200007A").is_err(), "letter");
    }

    #[test]
    fn ibans() {
        assert_eq!(
            Iban::parse("fr76 3000 6000 0112 3456 7890 189")
                .expect("valid")
                .as_str(),
            "FR7630006000011234567890189"
        );
        assert!(Iban::parse("FR7630006000011234567890188").is_err());
        assert!(Iban::parse("XX7630006000011234567890189").is_err());
        assert!(Iban::parse("FR76").is_err());
    }

    #[test]
    fn bics() {
        assert_eq!(
            Bic::parse("agri fr pp").expect("valid").as_str(),
            "AGRIFRPP"
        );
        assert_eq!(
            Bic::parse("BNPAFRPPXXX").expect("valid").as_str(),
            "BNPAFRPPXXX"
        );
        assert!(Bic::parse("AGRIFRP").is_err(), "7 letters");
        assert!(Bic::parse("1GRIFRPP").is_err(), "bank code with a digit");
        assert!(Bic::parse("AGRIXXPP").is_err(), "no such country");
    }

    #[test]
    fn text_trims_and_bounds() {
        assert_eq!(Text::parse("  Dupont ", 10).expect("ok").as_str(), "Dupont");
        assert!(Text::parse("   ", 10).is_err());
        assert!(Text::parse("abcdefghijk", 10).is_err());
        assert!(Text::parse("a\nb", 10).is_err());
        assert!(Text::parse_multiline("a\nb", 10).is_ok());
    }

    #[test]
    fn addresses() {
        let mut errors = ValidationErrors::new();
        let input = AddressInput {
            street: Some("1 rue de Rivoli".into()),
            postal_code: Some("75001".into()),
            city: Some("Paris".into()),
            country: None,
        };
        let a = Address::parse(&input, "address", &mut errors).expect("valid");
        assert_eq!(a.country.as_str(), "FR");
        assert!(errors.is_empty());

        let bad = AddressInput {
            street: None,
            postal_code: Some("7500".into()),
            city: Some("Paris".into()),
            country: Some("fr".into()),
        };
        let mut errors = ValidationErrors::new();
        assert!(Address::parse(&bad, "address", &mut errors).is_none());
        let fields: Vec<_> = errors.errors().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["address.street", "address.postal_code"]);

        let foreign = AddressInput {
            street: Some("Bahnhofstrasse 1".into()),
            postal_code: Some("8001".into()),
            city: Some("Zürich".into()),
            country: Some("ch".into()),
        };
        let mut errors = ValidationErrors::new();
        assert!(Address::parse(&foreign, "address", &mut errors).is_some());
    }
}
