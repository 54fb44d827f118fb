//! The annexes a lease may need (Art. 3, 3-2 and 3-3 of the 1989 law), by their codes.

use faireplace_kernel::text_enum;

text_enum!(
    /// An annex of the catalog. Whether one applies to a given lease (building age, furnished…)
    /// is decided per lease; a lease type lists the ones it may need.
    pub AnnexCode {
        InformationNotice => "INFORMATION_NOTICE",
        EntryConditionReport => "ENTRY_CONDITION_REPORT",
        Dpe => "DPE",
        Lead => "LEAD",
        Asbestos => "ASBESTOS",
        Electricity => "ELECTRICITY",
        Gas => "GAS",
        Risks => "RISKS",
        CoownershipRules => "COOWNERSHIP_RULES",
        FurnitureInventory => "FURNITURE_INVENTORY",
        InsuranceCertificate => "INSURANCE_CERTIFICATE",
        /// The list of recoverable charges (Décret 87-713), for leases paying charges on provision.
        RecoverableCharges => "RECOVERABLE_CHARGES",
    }
);
