//! Documents as PDF: the lease contract made from the lease, the annexes shipped with the server
//! or generated, the charge review statement, and the signed document with its audit page.
//!
//! Each document is first a [`PdfDocument`] (plain text in sections), then rendered by the
//! [`PdfRenderer`] port off the async executor.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_annexes::texts::StaticText;
use faireplace_charges::{ChargeCategory, LeaseCharge, LeaseChargeFilter, Statement};
use faireplace_kernel::values::Address;
use faireplace_kernel::{PageRequest, Sort, TenantId};
use faireplace_leases::{ChargesMode, Lease, LeaseId, LeaseType};
use faireplace_parties::{Contact, Lessee, Owner};
use faireplace_ports::annexes::{AnnexStore, LeaseAnnex};
use faireplace_ports::leases::LeaseStore;
use faireplace_ports::pdf::{PdfDocument, PdfRenderer, PdfSection};
use faireplace_ports::signatures::SourcesRead;
use faireplace_ports::{Clock, ListQuery, RepoError, Repository};
use faireplace_property::{Estate, InventoryItem, Place};
use faireplace_signatures::{SignMethod, Signature};
use rust_decimal::Decimal;

use crate::error::Found;
use crate::heavy::HeavyWork;
use crate::{AppError, Principal};

fn err(e: RepoError) -> AppError {
    AppError::from_repo("document", e)
}

/// `1234.5` → `1 234,50 €` (French notation, no-break spaces so an amount never wraps).
pub fn euros(amount: Decimal) -> String {
    let rounded = amount.round_dp(2);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let text = format!("{:.2}", rounded.abs());
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    format!(
        "{}{grouped},{cents}\u{a0}€",
        if negative { "−" } else { "" }
    )
}

/// `0.50411` → `0,50411`.
fn decimal(value: Decimal) -> String {
    value.normalize().to_string().replace('.', ",")
}

/// `2026-03-01` → `01/03/2026`.
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.format("%d/%m/%Y %H:%M:%S UTC").to_string()
}

fn address(a: &Address) -> String {
    format!("{}, {} {}", a.street, a.postal_code, a.city)
}

fn field(label: &str, value: impl Into<String>) -> (String, String) {
    (label.to_owned(), value.into())
}

fn section(heading: &str, paragraphs: Vec<String>, fields: Vec<(String, String)>) -> PdfSection {
    PdfSection {
        heading: heading.to_owned(),
        paragraphs,
        fields,
        new_page: false,
    }
}

fn contact_name(c: &Contact) -> String {
    match (&c.data.company_name, &c.data.first_name, &c.data.last_name) {
        (Some(company), None, None) => company.to_string(),
        _ => [&c.data.first_name, &c.data.last_name]
            .into_iter()
            .flatten()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn billing_fr(mode: faireplace_charges::BillingMode) -> &'static str {
    use faireplace_charges::BillingMode::*;
    match mode {
        Provision => "provision, régularisée chaque année",
        Forfait => "forfait",
        ReleveDirect => "selon relevé du compteur",
    }
}

fn condition_fr(condition: faireplace_property::Condition) -> &'static str {
    use faireplace_property::Condition::*;
    match condition {
        New => "neuf",
        Good => "bon état",
        Fair => "état d'usage",
        Poor => "mauvais état",
        OutOfOrder => "hors d'usage",
    }
}

/// The Décret 2015-981 item, in the decree's words.
pub fn furniture_fr(item: faireplace_property::FurnitureItem) -> &'static str {
    use faireplace_property::FurnitureItem::*;
    match item {
        Bedding => "literie avec couette ou couverture",
        WindowBlackout => "occultation des fenêtres des chambres",
        Hob => "plaques de cuisson",
        OvenOrMicrowave => "four ou four à micro-ondes",
        FridgeWithFreezer => {
            "réfrigérateur avec compartiment congélation (−6 °C au plus) ou congélateur"
        }
        Tableware => "vaisselle",
        KitchenUtensils => "ustensiles de cuisine",
        TableAndSeats => "table et sièges",
        StorageShelves => "étagères de rangement",
        Lights => "luminaires",
        CleaningEquipment => "matériel d'entretien ménager",
    }
}

