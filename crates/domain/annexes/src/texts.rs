//! The two annexes shipped with the server (STATIC_FILE), in the project's own words: a summary
//! of the lessee's and the owner's rights and duties, and the list of recoverable charges. They
//! are built into the binary and rendered to PDF on demand.

use crate::AnnexCode;

/// A fixed document: a title, then sections of paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticText {
    pub title: &'static str,
    pub subtitle: &'static str,
    pub sections: &'static [(&'static str, &'static [&'static str])],
}

/// The text of a STATIC_FILE annex.
pub fn static_text(code: AnnexCode) -> Option<&'static StaticText> {
    match code {
        AnnexCode::InformationNotice => Some(&INFORMATION_NOTICE),
        AnnexCode::RecoverableCharges => Some(&RECOVERABLE_CHARGES),
        _ => None,
    }
}

/// Notice d'information: what each party owes the other, in plain words.
pub const INFORMATION_NOTICE: StaticText = StaticText {
    title: "Notice d'information",
    subtitle: "Droits et obligations des locataires et des bailleurs — résumé FairePlace",
    sections: &[
        (
            "1. À quoi sert cette notice",
            &[
                "Cette notice accompagne le bail d'un logement loué vide ou meublé à titre de résidence principale. Elle résume, en termes simples, ce que la loi n° 89-462 du 6 juillet 1989 attend du locataire et du bailleur. Elle ne remplace pas la loi : en cas de doute, le texte officiel et le bail signé font foi.",
            ],
        ),
        (
            "2. Le bail et sa durée",
            &[
                "Le bail est écrit. Il indique les parties, le logement, sa surface habitable, le loyer, les charges, le dépôt de garantie et la date de prise d'effet.",
                "Un logement vide est loué au moins trois ans (six ans si le bailleur est une société), un logement meublé au moins un an, neuf mois pour un étudiant. À son terme, le bail est reconduit aux mêmes conditions si personne n'a donné congé.",
            ],
        ),
        (
            "3. Le loyer et sa révision",
            &[
                "Le loyer est payé à la date prévue au bail. Si le bail contient une clause de révision, il peut être révisé une fois par an selon l'indice de référence des loyers (IRL) publié par l'Insee. Le bailleur dispose d'un an pour demander cette révision ; elle n'a pas d'effet rétroactif.",
                "Dans les zones où les loyers sont encadrés, le loyer ne peut dépasser le loyer de référence majoré, sauf complément de loyer justifié par des caractéristiques exceptionnelles. Un logement classé F ou G au diagnostic de performance énergétique ne peut faire l'objet d'aucune hausse ni d'aucun complément.",
            ],
        ),
        (
            "4. Les charges",
            &[
                "Les charges récupérables sont limitativement énumérées par le décret n° 87-713 du 26 août 1987. Payées par provisions, elles font l'objet d'une régularisation annuelle ; le bailleur tient les justificatifs à la disposition du locataire pendant six mois. Payées au forfait, elles ne sont pas régularisées.",
            ],
        ),
        (
            "5. Le dépôt de garantie",
            &[
                "Il ne peut dépasser un mois de loyer hors charges pour un logement vide, deux mois pour un meublé ; il n'y en a pas pour un bail mobilité.",
                "Il est restitué dans un délai d'un mois après la remise des clés si l'état des lieux de sortie est conforme à celui d'entrée, de deux mois sinon, déduction faite des sommes justifiées restant dues. Passé ce délai, la somme due est majorée de 10 % du loyer mensuel par mois de retard commencé.",
            ],
        ),
        (
            "6. Les obligations du locataire",
            &[
                "Payer le loyer et les charges aux termes convenus ; user paisiblement du logement ; répondre des dégradations survenues pendant la location, sauf force majeure, faute du bailleur ou fait d'un tiers ; assurer l'entretien courant et les menues réparations ; ne pas transformer le logement sans accord écrit ; s'assurer contre les risques locatifs et en justifier chaque année.",
            ],
        ),
        (
            "7. Les obligations du bailleur",
            &[
                "Remettre un logement décent, en bon état d'usage et de réparation, avec ses équipements en état de fonctionnement ; assurer au locataire la jouissance paisible du logement ; faire les réparations autres que locatives ; remettre gratuitement une quittance au locataire qui en fait la demande.",
            ],
        ),
        (
            "8. Le congé",
            &[
                "Le locataire peut donner congé à tout moment, avec un préavis de trois mois pour un logement vide, réduit à un mois en zone tendue et dans les cas prévus par la loi, et d'un mois pour un meublé.",
                "Le bailleur ne peut donner congé que pour le terme du bail, au moins six mois avant pour un logement vide et trois mois pour un meublé, et seulement pour vendre, pour habiter le logement ou celui d'un proche, ou pour un motif légitime et sérieux.",
            ],
        ),
        (
            "9. En cas de désaccord",
            &[
                "Avant tout recours au juge, les parties peuvent saisir gratuitement la commission départementale de conciliation. Les associations de locataires et de propriétaires, ainsi que les agences départementales d'information sur le logement (ADIL), renseignent gratuitement.",
            ],
        ),
    ],
};

