//! Rendering documents (leases, annexes, statements) to PDF.

/// A document as text: a title, then sections of paragraphs, laid out on A4 pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PdfDocument {
    pub title: String,
    pub subtitle: Option<String>,
    pub sections: Vec<PdfSection>,
    /// Printed on every page, before the page number.
    pub footer: Option<String>,
}

/// A heading, its paragraphs, then its label/value lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PdfSection {
    pub heading: String,
    pub paragraphs: Vec<String>,
    /// label/value lines, e.g. ("Loyer hors charges", "850,50 €")
    pub fields: Vec<(String, String)>,
    /// Starts on a page of its own (an audit page after the document it certifies).
    #[serde(default)]
    pub new_page: bool,
}

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PdfError(pub String);

/// Turns a [`PdfDocument`] into the bytes of a PDF file.
pub trait PdfRenderer: Send + Sync {
    fn render(&self, document: &PdfDocument) -> Result<Vec<u8>, PdfError>;
}
