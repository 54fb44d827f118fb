//! Bank accounts, declared once: fields, rules, and how they are served and stored.

use faireplace_kernel::values::{Bic, Iban, Text};
use faireplace_kernel::{Context, Declared, Item, Record, Rules, ValidationErrors};
use faireplace_kernel::{text_enum, typed_id};
use faireplace_parties::OwnerId;

typed_id!(
    /// A bank account.
    BankAccountId
);

text_enum!(
    /// Whose money the account holds: the agency's, an owner's, or the lessees' deposits
    /// (kept apart from the agency's, as the law asks).
    pub BankAccountKind {
        Agency => "AGENCY",
        Owner => "OWNER",
        Deposits => "DEPOSITS",
    }
);

/// A bank account of the agency, of an owner, or holding lessees' deposits.
#[derive(Debug, Clone, PartialEq, Record)]
#[record(name = "BankAccount", rules)]
pub struct BankAccountData {
    pub kind: BankAccountKind,
    /// How the account is called in lists.
    #[field(max_len = 100, example = "Compte courant")]
    pub label: Text,
    /// The holder's name, as the bank knows it.
    #[field(max_len = 140, example = "Agence Dupont")]
    pub holder: Text,
    #[field(example = "FR7630006000011234567890189")]
    pub iban: Iban,
    #[field(example = "AGRIFRPP")]
    pub bic: Option<Bic>,
    /// The owner whose money it holds: required for an OWNER account, refused otherwise.
    pub owner_id: Option<OwnerId>,
}

impl Rules for BankAccountData {
    fn check(&self, errors: &mut ValidationErrors, _: &Context) {
        match (self.kind, self.owner_id) {
            (BankAccountKind::Owner, None) => {
                errors.push("owner_id", "is required for an OWNER account")
            }
            (BankAccountKind::Agency | BankAccountKind::Deposits, Some(_)) => {
                errors.push("owner_id", "is for OWNER accounts only")
            }
            _ => {}
        }
    }
}

impl Declared for BankAccountData {
    type Id = BankAccountId;
    type Parent = ();
    const NOUN: &'static str = "bank account";
    const PLURAL: &'static str = "bank accounts";
    const TABLE: &'static str = "bank_accounts";
    const PATH: &'static str = "/api/bank-accounts";
    const TAG: &'static str = "Bank accounts";
    const AUDIT: Option<&'static str> = Some("bank_account");
    const SEARCH: &'static [&'static str] = &["label", "holder"];
    const FILTERS: &'static [&'static str] = &["kind", "owner_id"];
    const SORTS: &'static [&'static str] = &["created_at", "updated_at", "label"];
    const EXAMPLE: Option<&'static str> = Some(
        r#"{"kind": "AGENCY", "label": "Compte courant", "holder": "Agence Dupont",
            "iban": "FR7630006000011234567890189", "bic": "AGRIFRPP"}"#,
    );
}

pub type BankAccount = Item<BankAccountData>;
