//! Renders documents and reads them back with lopdf, as a reader (or a search index) would.

use faireplace_pdf::PrintPdfRenderer;
use faireplace_ports::pdf::{PdfDocument, PdfRenderer, PdfSection};

const LEASE: &str = "Bail d'habitation meublé — loyer 850,50 € hors charges, dépôt de garantie, \
                     état des lieux, cœur";

fn lease() -> PdfDocument {
    let long_section = PdfSection {
        heading: "Conditions générales".into(),
        paragraphs: (1..=300)
            .map(|n| format!("Article {n}. Le locataire répond des dégradations survenues pendant la durée du bail, à moins qu'il ne prouve qu'elles ont eu lieu par cas de force majeure."))
            .collect(),
        fields: Vec::new(),
        new_page: false,
    };
    PdfDocument {
        title: LEASE.into(),
        subtitle: Some("Logement situé 12 rue de l'Église, 75011 Paris".into()),
        sections: vec![
            PdfSection {
                heading: "Désignation des parties".into(),
                paragraphs: vec![
                    LEASE.into(),
                    "Le bailleur : Agnès Lefèvre. Le locataire : François Brûlé.".into(),
                ],
                fields: vec![
                    ("Loyer hors charges".into(), "850,50 €".into()),
                    ("Provision sur charges".into(), "75,00 €".into()),
                ],
                new_page: false,
            },
            long_section,
        ],
        footer: Some("Bail n° 2024-017 — paraphes : ____ / ____".into()),
    }
}

fn pages_text(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).expect("a readable PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|&page| doc.extract_text(&[page]).expect("text"))
        .collect()
}

/// Extraction ends each text object with a line break; joining lines gives back a paragraph
/// that was wrapped.
fn unwrapped(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn accents_and_the_euro_sign_come_back_as_text() {
    let pdf = PrintPdfRenderer::new()
        .expect("fonts")
        .render(&lease())
        .expect("rendered");
    assert!(pdf.starts_with(b"%PDF-"));
    let pages = pages_text(&pdf);
    let first = unwrapped(&pages[0]);
    assert!(first.contains(LEASE), "{first}");
    for word in [
        "meublé",
        "850,50 €",
        "dépôt",
        "état",
        "cœur",
        "Agnès Lefèvre",
        "François Brûlé",
        "Église",
        "Désignation",
    ] {
        assert!(first.contains(word), "{word} missing from {first}");
    }
    assert!(first.contains("Loyer hors charges 850,50 €"), "{first}");
    assert!(first.contains("Bail n° 2024-017 — paraphes"), "{first}");
}

#[test]
fn a_long_section_flows_over_numbered_pages() {
    let pdf = PrintPdfRenderer::new()
        .expect("fonts")
        .render(&lease())
        .expect("rendered");
    let pages = pages_text(&pdf);
    let total = pages.len();
    assert!(total > 1, "{total} page(s)");
    for (index, text) in pages.iter().enumerate() {
        assert!(
            text.contains(&format!("Page {} / {total}", index + 1)),
            "page {}: {text}",
            index + 1
        );
    }
    assert!(pages[0].contains("Page 1 /"));
    // Every article made it, in order, across the page breaks.
    let all = unwrapped(&pages.concat());
    let mut from = 0;
    for n in 1..=300 {
        let at = all[from..]
            .find(&format!("Article {n}. "))
            .unwrap_or_else(|| panic!("article {n} missing or out of order"));
        from += at;
    }
    assert!(all.contains("cas de force majeure."));
}

#[test]
fn only_the_glyphs_in_use_are_embedded() {
    // Whole, the two DejaVu faces weigh about 750 kB compressed in every file.
    let renderer = PrintPdfRenderer::new().expect("fonts");
    let receipt = PdfDocument {
        title: "Quittance de loyer — février".into(),
        sections: vec![PdfSection {
            heading: "Montants".into(),
            fields: vec![("Loyer hors charges".into(), "850,50 €".into())],
            ..PdfSection::default()
        }],
        ..PdfDocument::default()
    };
    let receipt = renderer.render(&receipt).expect("rendered");
    assert!(receipt.len() < 60_000, "{} bytes", receipt.len());
    let lease = renderer.render(&lease()).expect("rendered");
    assert!(lease.len() < 150_000, "{} bytes", lease.len());
}

#[test]
fn an_empty_document_is_still_a_valid_pdf() {
    let pdf = PrintPdfRenderer::new()
        .expect("fonts")
        .render(&PdfDocument::default())
        .expect("rendered");
    let pages = pages_text(&pdf);
    assert_eq!(pages.len(), 1);
    assert!(pages[0].contains("Page 1 / 1"));
}

#[test]
fn the_renderer_is_shareable_across_threads() {
    fn assert_port<T: PdfRenderer + 'static>() {}
    assert_port::<PrintPdfRenderer>();
    let renderer: std::sync::Arc<dyn PdfRenderer> =
        std::sync::Arc::new(PrintPdfRenderer::new().expect("fonts"));
    let document = PdfDocument {
        title: "Quittance de loyer".into(),
        ..PdfDocument::default()
    };
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let renderer = renderer.clone();
            let document = document.clone();
            std::thread::spawn(move || renderer.render(&document).expect("rendered"))
        })
        .collect();
    for handle in handles {
        let text = pages_text(&handle.join().expect("no panic")).concat();
        assert!(text.contains("Quittance de loyer"));
    }
}
