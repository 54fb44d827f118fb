//! [`PdfRenderer`] with printpdf: A4 text documents set in DejaVu Sans, embedded in the binary.
//!
//! The fonts ship inside the crate (see `fonts/LICENSE-DejaVu.txt`) so that rendering needs no
//! font installed on the host, and so that every accented letter and the euro sign are real,
//! extractable text: the embedded font carries a `/ToUnicode` map.

mod layout;
mod subset;

use std::borrow::Cow;
use std::collections::BTreeSet;

use faireplace_ports::pdf::{PdfDocument, PdfError, PdfRenderer};
use printpdf::{
    FontId, Mm, Op, ParsedFont, PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions,
    Point, Pt, TextItem,
};

use crate::layout::{Face, Metrics, PAGE_HEIGHT_MM, PAGE_WIDTH_MM, Placed};

const REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Renders [`PdfDocument`]s with printpdf. Build it once and share it: parsing the two fonts
/// is the expensive part, and the renderer is immutable afterwards.
pub struct PrintPdfRenderer {
    regular: ParsedFont,
    bold: ParsedFont,
}

/// By hand: the derived one would print both fonts, megabytes of glyph tables.
impl std::fmt::Debug for PrintPdfRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrintPdfRenderer").finish_non_exhaustive()
    }
}

impl PrintPdfRenderer {
    /// Parses the embedded fonts. It only fails if the bundled font files are corrupt.
    pub fn new() -> Result<Self, PdfError> {
        Ok(Self {
            regular: parse_font(REGULAR_TTF, "DejaVuSans.ttf")?,
            bold: parse_font(BOLD_TTF, "DejaVuSans-Bold.ttf")?,
        })
    }
}

fn parse_font(bytes: &[u8], name: &str) -> Result<ParsedFont, PdfError> {
    let mut warnings = Vec::new();
    ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or_else(|| {
        PdfError(format!(
            "cannot parse the embedded font {name}: {warnings:?}"
        ))
    })
}

impl PdfRenderer for PrintPdfRenderer {
    #[tracing::instrument(skip_all, fields(sections = document.sections.len()))]
    fn render(&self, document: &PdfDocument) -> Result<Vec<u8>, PdfError> {
        let metrics = Metrics::new(&self.regular, &self.bold);
        let pages = layout::lay_out(document, &metrics);

        let mut pdf = printpdf::PdfDocument::new(&document.title);
        let regular = pdf.add_font(&embeddable(
            REGULAR_TTF,
            &self.regular,
            &chars_in(&pages, Face::Regular),
        ));
        let bold = pdf.add_font(&embeddable(
            BOLD_TTF,
            &self.bold,
            &chars_in(&pages, Face::Bold),
        ));
        let pages = pages
            .into_iter()
            .map(|placed| {
                PdfPage::new(
                    Mm(PAGE_WIDTH_MM),
                    Mm(PAGE_HEIGHT_MM),
                    page_ops(placed, &regular, &bold),
                )
            })
            .collect();

        let mut warnings = Vec::new();
        let bytes = pdf
            .with_pages(pages)
            .save(&PdfSaveOptions::default(), &mut warnings);
        // printpdf reports problems (a font it could not embed, an operator it skipped) as
        // warnings and still returns bytes; an error-level one means a broken document.
        let errors: Vec<&str> = warnings
            .iter()
            .filter(|w| w.severity == PdfParseErrorSeverity::Error)
            .map(|w| w.msg.as_str())
            .collect();
        if !errors.is_empty() {
            return Err(PdfError(format!(
                "printpdf could not write the document: {}",
                errors.join("; ")
            )));
        }
        for warning in &warnings {
            tracing::debug!(warning = %warning.msg, "printpdf");
        }
        Ok(bytes)
    }
}

fn chars_in(pages: &[Vec<Placed>], face: Face) -> BTreeSet<char> {
    pages
        .iter()
        .flatten()
        .filter(|line| line.face == face)
        .flat_map(|line| line.text.chars())
        .collect()
}

/// The face cut down to `chars`; the whole face if subsetting fails, since a heavy document
/// beats no document.
fn embeddable<'a>(
    bytes: &[u8],
    full: &'a ParsedFont,
    chars: &BTreeSet<char>,
) -> Cow<'a, ParsedFont> {
    match subset::subset_font(bytes, full, chars) {
        Ok(font) => Cow::Owned(font),
        Err(error) => {
            tracing::warn!(%error, "embedding the whole font");
            Cow::Borrowed(full)
        }
    }
}

/// One text object per line: `Td` moves relative to the start of the current line, and a fresh
/// `BT` starts from the page origin, so each line's position stays absolute.
fn page_ops(placed: Vec<Placed>, regular: &FontId, bold: &FontId) -> Vec<Op> {
    let mut ops = Vec::with_capacity(placed.len() * 5);
    for line in placed {
        let font = match line.face {
            Face::Regular => regular,
            Face::Bold => bold,
        };
        ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font.clone()),
                size: Pt(line.size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(line.x),
                    y: Pt(line.y),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(line.text)],
            },
            Op::EndTextSection,
        ]);
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_fonts_parse_and_cover_french_text() {
        let renderer = PrintPdfRenderer::new().expect("fonts");
        for font in [&renderer.regular, &renderer.bold] {
            for c in "éèàçœ€ÉÈÀÇŒ«»’\u{a0}\u{202f}".chars() {
                assert!(
                    font.lookup_glyph_index(c as u32)
                        .is_some_and(|gid| gid != 0),
                    "no glyph for {c:?}"
                );
            }
        }
    }
}
