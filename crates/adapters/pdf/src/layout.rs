//! Line breaking and pagination, kept apart from printpdf so that it can be tested on its own.
//!
//! Every length here is in PDF points, y growing upwards from the bottom of the page, as in the
//! PDF content stream.

use faireplace_ports::pdf::{PdfDocument, PdfSection};
use printpdf::ParsedFont;

pub(crate) const PAGE_WIDTH_MM: f32 = 210.0;
pub(crate) const PAGE_HEIGHT_MM: f32 = 297.0;
const MARGIN_MM: f32 = 20.0;
/// The footer sits inside the bottom margin, so that it never competes with the body for room.
const FOOTER_BASELINE_MM: f32 = 12.0;
/// Field labels get a fixed column so that values line up down the page.
const LABEL_COLUMN_MM: f32 = 70.0;
const COLUMN_GAP_MM: f32 = 4.0;

const TITLE: Style = Style::new(Face::Bold, 16.0);
const SUBTITLE: Style = Style::new(Face::Regular, 12.0);
const HEADING: Style = Style::new(Face::Bold, 12.0);
const BODY: Style = Style::new(Face::Regular, 10.0);
const FIELD_LABEL: Style = BODY;
const FIELD_VALUE: Style = Style::new(Face::Bold, 10.0);
const FOOTER: Style = Style::new(Face::Regular, 8.0);

const AFTER_TITLE: f32 = 14.0;
const BEFORE_SECTION: f32 = 10.0;
const AFTER_HEADING: f32 = 4.0;
const AFTER_PARAGRAPH: f32 = 5.0;
const AFTER_FIELD: f32 = 2.0;

pub(crate) fn mm(value: f32) -> f32 {
    value * 72.0 / 25.4
}

/// Which of the two embedded faces a line is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

#[derive(Debug, Clone, Copy)]
struct Style {
    face: Face,
    size: f32,
    leading: f32,
}

impl Style {
    const fn new(face: Face, size: f32) -> Self {
        // 1.3 em leaves room for DejaVu's descenders (0.24 em) above the next line's accents.
        Self {
            face,
            size,
            leading: size * 1.3,
        }
    }
}

/// One line of text at its final position: `(x, y)` is the start of its baseline.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Placed {
    pub face: Face,
    pub size: f32,
    pub x: f32,
    pub y: f32,
    pub text: String,
}

/// Text widths from the fonts' own advance widths: the same numbers printpdf writes into the
/// font's `/W` array, so a measured line is exactly as wide as the rendered one (printpdf
/// applies no kerning to plain text).
pub(crate) struct Metrics<'f> {
    regular: &'f ParsedFont,
    bold: &'f ParsedFont,
}

impl<'f> Metrics<'f> {
    pub(crate) fn new(regular: &'f ParsedFont, bold: &'f ParsedFont) -> Self {
        Self { regular, bold }
    }

    fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let font = match face {
            Face::Regular => self.regular,
            Face::Bold => self.bold,
        };
        // A character the font lacks is drawn as glyph 0 (.notdef), so it is measured as one.
        let units: u32 = text
            .chars()
            .map(|c| {
                let gid = font.lookup_glyph_index(u32::from(c)).unwrap_or(0);
                u32::from(font.get_glyph_width(gid).unwrap_or(0))
            })
            .sum();
        units as f32 * size / f32::from(font.units_per_em.max(1))
    }

    /// Greedy line breaking on spaces; a word wider than the line is cut between characters.
    /// Hard line breaks are kept, and an empty paragraph gives one empty line.
    fn wrap(&self, style: Style, text: &str, max_width: f32) -> Vec<String> {
        let space = self.width(style.face, style.size, " ");
        let mut lines = Vec::new();
        for hard_line in text.split('\n') {
            let mut line = String::new();
            let mut line_width = 0.0;
            for word in hard_line.split(is_breaking_space).filter(|w| !w.is_empty()) {
                let word_width = self.width(style.face, style.size, word);
                if !line.is_empty() && line_width + space + word_width <= max_width {
                    line.push(' ');
                    line.push_str(word);
                    line_width += space + word_width;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                if word_width <= max_width {
                    line.push_str(word);
                    line_width = word_width;
                    continue;
                }
                for c in word.chars() {
                    let mut buf = [0; 4];
                    let char_width = self.width(style.face, style.size, c.encode_utf8(&mut buf));
                    if !line.is_empty() && line_width + char_width > max_width {
                        lines.push(std::mem::take(&mut line));
                        line_width = 0.0;
                    }
                    line.push(c);
                    line_width += char_width;
                }
            }
            lines.push(line);
        }
        lines
    }

    /// Cuts `text` to `max_width`, ending it with an ellipsis when something was dropped.
    fn truncate(&self, style: Style, text: &str, max_width: f32) -> String {
        if self.width(style.face, style.size, text) <= max_width {
            return text.to_owned();
        }
        let budget = max_width - self.width(style.face, style.size, "…");
        let mut kept = String::new();
        let mut width = 0.0;
        for c in text.chars() {
            let mut buf = [0; 4];
            width += self.width(style.face, style.size, c.encode_utf8(&mut buf));
            if width > budget {
                break;
            }
            kept.push(c);
        }
        let mut kept = kept.trim_end().to_owned();
        kept.push('…');
        kept
    }
}

