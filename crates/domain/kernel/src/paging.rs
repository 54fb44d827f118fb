//! Pagination and sorting of lists, as every list endpoint answers them.

use crate::errors::ValidationErrors;

/// The default page size of every list.
pub const DEFAULT_LIMIT: u32 = 20;
/// The largest page size a client may ask for.
pub const MAX_LIMIT: u32 = 100;

/// A validated page request: `page` from 1, `limit` from 1 to [`MAX_LIMIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page: u32,
    limit: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            limit: DEFAULT_LIMIT,
        }
    }
}

impl PageRequest {
    /// Validates the raw query values; absent values take their defaults.
    pub fn new(page: Option<i64>, limit: Option<i64>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let page = match page {
            None => 1,
            // The offset (page - 1) * limit must fit the database's bigint comfortably.
            Some(p) if (1..=1_000_000).contains(&p) => p as u32,
            Some(_) => {
                errors.push("page", "must be between 1 and 1000000");
                1
            }
        };
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(l) if (1..=i64::from(MAX_LIMIT)).contains(&l) => l as u32,
            Some(_) => {
                errors.push("limit", format!("must be between 1 and {MAX_LIMIT}"));
                DEFAULT_LIMIT
            }
        };
        errors.into_result().map(|()| Self { page, limit })
    }

    pub fn page(&self) -> u32 {
        self.page
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.limit)
    }
}

/// One page of a list with the total number of matching items.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub request: PageRequest,
    pub total: u64,
}

impl<T> Page<T> {
    pub fn total_pages(&self) -> u64 {
        self.total.div_ceil(u64::from(self.request.limit))
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            request: self.request,
            total: self.total,
        }
    }
}

/// The fields a list can be sorted by: each resource declares its own.
pub trait SortField: Copy + Sized + 'static {
    /// Public names, in the order they are documented.
    const NAMES: &'static [&'static str];
    fn from_name(name: &str) -> Option<Self>;
    /// The public name, which is also the column it sorts by.
    fn name(&self) -> &'static str;
}

/// `sort=field` (ascending) or `sort=-field` (descending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort<F> {
    pub field: F,
    pub descending: bool,
}

impl<F: SortField> Sort<F> {
    /// Parses the query value; an unknown field is a validation error naming the allowed ones.
    pub fn parse(raw: Option<&str>, default: Sort<F>) -> Result<Self, ValidationErrors> {
        let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(default);
        };
        let (name, descending) = match raw.strip_prefix('-') {
            Some(rest) => (rest, true),
            None => (raw.strip_prefix('+').unwrap_or(raw), false),
        };
        F::from_name(name)
            .map(|field| Sort { field, descending })
            .ok_or_else(|| {
                ValidationErrors::single(
                    "sort",
                    format!(
                        "unknown sort field '{name}'; use one of {} (prefix with - for descending)",
                        F::NAMES.join(", ")
                    ),
                )
            })
    }
}

/// Declares the sortable fields of a list: `sort_fields!(pub OwnerSort { LastName => "last_name", … })`.
#[macro_export]
macro_rules! sort_fields {
    ($(#[$meta:meta])* $vis:vis $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name { $($variant),+ }

        impl $name {
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl $crate::paging::SortField for $name {
            const NAMES: &'static [&'static str] = &[$($text),+];
            fn from_name(name: &str) -> Option<Self> {
                match name { $($text => Some($name::$variant),)+ _ => None }
            }
            fn name(&self) -> &'static str {
                self.as_str()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Field {
        Name,
        CreatedAt,
    }

    impl SortField for Field {
        const NAMES: &'static [&'static str] = &["name", "created_at"];
        fn from_name(name: &str) -> Option<Self> {
            match name {
                "name" => Some(Field::Name),
                "created_at" => Some(Field::CreatedAt),
                _ => None,
            }
        }
        fn name(&self) -> &'static str {
            match self {
                Field::Name => "name",
                Field::CreatedAt => "created_at",
            }
        }
    }

    const DEFAULT: Sort<Field> = Sort {
        field: Field::CreatedAt,
        descending: false,
    };

    #[test]
    fn page_defaults_and_bounds() {
        let p = PageRequest::new(None, None).expect("defaults");
        assert_eq!((p.page(), p.limit(), p.offset()), (1, 20, 0));
        let p = PageRequest::new(Some(3), Some(100)).expect("max");
        assert_eq!(p.offset(), 200);
        let e = PageRequest::new(Some(0), Some(101)).expect_err("out of range");
        let fields: Vec<_> = e.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["page", "limit"]);
        assert!(PageRequest::new(Some(1), Some(0)).is_err());
    }

    #[test]
    fn total_pages_rounds_up() {
        let request = PageRequest::new(Some(1), Some(20)).expect("valid");
        let page = Page::<()> {
            items: vec![],
            request,
            total: 57,
        };
        assert_eq!(page.total_pages(), 3);
        let empty = Page::<()> {
            items: vec![],
            request,
            total: 0,
        };
        assert_eq!(empty.total_pages(), 0);
    }

    #[test]
    fn sort_parses_direction_and_rejects_unknown_fields() {
        assert_eq!(Sort::parse(None, DEFAULT).expect("default"), DEFAULT);
        let s = Sort::<Field>::parse(Some("-name"), DEFAULT).expect("desc");
        assert_eq!((s.field, s.descending), (Field::Name, true));
        let s = Sort::<Field>::parse(Some("name"), DEFAULT).expect("asc");
        assert!(!s.descending);
        let e = Sort::<Field>::parse(Some("password"), DEFAULT).expect_err("unknown");
        assert!(e.errors()[0].message.contains("name, created_at"));
    }
}