fn role_fr(role: faireplace_signatures::SignerRole) -> &'static str {
    use faireplace_signatures::SignerRole::*;
    match role {
        Lessee => "locataire",
        Owner => "bailleur",
        Guarantor => "garant",
        Agent => "mandataire",
    }
}

fn status_fr(status: faireplace_signatures::SignerStatus) -> &'static str {
    use faireplace_signatures::SignerStatus::*;
    match status {
        Pending => "en attente",
        Signed => "signé",
        Declined => "refusé",
    }
}

/// A built-in annex as a document.
pub fn static_document(text: &StaticText) -> PdfDocument {
    PdfDocument {
        title: text.title.to_owned(),
        subtitle: Some(text.subtitle.to_owned()),
        sections: text
            .sections
            .iter()
            .map(|(heading, paragraphs)| {
                section(
                    heading,
                    paragraphs.iter().map(|p| (*p).to_owned()).collect(),
                    Vec::new(),
                )
            })
            .collect(),
        footer: Some(format!("FairePlace — {}", text.title)),
    }
}

/// The signed copy: the document as fixed, then an audit page (signers, times, addresses,
/// the SHA-256 of the document they signed).
pub fn signed_document(fixed: &PdfDocument, signature: &Signature) -> PdfDocument {
    let mut doc = fixed.clone();
    let mut fields = vec![
        field("Processus de signature", signature.id.0.to_string()),
        field("Envoyé pour signature", timestamp(signature.created_at)),
    ];
    if let Some(done) = signature.completed_at {
        fields.push(field("Signature complète", timestamp(done)));
    }
    doc.sections.push(PdfSection {
        heading: "Dossier de preuve de la signature électronique".into(),
        paragraphs: vec![
            "Le document soumis à la signature a été figé à l'ouverture du processus. Chaque \
             signataire l'a signé soit en saisissant un code à usage unique reçu à son adresse \
             électronique, soit auprès d'un prestataire de signature, comme indiqué ci-dessous. \
             Le document original, tel que figé, reste téléchargeable ; son empreinte SHA-256 \
             figure ci-dessous : toute modification de ce document changerait son empreinte."
                .into(),
            "Empreinte SHA-256 du document original :".into(),
            // On a line of its own: 64 characters fit the page's width, not a value column.
            signature.document_sha256.clone(),
        ],
        fields,
        new_page: true,
    });
    for (i, s) in signature.signers.iter().enumerate() {
        let mut fields = vec![
            field("Qualité", role_fr(s.data.role)),
            field("Partie", s.data.party_id.to_string()),
            // Where the one-time codes went: the party's own e-mail and phone on record.
            field("Codes envoyés à (courriel)", s.data.email.as_str()),
            field(
                "Codes envoyés à (téléphone)",
                s.data
                    .phone
                    .as_ref()
                    .map_or_else(|| "aucun".to_owned(), |p| p.as_str().to_owned()),
            ),
            field("Ordre de signature", s.data.order.to_string()),
            field("Statut", status_fr(s.status)),
        ];
        if let Some(e) = &s.evidence {
            fields.push(field("Signé le", timestamp(e.at)));
            fields.push(field(
                "Méthode",
                match e.method {
                    SignMethod::Otp => "code à usage unique (OTP)".to_owned(),
                    SignMethod::Provider => format!("prestataire de signature ({})", e.method),
                },
            ));
            fields.push(field(
                "Adresse IP",
                e.ip.clone().unwrap_or_else(|| "non communiquée".into()),
            ));
            fields.push(field(
                "Navigateur",
                e.user_agent
                    .clone()
                    .unwrap_or_else(|| "non communiqué".into()),
            ));
            if let Some(r) = &e.provider_reference {
                fields.push(field("Référence du prestataire", r.clone()));
            }
        }
        doc.sections.push(section(
            &format!("Signataire {}", i + 1),
            Vec::new(),
            fields,
        ));
    }
    doc.footer = Some(format!(
        "{} — signé électroniquement, SHA-256 {}…",
        doc.footer.clone().unwrap_or_default(),
        &signature.document_sha256[..16.min(signature.document_sha256.len())]
    ));
    doc
}

