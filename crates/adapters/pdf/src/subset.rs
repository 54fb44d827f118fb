//! Font subsetting: a document embeds only the glyphs it shows.
//!
//! printpdf 0.12 subsets fonts only with its layout engine (the `text_layout` feature, which
//! this crate leaves off), and otherwise embeds each face whole: about 370 kB per DejaVu face,
//! compressed, in every PDF. Cutting the face down before handing it to printpdf brings a
//! one-page receipt to a few kilobytes.

use std::collections::BTreeSet;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use printpdf::ParsedFont;

/// A font holding only the glyphs of `chars` (and .notdef), with a Unicode cmap for them, so
/// that printpdf maps text to the renumbered glyphs and writes a matching `/ToUnicode`.
///
/// `full` is `bytes` already parsed: it tells which glyphs the characters need.
pub(crate) fn subset_font(
    bytes: &[u8],
    full: &ParsedFont,
    chars: &BTreeSet<char>,
) -> Result<ParsedFont, String> {
    // allsorts wants .notdef first and no duplicates; it appends composite glyphs' parts
    // (DejaVu builds many accented letters from a base letter and an accent) by itself.
    let glyphs: BTreeSet<u16> = chars
        .iter()
        .filter_map(|&c| full.lookup_glyph_index(u32::from(c)))
        .filter(|&gid| gid != 0)
        .collect();
    let glyphs: Vec<u16> = std::iter::once(0).chain(glyphs).collect();

    let data = ReadScope::new(bytes)
        .read::<FontData<'_>>()
        .map_err(|e| format!("cannot read the font: {e}"))?;
    let provider = data
        .table_provider(0)
        .map_err(|e| format!("cannot read the font's tables: {e}"))?;
    let subset_bytes = subset(&provider, &glyphs, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|e| format!("cannot subset the font: {e}"))?;

    let mut warnings = Vec::new();
    ParsedFont::from_bytes(&subset_bytes, 0, &mut warnings)
        .ok_or_else(|| format!("cannot parse the subset font: {warnings:?}"))
}