/// French typography puts no-break spaces before « ; : ! ? » and inside amounts ("850,50 €"):
/// those must never become line breaks.
fn is_breaking_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}')
}

/// Fills pages top to bottom and starts a new one when the next line does not fit.
struct Cursor<'m, 'f> {
    metrics: &'m Metrics<'f>,
    pages: Vec<Vec<Placed>>,
    page: Vec<Placed>,
    y: f32,
}

impl<'m, 'f> Cursor<'m, 'f> {
    fn new(metrics: &'m Metrics<'f>) -> Self {
        Self {
            metrics,
            pages: Vec::new(),
            page: Vec::new(),
            y: top(),
        }
    }

    fn at_top(&self) -> bool {
        self.y >= top()
    }

    /// Breaks the page unless `height` still fits. Never on a fresh page: a block taller than
    /// a whole page must flow on, not loop.
    fn ensure(&mut self, height: f32) {
        if self.y - height < bottom() && !self.at_top() {
            self.pages.push(std::mem::take(&mut self.page));
            self.y = top();
        }
    }

    /// Vertical space, dropped at the top of a page where it would only push text down.
    fn gap(&mut self, height: f32) {
        if !self.at_top() {
            self.y -= height;
        }
    }

    /// One line made of cells sharing a baseline (a field's label and value).
    fn row(&mut self, cells: &[(Style, f32, &str)]) {
        let leading = cells.iter().map(|(s, _, _)| s.leading).fold(0.0, f32::max);
        let size = cells.iter().map(|(s, _, _)| s.size).fold(0.0, f32::max);
        self.ensure(leading);
        let baseline = self.y - size;
        for &(style, x, text) in cells {
            if !text.is_empty() {
                self.page.push(Placed {
                    face: style.face,
                    size: style.size,
                    x,
                    y: baseline,
                    text: text.to_owned(),
                });
            }
        }
        self.y -= leading;
    }

    fn paragraph(&mut self, style: Style, text: &str) {
        for line in self.metrics.wrap(style, text, content_width()) {
            self.row(&[(style, left(), &line)]);
        }
    }

    fn section(&mut self, section: &PdfSection) {
        if section.new_page && !self.at_top() {
            self.pages.push(std::mem::take(&mut self.page));
            self.y = top();
        }
        self.gap(BEFORE_SECTION);
        let heading = if section.heading.trim().is_empty() {
            Vec::new()
        } else {
            self.metrics
                .wrap(HEADING, &section.heading, content_width())
        };
        // A heading alone at the foot of a page reads as belonging to nothing: keep it with
        // the first line of what follows.
        let heading_height = heading.len() as f32 * HEADING.leading + AFTER_HEADING;
        self.ensure(heading_height + BODY.leading);
        for line in &heading {
            self.row(&[(HEADING, left(), line)]);
        }
        if !heading.is_empty() {
            self.gap(AFTER_HEADING);
        }
        for paragraph in &section.paragraphs {
            self.paragraph(BODY, paragraph);
            self.gap(AFTER_PARAGRAPH);
        }
        let label_width = mm(LABEL_COLUMN_MM);
        let value_x = left() + label_width + mm(COLUMN_GAP_MM);
        let value_width = content_width() - label_width - mm(COLUMN_GAP_MM);
        for (label, value) in &section.fields {
            let labels = self.metrics.wrap(FIELD_LABEL, label, label_width);
            let values = self.metrics.wrap(FIELD_VALUE, value, value_width);
            let rows = labels.len().max(values.len());
            // Keep a field on one page when it can be; one taller than a page flows on.
            self.ensure((rows as f32 * BODY.leading).min(top() - bottom()));
            for i in 0..rows {
                let label = labels.get(i).map_or("", String::as_str);
                let value = values.get(i).map_or("", String::as_str);
                self.row(&[(FIELD_LABEL, left(), label), (FIELD_VALUE, value_x, value)]);
            }
            self.gap(AFTER_FIELD);
        }
    }

