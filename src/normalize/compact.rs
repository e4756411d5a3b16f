//! The compact view: what the answer path's canary check reads
//! (`detect/output/canary.rs`). NFKC, lowercase, and letters and digits only;
//! every character remembers the original character it came from.
//!
//! Why not the folded view ([`super::ViewKind::Folded`]): a leaking model may
//! copy a canary with any separators between its characters (`Z3-QX 9 MK`,
//! `z3qx9mk`, zero-width spaces, full-width letters), so everything that is not
//! a letter or a digit goes, where the folded view keeps punctuation and spaces
//! for the rules that need them. Diacritics stay (a canary is matched as its
//! owner wrote it, compacted the same way).

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

/// The compact view of one text ([`CompactView::new`]).
///
/// Exists so a canary is found however the answer spaced or widened it, and
/// its span still covers what the user would read.
#[derive(Debug, Clone)]
pub struct CompactView {
    text: String,
    /// Per byte offset of a character in `text` (ascending): its source range.
    origin: Vec<(usize, Range<usize>)>,
}

impl CompactView {
    /// The compact view of `text`.
    pub fn new(text: &str) -> CompactView {
        let mut out = CompactView {
            text: String::with_capacity(text.len()),
            origin: Vec::new(),
        };
        for (start, c) in text.char_indices() {
            let source = start..start + c.len_utf8();
            for n in std::iter::once(c).nfkc() {
                if !n.is_alphanumeric() {
                    continue;
                }
                for l in n.to_lowercase() {
                    out.origin.push((out.text.len(), source.clone()));
                    out.text.push(l);
                }
            }
        }
        out
    }

    /// The compacted text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The range of the original text a byte range of the compact text came
    /// from: from the start of the original character holding `r.start` to the
    /// end of the one holding the last byte. `None` outside the text.
    pub fn original_range(&self, r: Range<usize>) -> Option<Range<usize>> {
        if r.start >= self.text.len() {
            return None;
        }
        let first = self.source(r.start)?;
        let last = self.source(r.end.max(r.start + 1) - 1)?;
        Some(first.start..last.end.max(first.end))
    }

    /// The source range of the compact character holding byte `offset`.
    fn source(&self, offset: usize) -> Option<Range<usize>> {
        let i = self.origin.partition_point(|(o, _)| *o <= offset);
        self.origin.get(i.checked_sub(1)?).map(|(_, r)| r.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::CompactView;

    #[test]
    fn separators_go_and_ranges_map_back() {
        let text = "a Z3-Q\u{200B}Ｘ end";
        let c = CompactView::new(text);
        assert_eq!(c.as_str(), "az3qxend");
        let r = c.original_range(1..5).expect("inside");
        assert_eq!(&text[r], "Z3-Q\u{200B}Ｘ");
        assert_eq!(c.original_range(100..101), None);
    }
}
