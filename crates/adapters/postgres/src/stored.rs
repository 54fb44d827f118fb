//! Reading back what a table holds, for the repositories that keep rows of their own: a stored
//! value that cannot be read (an unknown enumeration name, a number out of range, a malformed
//! value) is [`RepoError::Corrupt`], naming the table, the row's id and the column. Never a
//! made-up value in its place.

use std::fmt::Display;

use faireplace_kernel::record::{DecodeError, TextEnum};
use faireplace_ports::RepoError;

/// One stored row being read: its table and id, for the error of a value it cannot read.
pub(crate) struct Stored {
    table: &'static str,
    id: String,
}

impl Stored {
    pub(crate) fn row(table: &'static str, id: impl Display) -> Self {
        Self {
            table,
            id: id.to_string(),
        }
    }

    /// The error of `column` holding `value`, unreadable for `reason`.
    pub(crate) fn corrupt(
        &self,
        column: &str,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> RepoError {
        RepoError::Corrupt {
            table: self.table,
            id: self.id.clone(),
            error: DecodeError::new(column, value, reason),
        }
    }

    /// A value read with `parse`, whose error is the reason.
    pub(crate) fn parse<T, E: Display>(
        &self,
        column: &str,
        value: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, RepoError> {
        parse(value).map_err(|e| self.corrupt(column, value, e.to_string()))
    }

    /// A name of an enumeration declared with `text_enum!`.
    pub(crate) fn name<T: TextEnum>(&self, column: &str, value: &str) -> Result<T, RepoError> {
        T::parse(value).map_err(|_| self.corrupt(column, value, format!("not a {}", T::NAME)))
    }

    /// [`Stored::name`] for a nullable column.
    pub(crate) fn name_opt<T: TextEnum>(
        &self,
        column: &str,
        value: Option<&str>,
    ) -> Result<Option<T>, RepoError> {
        value.map(|v| self.name(column, v)).transpose()
    }

    /// Every name of an array column.
    pub(crate) fn names<T: TextEnum>(
        &self,
        column: &str,
        values: &[String],
    ) -> Result<Vec<T>, RepoError> {
        values.iter().map(|v| self.name(column, v)).collect()
    }

    /// A number that must fit the type the domain keeps it in.
    pub(crate) fn number<T: TryFrom<N>, N: Display + Copy>(
        &self,
        column: &str,
        value: N,
    ) -> Result<T, RepoError> {
        T::try_from(value).map_err(|_| self.corrupt(column, value.to_string(), "out of range"))
    }
}