/// The eight headings of Décret 87-713 and what each covers.
pub const RECOVERABLE_CHARGES: StaticText = StaticText {
    title: "Liste des charges récupérables",
    subtitle: "Décret n° 87-713 du 26 août 1987 — présentation FairePlace",
    sections: &[
        (
            "Principe",
            &[
                "Seules les dépenses figurant dans cette liste peuvent être réclamées au locataire, en contrepartie des services rendus liés à l'usage de l'immeuble, des dépenses d'entretien courant et des impositions correspondant à des services dont il profite directement.",
            ],
        ),
        (
            "I. Ascenseurs et monte-charge",
            &[
                "Électricité ; exploitation, visites périodiques, menues réparations et fournitures d'entretien courant.",
            ],
        ),
        (
            "II. Eau froide, eau chaude et chauffage collectif",
            &[
                "Eau froide et chaude des locataires et des parties communes ; produits de traitement de l'eau ; combustible ou énergie du chauffage et de l'eau chaude ; exploitation et entretien courant des compteurs et des installations ; menues réparations.",
            ],
        ),
        (
            "III. Installations individuelles",
            &[
                "Chauffage et production d'eau chaude individuels, robinetterie : contrôle et réglage, menues réparations, entretien courant.",
            ],
        ),
        (
            "IV. Parties communes intérieures",
            &[
                "Électricité des parties communes ; produits et matériel d'entretien ; entretien de la minuterie, des tapis, des vide-ordures ; menues réparations.",
            ],
        ),
        (
            "V. Espaces extérieurs",
            &[
                "Voies de circulation, aires de stationnement, abords, espaces verts et aires de jeux : entretien courant, produits, arrosage, menues réparations.",
            ],
        ),
        (
            "VI. Hygiène",
            &[
                "Sacs et produits de désinsectisation et de désinfection ; entretien des vide-ordures ; fournitures relatives à l'enlèvement des ordures ménagères.",
            ],
        ),
        (
            "VII. Équipements divers",
            &[
                "Fourniture d'énergie et entretien des équipements de ventilation ; abonnement à l'antenne collective et à la télévision ; contrôle des installations communes ; entretien des extincteurs.",
            ],
        ),
        (
            "VIII. Impositions et redevances",
            &[
                "Taxe d'enlèvement des ordures ménagères ; redevance d'assainissement ; taxe de balayage.",
            ],
        ),
        (
            "Personnel",
            &[
                "Le salaire et les charges sociales du gardien ou du concierge sont récupérables à 75 % s'il assure l'entretien des parties communes et l'élimination des déchets, à 40 % s'il n'assure que l'une de ces tâches ; ceux d'un employé d'immeuble le sont à 100 % ; la rémunération d'une entreprise extérieure l'est pour son montant hors marge et taxe sur la valeur ajoutée liée.",
            ],
        ),
    ],
};
