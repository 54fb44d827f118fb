//! Banking: the bank accounts an agency works with, the agency's own, its owners', and the one
//! holding lessees' deposits, kept apart as the law asks.

pub mod bank_account;

pub use bank_account::{BankAccount, BankAccountData, BankAccountId, BankAccountKind};