/// A charge review statement of one lease.
pub fn statement_document(
    place_name: &str,
    period: (NaiveDate, NaiveDate),
    statement: &Statement,
    balance_after_regulations: Decimal,
) -> PdfDocument {
    let mut sections = vec![section(
        "Période",
        vec![format!(
            "Régularisation des charges de l'immeuble {place_name} du {} au {}. Le bail a couru \
             du {} au {} ({} jours).",
            date(period.0),
            date(period.1),
            date(statement.covered_from),
            date(statement.covered_to),
            statement.covered_days
        )],
        Vec::new(),
    )];
    for line in &statement.lines {
        sections.push(section(
            &line.category_name,
            Vec::new(),
            vec![
                field("Dépenses de l'immeuble", euros(line.expense)),
                field(
                    "Taux de récupération",
                    format!("{} %", line.recovery_rate.normalize()),
                ),
                field("Part récupérable", euros(line.recoverable)),
                field("Quote-part du lot", decimal(line.share)),
                field("Montant du lot", euros(line.estate_amount)),
                field("Prorata d'occupation", decimal(line.prorata)),
                field("Dû", euros(line.due)),
            ],
        ));
    }
    let mut totals = vec![
        field("Total des charges dues", euros(statement.total_due)),
        field("Provisions appelées", euros(statement.provisions_called)),
        field(
            if statement.balance.is_sign_negative() {
                "Solde en faveur du locataire"
            } else {
                "Solde dû par le locataire"
            },
            euros(statement.balance.abs()),
        ),
    ];
    if balance_after_regulations != statement.balance {
        totals.push(field(
            "Solde après régularisations",
            euros(balance_after_regulations),
        ));
    }
    totals.push(field(
        "Provision mensuelle suggérée",
        euros(statement.suggested_monthly_provision),
    ));
    sections.push(section("Solde", Vec::new(), totals));
    PdfDocument {
        title: "Décompte de régularisation des charges".into(),
        subtitle: Some(format!("Bail {}", statement.lease_id)),
        sections,
        footer: Some(format!("Régularisation des charges — {place_name}")),
    }
}

/// Reads what a lease's documents show and renders them.
#[derive(Clone)]
pub struct DocumentService {
    pub(crate) leases: Arc<dyn LeaseStore>,
    types: Arc<dyn Repository<LeaseType>>,
    estates: Arc<dyn Repository<Estate>>,
    places: Arc<dyn Repository<Place>>,
    owners: Arc<dyn Repository<Owner>>,
    lessees: Arc<dyn Repository<Lessee>>,
    contacts: Arc<dyn Repository<Contact>>,
    charges: Arc<dyn Repository<LeaseCharge>>,
    categories: Arc<dyn Repository<ChargeCategory>>,
    inventory: Arc<dyn Repository<InventoryItem>>,
    annexes: Arc<dyn AnnexStore>,
    renderer: Arc<dyn PdfRenderer>,
    clock: Arc<dyn Clock>,
    heavy: HeavyWork,
}

/// The repositories a document reads.
pub struct DocumentSources {
    pub leases: Arc<dyn LeaseStore>,
    pub types: Arc<dyn Repository<LeaseType>>,
    pub estates: Arc<dyn Repository<Estate>>,
    pub places: Arc<dyn Repository<Place>>,
    pub owners: Arc<dyn Repository<Owner>>,
    pub lessees: Arc<dyn Repository<Lessee>>,
    pub contacts: Arc<dyn Repository<Contact>>,
    pub charges: Arc<dyn Repository<LeaseCharge>>,
    pub categories: Arc<dyn Repository<ChargeCategory>>,
    pub inventory: Arc<dyn Repository<InventoryItem>>,
    pub annexes: Arc<dyn AnnexStore>,
}

