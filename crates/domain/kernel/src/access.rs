//! Who may do what: roles, lessee scopes, and the API key token format.
//!
//! A token reads `fp_live_<key_id>_<secret><checksum>`:
//! - `key_id`: 12 lower-case letters and digits, public, used to find the key;
//! - `secret`: 32 base62 characters (about 190 bits), stored only as an argon2 hash;
//! - `checksum`: 6 base62 characters of the CRC-32 of everything before it, so that a secret
//!   scanner (or our own server, before any database work) recognises a real token offline.

use std::fmt;
use std::str::FromStr;

use crate::values::InvalidValue;

crate::text_enum!(
    /// The role a key acts with.
    pub Role {
        /// Everything in its tenant, including API keys and buying credits.
        Owner => "OWNER",
        /// All property management; no key management, no credit purchase.
        Manager => "MANAGER",
        /// Only `/api/lessee/*`, only that lessee's leases, within its scopes.
        Lessee => "LESSEE",
        /// Platform level, only `/api/workers/*` through `X-API-Key`; made by the operator's
        /// command line, never through the API.
        Worker => "WORKER",
    }
);

impl Role {
    /// May manage the portfolio (parties, property, leases, charges…).
    pub fn can_manage(&self) -> bool {
        matches!(self, Role::Owner | Role::Manager)
    }
}

impl FromStr for Role {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::parse(s)
    }
}

crate::text_enum!(
    /// What a LESSEE key may do with that lessee's leases.
    pub Scope {
        /// Read the lessee's leases.
        LeasesRead => "lessee:leases:read",
        /// Sign them with one-time codes.
        LeasesSign => "lessee:leases:sign",
        /// Download the signed documents.
        LeasesDownload => "lessee:leases:download",
    }
);

impl FromStr for Scope {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scope::parse(s)
    }
}

/// The fixed beginning of every token.
pub const TOKEN_PREFIX: &str = "fp_live_";
pub const KEY_ID_LEN: usize = 12;
pub const SECRET_LEN: usize = 32;
pub const CHECKSUM_LEN: usize = 6;
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const KEY_ID_ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// A token split into its public id and its secret, checksum verified.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken {
    key_id: String,
    secret: String,
}

// The secret must never reach a log.
impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiToken")
            .field("key_id", &self.key_id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// A string that is not a well-formed FairePlace token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed API key")]
pub struct MalformedToken;

impl ApiToken {
    /// Builds a token from random material: `id_entropy` picks the key id characters and
    /// `secret_entropy` the secret's (each byte taken modulo the alphabet, so callers should
    /// pass uniformly random bytes; the bias of a modulo over 256 is negligible here).
    pub fn from_entropy(id_entropy: [u8; KEY_ID_LEN], secret_entropy: [u8; SECRET_LEN]) -> Self {
        let key_id = id_entropy
            .iter()
            .map(|b| KEY_ID_ALPHABET[usize::from(*b) % KEY_ID_ALPHABET.len()] as char)
            .collect();
        let secret = secret_entropy
            .iter()
            .map(|b| BASE62[usize::from(*b) % BASE62.len()] as char)
            .collect();
        Self { key_id, secret }
    }

    /// Parses and checks a presented token without touching any storage.
    pub fn parse(raw: &str) -> Result<Self, MalformedToken> {
        let rest = raw.strip_prefix(TOKEN_PREFIX).ok_or(MalformedToken)?;
        if rest.len() != KEY_ID_LEN + 1 + SECRET_LEN + CHECKSUM_LEN || !rest.is_ascii() {
            return Err(MalformedToken);
        }
        let (key_id, tail) = rest.split_at(KEY_ID_LEN);
        let tail = tail.strip_prefix('_').ok_or(MalformedToken)?;
        let (secret, checksum) = tail.split_at(SECRET_LEN);
        if !key_id.bytes().all(|b| KEY_ID_ALPHABET.contains(&b))
            || !secret.bytes().all(|b| BASE62.contains(&b))
        {
            return Err(MalformedToken);
        }
        let token = Self {
            key_id: key_id.to_owned(),
            secret: secret.to_owned(),
        };
        if token.checksum() == checksum {
            Ok(token)
        } else {
            Err(MalformedToken)
        }
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The public part shown in listings: `fp_live_<key_id>`.
    pub fn display_prefix(key_id: &str) -> String {
        format!("{TOKEN_PREFIX}{key_id}")
    }

    /// The whole token, to show once to whoever created the key.
    pub fn expose(&self) -> String {
        format!(
            "{TOKEN_PREFIX}{}_{}{}",
            self.key_id,
            self.secret,
            self.checksum()
        )
    }

    fn checksum(&self) -> String {
        let body = format!("{TOKEN_PREFIX}{}_{}", self.key_id, self.secret);
        let mut n = crc32(body.as_bytes());
        let mut out = [b'0'; CHECKSUM_LEN];
        for slot in out.iter_mut().rev() {
            *slot = BASE62[(n % 62) as usize];
            n /= 62;
        }
        out.iter().map(|&b| b as char).collect()
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zlib computes it).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn a_token_round_trips_and_its_checksum_catches_a_typo() {
        let token = ApiToken::from_entropy([7; KEY_ID_LEN], [200; SECRET_LEN]);
        let text = token.expose();
        assert!(text.starts_with("fp_live_"));
        assert_eq!(text.len(), 8 + 12 + 1 + 32 + 6);
        assert_eq!(ApiToken::parse(&text), Ok(token.clone()));

        let mut typo = text.into_bytes();
        typo[25] = if typo[25] == b'a' { b'b' } else { b'a' };
        let typo = String::from_utf8(typo).expect("ascii");
        assert_eq!(ApiToken::parse(&typo), Err(MalformedToken));
        assert!(!format!("{token:?}").contains(token.secret()));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in [
            "",
            "fp_live_",
            "Bearer x",
            "fp_test_aaaaaaaaaaaa_x",
            "fp_live_é",
        ] {
            assert_eq!(ApiToken::parse(bad), Err(MalformedToken));
        }
    }

    #[test]
    fn roles_and_scopes_parse_their_public_names() {
        for &role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        for &scope in Scope::ALL {
            assert_eq!(scope.as_str().parse::<Scope>(), Ok(scope));
        }
        assert!("ADMIN".parse::<Role>().is_err());
        assert!(Role::Manager.can_manage() && !Role::Lessee.can_manage());
    }

    proptest! {
        #[test]
        fn any_generated_token_parses_back(id in any::<[u8; KEY_ID_LEN]>(), secret in any::<[u8; SECRET_LEN]>()) {
            let token = ApiToken::from_entropy(id, secret);
            prop_assert_eq!(ApiToken::parse(&token.expose()), Ok(token));
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(s in "\\PC*") {
            let _ = ApiToken::parse(&s);
        }
    }
}
