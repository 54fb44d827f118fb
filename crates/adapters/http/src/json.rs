//! The JSON body extractor of every route: actix-web's, with the application's limits and
//! errors (`JsonConfig`), and text that PostgreSQL and the documents can hold.
//!
//! A JSON string may spell any character with `\u` escapes, NUL included, which a PostgreSQL
//! `text` column refuses (a 500 at the database) and which has no business in a name or a note.
//! Every string of the body, keys included, is checked before the body is read into its type:
//! a control character other than tab, line feed and carriage return is a 400 naming the field.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::problem::ApiError;

/// A JSON body of type `T`, read through `serde_json::Value` so that its text is checked first.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let value = web::Json::<Value>::from_request(req, payload);
        Box::pin(async move {
            let value = value.await?.into_inner();
            if let Some(field) = control_character_at(&value, &mut String::new()) {
                return Err(ApiError::field(&field, CONTROL_MESSAGE).into());
            }
            read(&value).map(Json).map_err(Into::into)
        })
    }
}

/// Reads `value` into `T`, naming the field that does not read (`signers[0].party_id: must be
/// a UUID`) and every member `T` does not know.
pub fn read<T: DeserializeOwned>(value: &Value) -> Result<T, ApiError> {
    let mut unknown = Vec::new();
    let mut note = |path: serde_ignored::Path<'_>| unknown.push(path.to_string());
    let read: Result<T, _> =
        serde_path_to_error::deserialize(serde_ignored::Deserializer::new(value, &mut note));
    match read {
        Ok(v) if unknown.is_empty() => Ok(v),
        Ok(_) => {
            let mut errors = faireplace_kernel::ValidationErrors::new();
            for path in unknown {
                errors.push(path, "is not a field of this request");
            }
            Err(ApiError::validation(&errors))
        }
        Err(e) => {
            let field = match e.path().to_string() {
                p if p == "." => "body".to_owned(),
                p => p,
            };
            Err(ApiError::field(&field, &plain(e.inner())))
        }
    }
}

/// serde's message without its position (`at line 1 column 117`): the field says where.
fn plain(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

const CONTROL_MESSAGE: &str = "must not contain control characters (U+0000 to U+001F other \
                               than tab, line feed and carriage return, or U+007F to U+009F)";

/// A character no text input may hold.
pub fn is_forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// The path (`signers[0].email`, `body` for the whole) of the first string holding a forbidden
/// character, in a key or a value.
fn control_character_at(value: &Value, path: &mut String) -> Option<String> {
    let here = |path: &str| {
        if path.is_empty() {
            "body".to_owned()
        } else {
            path.to_owned()
        }
    };
    match value {
        Value::String(s) if s.chars().any(is_forbidden) => Some(here(path)),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = control_character_at(item, path);
            path.truncate(len);
            found
        }),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            if key.chars().any(is_forbidden) {
                // The key itself cannot be quoted back as it is.
                let shown: String = key.chars().filter(|c| !is_forbidden(*c)).collect();
                path.push_str(&shown);
                let found = here(path);
                path.truncate(len);
                return Some(found);
            }
            path.push_str(key);
            let found = control_character_at(item, path);
            path.truncate(len);
            found
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_field_holding_a_control_character() {
        let body = json!({"name": "ok", "signers": [{"email": "a@b.fr"}, {"email": "x\u{0}y"}]});
        assert_eq!(
            control_character_at(&body, &mut String::new()).as_deref(),
            Some("signers[1].email")
        );
        assert_eq!(
            control_character_at(
                &json!({"notes": "line 1\nline 2\ttab\r"}),
                &mut String::new()
            ),
            None
        );
        assert_eq!(
            control_character_at(&json!({"a": {"b\u{7}": 1}}), &mut String::new()).as_deref(),
            Some("a.b")
        );
        assert_eq!(
            control_character_at(&json!("\u{1b}[31m"), &mut String::new()).as_deref(),
            Some("body")
        );
        assert_eq!(
            control_character_at(&json!({"c1": "\u{85}"}), &mut String::new()).as_deref(),
            Some("c1")
        );
    }
}