impl DocumentService {
    pub fn new(
        sources: DocumentSources,
        renderer: Arc<dyn PdfRenderer>,
        clock: Arc<dyn Clock>,
        heavy: HeavyWork,
    ) -> Self {
        Self {
            leases: sources.leases,
            types: sources.types,
            estates: sources.estates,
            places: sources.places,
            owners: sources.owners,
            lessees: sources.lessees,
            contacts: sources.contacts,
            charges: sources.charges,
            categories: sources.categories,
            inventory: sources.inventory,
            annexes: sources.annexes,
            renderer,
            clock,
            heavy,
        }
    }

    /// Renders in a slot for heavy work, off the async executor (laying out, subsetting the
    /// font and compressing take milliseconds and a few megabytes).
    pub async fn render(&self, document: PdfDocument) -> Result<Vec<u8>, AppError> {
        let renderer = self.renderer.clone();
        let slot = self.heavy.slot().await?;
        let (pdf, _) = self
            .heavy
            .run(slot, move || renderer.render(&document))
            .await?;
        pdf.map_err(|e| AppError::Unknown(Box::new(e)))
    }

    /// `GET /api/leases/{id}/document`.
    pub async fn lease_pdf(&self, principal: &Principal, id: LeaseId) -> Result<Vec<u8>, AppError> {
        let tenant = principal.manage()?;
        let (_, doc, _) = self.lease_document(tenant, id).await?;
        self.render(doc).await
    }

    /// The lease contract as a document, the lease it was made from, and the versions of the
    /// estate and charges it was made from.
    pub async fn lease_document(
        &self,
        tenant: TenantId,
        id: LeaseId,
    ) -> Result<(Lease, PdfDocument, SourcesRead), AppError> {
        let lease = self.leases.get(tenant, id).await.found(err, "lease")?;
        let d = &lease.data;
        let missing = || AppError::Unknown("a lease's reference vanished".into());
        let (kind, estate, annexes) = futures_util::future::try_join3(
            async { self.types.get(tenant, d.lease_type_id).await.map_err(err) },
            async { self.estates.get(tenant, d.estate_id).await.map_err(err) },
            async { self.annexes.context(tenant, id).await.map_err(err) },
        )
        .await?;
        let kind = kind.ok_or_else(missing)?;
        let estate = estate.ok_or_else(missing)?;
        let place = match estate.data.place_id {
            Some(p) => self.places.get(tenant, p).await.map_err(err)?,
            None => None,
        };
        let owner = self
            .owners
            .get(tenant, estate.data.owner_id)
            .await
            .map_err(err)?
            .ok_or_else(missing)?;
        let mut lessees = Vec::with_capacity(d.lessee_ids.len());
        for l in &d.lessee_ids {
            lessees.extend(self.lessees.get(tenant, *l).await.map_err(err)?);
        }
        let mut guarantors = Vec::with_capacity(d.guarantor_ids.len());
        for g in &d.guarantor_ids {
            guarantors.extend(self.contacts.get(tenant, *g).await.map_err(err)?);
        }
        let page = PageRequest::new(Some(1), Some(100))?;
        // Every active charge, page after page: the document states them all, and the start
        // of a signature compares them all.
        let mut charges = Vec::new();
        for number in 1i64.. {
            let read = self
                .charges
                .list(
                    tenant,
                    &ListQuery {
                        page: PageRequest::new(Some(number), Some(100))?,
                        sort: Sort {
                            field: faireplace_charges::LeaseChargeSort::CreatedAt,
                            descending: false,
                        },
                        search: None,
                        filter: LeaseChargeFilter {
                            lease_id: Some(id),
                            active: Some(true),
                        },
                    },
                )
                .await
                .map_err(err)?;
            let last = u64::try_from(number).unwrap_or(u64::MAX) >= read.total_pages();
            charges.extend(read.items);
            if last {
                break;
            }
        }
        let categories = if charges.is_empty() {
            Vec::new()
        } else {
            self.categories
                .list(
                    tenant,
                    &ListQuery {
                        page,
                        // By name, the first of the category's sorts.
                        sort: Sort {
                            field: faireplace_kernel::ItemSort::first(),
                            descending: false,
                        },
                        search: None,
                        filter: Default::default(),
                    },
                )
                .await
                .map_err(err)?
                .items
        };
        let today = self.clock.now().date_naive();
        let doc = lease_contract(&LeaseFacts {
            lease: &lease,
            kind: &kind,
            estate: &estate,
            place: place.as_ref(),
            owner: &owner,
            lessees: &lessees,
            guarantors: &guarantors,
            charges: &charges,
            categories: &categories,
            annexes: annexes
                .as_ref()
                .map(|a| a.annexes.as_slice())
                .unwrap_or(&[]),
            missing: &annexes
                .as_ref()
                .map(|c| {
                    let (needs, attached) = crate::annexes::needs(c, today);
                    faireplace_annexes::compliance(&needs, &attached, today).missing
                })
                .unwrap_or_default(),
            today,
        });
        let mut read: Vec<(uuid::Uuid, DateTime<Utc>)> =
            charges.iter().map(|c| (c.id.0, c.updated_at)).collect();
        read.sort();
        let sources = SourcesRead {
            estate_updated_at: estate.updated_at,
            charges: read,
        };
        Ok((lease, doc, sources))
    }