    fn finish(mut self) -> Vec<Vec<Placed>> {
        self.pages.push(self.page);
        self.pages
    }
}

fn top() -> f32 {
    mm(PAGE_HEIGHT_MM - MARGIN_MM)
}

fn bottom() -> f32 {
    mm(MARGIN_MM)
}

fn left() -> f32 {
    mm(MARGIN_MM)
}

fn content_width() -> f32 {
    mm(PAGE_WIDTH_MM - 2.0 * MARGIN_MM)
}

/// Lays the whole document out, then adds each page's footer: "Page N / M" needs M, which is
/// known only once every page is filled.
pub(crate) fn lay_out(document: &PdfDocument, metrics: &Metrics<'_>) -> Vec<Vec<Placed>> {
    let mut cursor = Cursor::new(metrics);
    if !document.title.trim().is_empty() {
        cursor.paragraph(TITLE, &document.title);
    }
    if let Some(subtitle) = document
        .subtitle
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        cursor.paragraph(SUBTITLE, subtitle);
    }
    cursor.gap(AFTER_TITLE);
    for section in &document.sections {
        cursor.section(section);
    }
    let mut pages = cursor.finish();

    let total = pages.len();
    // A footer is one line: newlines in it would print as missing glyphs.
    let footer_text = document
        .footer
        .as_deref()
        .map(|f| f.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let baseline = mm(FOOTER_BASELINE_MM);
    for (index, page) in pages.iter_mut().enumerate() {
        let number = format!("Page {} / {total}", index + 1);
        let number_width = metrics.width(FOOTER.face, FOOTER.size, &number);
        let number_x = left() + content_width() - number_width;
        if !footer_text.is_empty() {
            let room = content_width() - number_width - mm(COLUMN_GAP_MM);
            page.push(Placed {
                face: FOOTER.face,
                size: FOOTER.size,
                x: left(),
                y: baseline,
                text: metrics.truncate(FOOTER, &footer_text, room),
            });
        }
        page.push(Placed {
            face: FOOTER.face,
            size: FOOTER.size,
            x: number_x,
            y: baseline,
            text: number,
        });
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PrintPdfRenderer;

    fn with_metrics(test: impl FnOnce(&Metrics<'_>)) {
        let renderer = PrintPdfRenderer::new().expect("fonts");
        test(&Metrics::new(&renderer.regular, &renderer.bold));
    }

    #[test]
    fn widths_come_from_the_font_and_scale_with_size() {
        with_metrics(|m| {
            let ten = m.width(Face::Regular, 10.0, "Loyer");
            assert!(ten > 10.0 && ten < 40.0, "{ten}");
            let twenty = m.width(Face::Regular, 20.0, "Loyer");
            assert!((twenty - 2.0 * ten).abs() < 1e-3);
            assert!(m.width(Face::Bold, 10.0, "Loyer") > ten);
            assert!(m.width(Face::Regular, 10.0, "mmmm") > m.width(Face::Regular, 10.0, "iiii"));
        });
    }

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        with_metrics(|m| {
            let text = "Le locataire s'engage à user paisiblement des locaux loués suivant la \
                        destination prévue au contrat, et à répondre des dégradations. "
                .repeat(8);
            let max = mm(80.0);
            let lines = m.wrap(BODY, &text, max);
            assert!(lines.len() > 5);
            for line in &lines {
                assert!(m.width(BODY.face, BODY.size, line) <= max, "{line}");
            }
            assert_eq!(
                lines.join(" ").split_whitespace().collect::<Vec<_>>(),
                text.split_whitespace().collect::<Vec<_>>()
            );
        });
    }

    #[test]
    fn no_break_spaces_hold_an_amount_together() {
        with_metrics(|m| {
            let amount = "850,50\u{a0}€";
            let prefix = "x ".repeat(200);
            for max in [mm(30.0), mm(31.0), mm(32.0), mm(33.0)] {
                let lines = m.wrap(BODY, &format!("{prefix}{amount}"), max);
                assert!(lines.iter().any(|l| l.ends_with(amount)), "{lines:?}");
            }
        });
    }

    #[test]
    fn a_word_longer_than_the_line_is_cut() {
        with_metrics(|m| {
            let word = "anticonstitutionnellement".repeat(10);
            let lines = m.wrap(BODY, &word, mm(50.0));
            assert!(lines.len() > 1);
            assert_eq!(lines.concat(), word);
        });
    }

    #[test]
    fn hard_breaks_and_empty_paragraphs_are_kept() {
        with_metrics(|m| {
            assert_eq!(m.wrap(BODY, "a\nb", mm(100.0)), ["a", "b"]);
            assert_eq!(m.wrap(BODY, "", mm(100.0)), [""]);
        });
    }

    #[test]
    fn a_long_footer_is_cut_with_an_ellipsis() {
        with_metrics(|m| {
            let cut = m.truncate(FOOTER, &"Bail meublé ".repeat(50), mm(60.0));
            assert!(cut.ends_with('…'));
            assert!(m.width(FOOTER.face, FOOTER.size, &cut) <= mm(60.0));
        });
    }

    #[test]
    fn pages_stay_inside_the_margins_and_are_numbered() {
        with_metrics(|m| {
            let document = PdfDocument {
                title: "État des lieux".into(),
                footer: Some("Résidence Les Tilleuls".into()),
                sections: vec![PdfSection {
                    heading: "Pièces".into(),
                    paragraphs: vec!["Mur en bon état, peinture récente.".into(); 200],
                    fields: vec![("Loyer hors charges".into(), "850,50 €".into()); 20],
                    new_page: false,
                }],
                ..PdfDocument::default()
            };
            let pages = lay_out(&document, m);
            assert!(pages.len() > 2);
            let total = pages.len();
            for (i, page) in pages.iter().enumerate() {
                let numbers: Vec<_> = page
                    .iter()
                    .filter(|p| p.text.starts_with("Page "))
                    .collect();
                assert_eq!(numbers.len(), 1);
                assert_eq!(numbers[0].text, format!("Page {} / {total}", i + 1));
                for line in page.iter().filter(|p| p.y > bottom()) {
                    assert!(line.y <= top(), "{line:?}");
                    let width = m.width(line.face, line.size, &line.text);
                    assert!(
                        line.x + width <= left() + content_width() + 1e-3,
                        "{line:?}"
                    );
                }
                assert!(page.iter().any(|p| p.text == "Résidence Les Tilleuls"));
            }
            // The body never runs into the bottom margin, where only the footer lives.
            for line in pages.iter().flatten() {
                let footer = line.size == FOOTER.size && line.y == mm(FOOTER_BASELINE_MM);
                assert!(footer || line.y - 0.25 * line.size >= bottom(), "{line:?}");
            }
        });
    }

    #[test]
    fn a_section_may_start_a_page_of_its_own() {
        with_metrics(|m| {
            let section = |heading: &str, new_page| PdfSection {
                heading: heading.into(),
                paragraphs: vec!["Texte.".into()],
                fields: Vec::new(),
                new_page,
            };
            let document = PdfDocument {
                title: "Bail".into(),
                sections: vec![section("Clauses", false), section("Audit", true)],
                ..PdfDocument::default()
            };
            let pages = lay_out(&document, m);
            assert_eq!(pages.len(), 2);
            assert!(pages[1].iter().any(|p| p.text == "Audit"));
            assert!(!pages[0].iter().any(|p| p.text == "Audit"));
        });
    }

    #[test]
    fn an_empty_document_is_one_numbered_page() {
        with_metrics(|m| {
            let pages = lay_out(&PdfDocument::default(), m);
            assert_eq!(pages.len(), 1);
            assert_eq!(pages[0].len(), 1);
            assert_eq!(pages[0][0].text, "Page 1 / 1");
        });
    }
}
