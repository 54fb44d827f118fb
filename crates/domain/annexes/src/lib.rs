//! Annexes: the catalog of what a residential lease must carry (Art. 3, 3-2 and 3-3 of the 1989
//! law), where each comes from, and when it applies.

use faireplace_kernel::text_enum;

pub mod applicability;
pub mod texts;

pub use applicability::{
    AnnexFacts, Applicable, Attached, Compliance, Needs, applicable, compliance,
};
pub use faireplace_leases::AnnexCode;

text_enum!(
    /// Where an annex comes from.
    pub AnnexSource {
        /// A fixed document shipped with the server.
        StaticFile => "STATIC_FILE",
        /// Made from the lease's data.
        Generated => "GENERATED",
        /// Uploaded: a diagnostic of the estate, a report, a certificate.
        UserUpload => "USER_UPLOAD",
    }
);

/// One annex of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogEntry {
    pub code: AnnexCode,
    pub title: &'static str,
    pub source: AnnexSource,
    pub legal_reference: &'static str,
    /// When it applies, in words.
    pub applies_when: &'static str,
}

/// The platform's catalog, the same for every tenant.
pub const CATALOG: &[CatalogEntry] = &[
    CatalogEntry {
        code: AnnexCode::InformationNotice,
        title: "Notice d'information (rights and duties of lessees and owners)",
        source: AnnexSource::StaticFile,
        legal_reference: "Loi 89-462, art. 3; arrêté du 29 mai 2015",
        applies_when: "every residential lease (unfurnished, furnished, student, mobility)",
    },
    CatalogEntry {
        code: AnnexCode::EntryConditionReport,
        title: "État des lieux d'entrée (entry condition report)",
        source: AnnexSource::UserUpload,
        legal_reference: "Loi 89-462, art. 3-2",
        applies_when: "every lease, drawn up when the keys are handed over",
    },
    CatalogEntry {
        code: AnnexCode::Dpe,
        title: "Diagnostic de performance énergétique (DPE)",
        source: AnnexSource::UserUpload,
        legal_reference: "Loi 89-462, art. 3-3; Code de la construction, L126-26",
        applies_when: "every lease of a dwelling: the estate's current energy diagnosis",
    },
    CatalogEntry {
        code: AnnexCode::Lead,
        title: "Constat de risque d'exposition au plomb (CREP)",
        source: AnnexSource::UserUpload,
        legal_reference: "Loi 89-462, art. 3-3; Code de la santé publique, L1334-5",
        applies_when: "buildings built before 1 January 1949",
    },
    CatalogEntry {
        code: AnnexCode::Asbestos,
        title: "État mentionnant la présence ou l'absence d'amiante",
        source: AnnexSource::UserUpload,
        legal_reference: "Loi 89-462, art. 3-3; Code de la santé publique, R1334-29-4",
        applies_when: "buildings whose building permit predates 1 July 1997",
    },
    CatalogEntry {
        code: AnnexCode::Electricity,
        title: "État de l'installation intérieure d'électricité",
        source: AnnexSource::UserUpload,
        legal_reference: "Loi 89-462, art. 3-3; Code de la construction, L134-7",
        applies_when: "electrical installations more than 15 years old",
    },
    CatalogEntry {
        code: AnnexCode::Gas,
        title: "État de l'installation intérieure de gaz",
        source: AnnexSource::UserUpload,
        legal_reference: "Loi 89-462, art. 3-3; Code de la construction, L134-9",
        applies_when: "gas installations more than 15 years old",
    },
    CatalogEntry {
        code: AnnexCode::Risks,
        title: "État des risques (ERP), less than 6 months old",
        source: AnnexSource::UserUpload,
        legal_reference: "Loi 89-462, art. 3-3; Code de l'environnement, L125-5",
        applies_when: "every lease",
    },
    CatalogEntry {
        code: AnnexCode::CoownershipRules,
        title: "Extraits du règlement de copropriété",
        source: AnnexSource::UserUpload,
        legal_reference: "Loi 89-462, art. 3",
        applies_when: "estates in a co-ownership building",
    },
    CatalogEntry {
        code: AnnexCode::FurnitureInventory,
        title: "Inventaire et état détaillé du mobilier",
        source: AnnexSource::Generated,
        legal_reference: "Loi 89-462, art. 25-5; décret 2015-981",
        applies_when: "furnished leases (furnished, student, mobility)",
    },
    CatalogEntry {
        code: AnnexCode::InsuranceCertificate,
        title: "Attestation d'assurance habitation du locataire",
        source: AnnexSource::UserUpload,
        legal_reference: "Loi 89-462, art. 7 g",
        applies_when: "every residential lease, uploaded by the lessee",
    },
    CatalogEntry {
        code: AnnexCode::RecoverableCharges,
        title: "Liste des charges récupérables (list of recoverable charges)",
        source: AnnexSource::StaticFile,
        legal_reference: "Loi 89-462, art. 23; décret 87-713 du 26 août 1987",
        applies_when: "residential leases whose charges are paid on provision and reviewed yearly",
    },
];

/// The catalog entry of `code`.
pub fn entry(code: AnnexCode) -> &'static CatalogEntry {
    CATALOG
        .iter()
        .find(|e| e.code == code)
        .unwrap_or(&CATALOG[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_annex_code_is_in_the_catalog_once() {
        // Every code the enumeration names, so that a new one needs its entry.
        let all = <AnnexCode as faireplace_kernel::TextEnum>::NAMES;
        for &code in all {
            assert_eq!(
                CATALOG.iter().filter(|e| e.code.as_str() == code).count(),
                1,
                "{code}"
            );
        }
        assert_eq!(CATALOG.len(), all.len());
        assert_eq!(
            CATALOG
                .iter()
                .filter(|e| e.source == AnnexSource::StaticFile)
                .count(),
            2
        );
        for e in CATALOG {
            assert_eq!(entry(e.code).code, e.code);
        }
    }
}