    /// The Décret 2015-981 items an estate's inventory lacks.
    pub async fn missing_furniture(
        &self,
        tenant: TenantId,
        estate: faireplace_property::EstateId,
    ) -> Result<Vec<faireplace_property::FurnitureItem>, AppError> {
        let items = self.inventory_of(tenant, estate).await?;
        Ok(faireplace_property::missing_furniture(&items))
    }

    async fn inventory_of(
        &self,
        tenant: TenantId,
        estate: faireplace_property::EstateId,
    ) -> Result<Vec<InventoryItem>, AppError> {
        Ok(self
            .inventory
            .list(
                tenant,
                &ListQuery {
                    page: PageRequest::new(Some(1), Some(100))?,
                    sort: Sort {
                        field: faireplace_kernel::ItemSort::first(),
                        descending: false,
                    },
                    search: None,
                    filter: faireplace_kernel::ItemFilter {
                        parent: Some(estate.0),
                        equals: Vec::new(),
                    },
                },
            )
            .await
            .map_err(err)?
            .items)
    }

    /// The furniture inventory of the lease's estate (GENERATED annex).
    pub async fn furniture_inventory(
        &self,
        tenant: TenantId,
        lease: &Lease,
    ) -> Result<PdfDocument, AppError> {
        let items = self.inventory_of(tenant, lease.data.estate_id).await?;
        let missing = faireplace_property::missing_furniture(&items);
        let mut fields: Vec<(String, String)> = items
            .iter()
            .map(|i| {
                let mut value = format!("{} ×", i.data.quantity);
                if let Some(c) = i.data.condition {
                    value.push_str(&format!(" — {}", condition_fr(c)));
                }
                if let Some(n) = &i.data.notes {
                    value.push_str(&format!(" — {n}"));
                }
                (i.data.label.to_string(), value)
            })
            .collect();
        if fields.is_empty() {
            fields.push(field("Inventaire", "aucun élément enregistré"));
        }
        let compliance = if missing.is_empty() {
            "Le mobilier comprend chacun des éléments exigés par le décret n° 2015-981.".to_owned()
        } else {
            format!(
                "Éléments exigés par le décret n° 2015-981 absents de l'inventaire : {}.",
                missing
                    .iter()
                    .map(|m| furniture_fr(*m))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        Ok(PdfDocument {
            title: "Inventaire et état détaillé du mobilier".into(),
            subtitle: Some(format!("Bail {}", lease.id.0)),
            sections: vec![
                section("Mobilier", Vec::new(), fields),
                section("Conformité", vec![compliance], Vec::new()),
            ],
            footer: Some(format!(
                "Inventaire du mobilier — établi le {}",
                date(self.clock.now().date_naive())
            )),
        })
    }
}

/// What the lease contract shows.
pub struct LeaseFacts<'a> {
    pub lease: &'a Lease,
    pub kind: &'a LeaseType,
    pub estate: &'a Estate,
    pub place: Option<&'a Place>,
    pub owner: &'a Owner,
    pub lessees: &'a [Lessee],
    pub guarantors: &'a [Contact],
    pub charges: &'a [LeaseCharge],
    pub categories: &'a [ChargeCategory],
    pub annexes: &'a [LeaseAnnex],
    /// Annexes required and not yet attached.
    pub missing: &'a [faireplace_leases::AnnexCode],
    pub today: NaiveDate,
}

/// The lease contract made from the lease's data.
pub fn lease_contract(f: &LeaseFacts<'_>) -> PdfDocument {
    let d = &f.lease.data;
    let k = &f.kind.data;
    let mut parties = vec![field("Bailleur", f.owner.data.display_name())];
    if let Some(a) = &f.owner.data.address {
        parties.push(field("Adresse du bailleur", address(a)));
    }
    for (i, l) in f.lessees.iter().enumerate() {
        let label = if f.lessees.len() == 1 {
            "Locataire".to_owned()
        } else {
            format!("Locataire {}", i + 1)
        };
        parties.push((label, l.data.full_name()));
    }
    for g in f.guarantors {
        parties.push(field("Garant", contact_name(g)));
    }

    let mut estate = Vec::new();
    if let Some(a) = f
        .estate
        .data
        .address
        .as_ref()
        .or(f.estate.place_address.as_ref())
    {
        estate.push(field("Adresse", address(a)));
    }
    estate.push(field("Référence du lot", f.estate.reference.to_string()));
    if let Some(p) = f.place {
        estate.push(field("Immeuble", p.data.name.to_string()));
        if let Some(y) = p.data.construction_year {
            estate.push(field("Année de construction", y.to_string()));
        }
        if p.data.is_coownership {
            estate.push(field("Régime", "copropriété"));
        }
    }
    if let Some(floor) = f.estate.data.floor {
        estate.push(field("Étage", floor.to_string()));
    }
    if let Some(door) = &f.estate.data.door {
        estate.push(field("Porte", door.to_string()));
    }
    if let Some(s) = f.estate.data.surface_m2 {
        estate.push(field("Surface habitable", format!("{} m²", decimal(s))));
    }
    if let Some(r) = f.estate.data.rooms_count {
        estate.push(field("Pièces principales", r.to_string()));
    }
    estate.push(field("Meublé", if k.furnished { "oui" } else { "non" }));

    let end = f.lease.end_date();
    let months = faireplace_leases::lease::duration_months(d.start_date, end);
    let duration = vec![
        field("Type de bail", k.name.to_string()),
        field("Prise d'effet", date(d.start_date)),
        field("Terme", date(end)),
        field(
            "Durée",
            months.map_or_else(|| "—".to_owned(), |m| format!("{m} mois")),
        ),
        field(
            "Reconduction",
            if k.renewable {
                "tacite, par périodes de même durée"
            } else {
                "non reconductible"
            },
        ),
    ];

    let mut money = vec![
        field("Loyer mensuel hors charges", euros(d.rent_amount)),
        field(
            match d.charges_mode {
                ChargesMode::Provision => "Provision mensuelle sur charges",
                ChargesMode::Forfait => "Forfait mensuel de charges",
            },
            euros(d.charges_amount),
        ),
        field("Total mensuel", euros(d.rent_amount + d.charges_amount)),
        field("Payable le", format!("{} de chaque mois", d.payment_day)),
        field("Dépôt de garantie", euros(d.deposit_amount)),
    ];
    if f.lease.has_revision_clause() {
        money.push(field(
            "Révision annuelle",
            match d.irl_reference_quarter {
                Some(q) => format!("selon l'IRL, trimestre de référence {q}"),
                None => "selon l'IRL".to_owned(),
            },
        ));
    } else {
        money.push(field("Révision annuelle", "aucune"));
    }
    if d.in_zone_tendue {
        money.push(field("Zone tendue", "oui"));
    }

    let charge_lines: Vec<(String, String)> = f
        .charges
        .iter()
        .map(|c| {
            let name = c
                .data
                .category_id
                .and_then(|id| f.categories.iter().find(|cat| cat.id == id))
                .map(|cat| cat.data.name.to_string())
                .unwrap_or_else(|| "Charges".to_owned());
            (
                name,
                format!(
                    "{} par mois ({})",
                    euros(c.data.monthly_amount),
                    billing_fr(c.data.billing_mode)
                ),
            )
        })
        .collect();

    // The 1989 law's clauses are for homes; a commercial or parking lease has its own frame.
    let residential = k
        .mandatory_annexes
        .contains(&faireplace_leases::AnnexCode::InformationNotice);
    let mut clauses = vec![if residential {
        "Le logement est loué à usage d'habitation principale du locataire.".to_owned()
    } else {
        format!("Le bien est loué selon le cadre du bail « {} ».", k.name)
    }];
    if residential {
        clauses.push(format!(
            "Le locataire peut donner congé à tout moment avec un préavis de {} mois{}.",
            k.lessee_notice_months,
            match k.lessee_reduced_notice_months {
                Some(r) if r < k.lessee_notice_months => {
                    format!(", réduit à {r} mois dans les cas prévus par la loi")
                }
                _ => String::new(),
            }
        ));
    } else {
        clauses.push(format!(
            "Le preneur peut donner congé avec un préavis de {} mois.",
            k.lessee_notice_months
        ));
    }
    if residential && k.owner_notice_months > 0 {
        clauses.push(format!(
            "Le bailleur peut donner congé pour le terme du bail avec un préavis de {} mois, pour \
             vendre, pour habiter ou pour un motif légitime et sérieux.",
            k.owner_notice_months
        ));
    }
    if residential {
        clauses.push(
            "Le dépôt de garantie est restitué dans le mois de la remise des clés si l'état des \
             lieux de sortie est conforme à celui d'entrée, dans les deux mois sinon."
                .to_owned(),
        );
    }
    if f.lessees.len() > 1 {
        clauses.push(
            "Les colocataires sont tenus solidairement et indivisiblement de toutes les \
             obligations du bail."
                .to_owned(),
        );
    }
    if let Some(special) = &d.special_clauses {
        clauses.push(format!("Clauses particulières : {special}"));
    }

    let mut annex_lines: Vec<String> = f
        .annexes
        .iter()
        .map(|a| match a.valid_until {
            Some(v) => format!("{} (valable jusqu'au {})", a.title, date(v)),
            None => a.title.clone(),
        })
        .collect();
    for code in f.missing {
        annex_lines.push(format!(
            "{} — à fournir",
            faireplace_annexes::entry(*code).title
        ));
    }
    if annex_lines.is_empty() {
        annex_lines.push("Aucune annexe.".into());
    }

    let mut sections = vec![
        section("1. Les parties", Vec::new(), parties),
        section("2. Le logement", Vec::new(), estate),
        section("3. Durée du bail", Vec::new(), duration),
        section("4. Conditions financières", Vec::new(), money),
    ];
    if !charge_lines.is_empty() {
        sections.push(section("5. Charges", Vec::new(), charge_lines));
    }
    sections.push(section("6. Clauses", clauses, Vec::new()));
    sections.push(section("7. Annexes", annex_lines, Vec::new()));
    sections.push(section(
        "Signatures",
        vec![format!(
            "Document établi le {} à partir des données du bail. Fait en autant d'exemplaires \
             que de parties.",
            date(f.today)
        )],
        Vec::new(),
    ));
    PdfDocument {
        title: "Contrat de location".into(),
        subtitle: Some(format!("{} — bail {}", k.name, f.lease.id.0)),
        sections,
        footer: Some(format!("Bail {} — {}", f.lease.id.0, f.estate.reference)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_the_french_way() {
        assert_eq!(euros(Decimal::new(85050, 2)), "850,50\u{a0}€");
        assert_eq!(euros(Decimal::new(1_234_567, 2)), "12\u{202f}345,67\u{a0}€");
        assert_eq!(
            euros(Decimal::new(100_000_000, 2)),
            "1\u{202f}000\u{202f}000,00\u{a0}€"
        );
        assert_eq!(euros(Decimal::new(-5, 1)), "−0,50\u{a0}€");
        assert_eq!(euros(Decimal::ZERO), "0,00\u{a0}€");
    }
}
