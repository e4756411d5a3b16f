//! Offset maps: where each byte of a view came from in the original text.
//!
//! A map is a sorted list of pieces. A *linear* piece says "these output bytes are
//! the original bytes at the same relative positions" (ASCII lowercasing, a newline
//! turned into a space, a same-length character swap). An *atomic* piece says
//! "these output bytes, as a whole, came from this original range" (a full-width
//! letter folded to ASCII, `ß` folded to `ss`, a decoded base64 payload). Deleted
//! characters (zero-width, collapsed spaces) simply fall between pieces.
//!
//! The representation costs one piece per change of alignment, not one entry per
//! byte, so the ASCII fast path builds a map with a handful of pushes.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    /// First output byte of the piece.
    out: usize,
    /// First original byte.
    orig: usize,
    /// One past the last original byte.
    orig_end: usize,
    /// Output and original advance together byte for byte.
    linear: bool,
}

/// Maps byte ranges of a view back to byte ranges of the original text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct OffsetMap {
    pieces: Vec<Piece>,
    out_len: usize,
    /// Some piece starts before its predecessor in the original (reversed view).
    backwards: bool,
}

impl OffsetMap {
    /// A map where the whole output came from one original range (decoded payloads).
    pub(crate) fn whole(out_len: usize, orig: Range<usize>) -> OffsetMap {
        let mut b = MapBuilder::with_capacity(1);
        b.atomic(orig, out_len);
        b.finish()
    }

    /// Maps a byte range of the view to the original range it came from.
    ///
    /// Ranges on char boundaries of the view map to char boundaries of the
    /// original: linear pieces only ever join bytes of equal-length characters.
    /// An empty range maps to an empty range at the mapped position.
    pub(crate) fn original_range(&self, r: Range<usize>) -> Range<usize> {
        if self.pieces.is_empty() {
            return 0..0;
        }
        let start = r.start.min(self.out_len);
        let end = r.end.clamp(start, self.out_len);
        let first = self.piece_at(start.min(self.out_len.saturating_sub(1)));
        let ostart = if first.linear {
            (first.orig + (start.saturating_sub(first.out))).min(first.orig_end)
        } else {
            first.orig
        };
        if end == start {
            return ostart..ostart;
        }
        let last = self.piece_at(end - 1);
        let oend = if last.linear {
            (last.orig + (end - last.out)).min(last.orig_end)
        } else {
            last.orig_end
        };
        // Maps that walk the original backwards (the reversed view) put the
        // earliest original byte in the last piece: cover both ends either way.
        if self.backwards {
            return ostart.min(last.orig)..oend.max(first.orig_end);
        }
        ostart..oend.max(ostart)
    }

    fn piece_at(&self, pos: usize) -> Piece {
        let idx = self.pieces.partition_point(|p| p.out <= pos);
        // Invariant: the first piece starts at output 0, so idx >= 1 whenever pieces exist.
        self.pieces[idx.saturating_sub(1)]
    }
}

/// Builds an [`OffsetMap`] while a transformation writes its output.
#[derive(Debug, Default)]
pub(crate) struct MapBuilder {
    pieces: Vec<Piece>,
    out_len: usize,
    backwards: bool,
}

impl MapBuilder {
    pub(crate) fn with_capacity(n: usize) -> MapBuilder {
        MapBuilder {
            pieces: Vec::with_capacity(n),
            out_len: 0,
            backwards: false,
        }
    }

    /// Records `len` output bytes that correspond byte for byte to `orig..orig+len`.
    #[inline]
    pub(crate) fn linear(&mut self, orig: usize, len: usize) {
        if len == 0 {
            return;
        }
        if let Some(last) = self.pieces.last_mut()
            && last.linear
            && last.orig_end == orig
        {
            last.orig_end += len;
            self.out_len += len;
            return;
        }
        self.pieces.push(Piece {
            out: self.out_len,
            orig,
            orig_end: orig + len,
            linear: true,
        });
        self.out_len += len;
    }

    /// Records `out_len` output bytes that came, as a whole, from `orig`.
    #[inline]
    pub(crate) fn atomic(&mut self, orig: Range<usize>, out_len: usize) {
        if out_len == 0 {
            return;
        }
        if self.pieces.last().is_some_and(|p| p.orig > orig.start) {
            self.backwards = true;
        }
        self.pieces.push(Piece {
            out: self.out_len,
            orig: orig.start,
            orig_end: orig.end,
            linear: false,
        });
        self.out_len += out_len;
    }

    /// Records every piece of `map` with its original offsets moved by
    /// `shift`: the calls that built `map` over a text, replayed for the same
    /// text starting `shift` bytes into a longer one (pieces merge exactly as
    /// those calls would have merged them there).
    pub(crate) fn append_shifted(&mut self, map: &OffsetMap, shift: usize) {
        for (k, p) in map.pieces.iter().enumerate() {
            let out_end = map.pieces.get(k + 1).map_or(map.out_len, |next| next.out);
            if p.linear {
                self.linear(p.orig + shift, p.orig_end - p.orig);
            } else {
                self.atomic(p.orig + shift..p.orig_end + shift, out_end - p.out);
            }
        }
    }

    /// Records the pieces of `map` that cover its output bytes `r`, cut to
    /// them: the calls that would build a map of that slice of the view
    /// (a view with some of its bytes left out is built from the slices it
    /// keeps). A slice of an atomic piece stays atomic, mapping to the whole
    /// original range.
    pub(crate) fn append_range(&mut self, map: &OffsetMap, r: Range<usize>) {
        let end = r.end.min(map.out_len);
        if r.start >= end {
            return;
        }
        let first = map
            .pieces
            .partition_point(|p| p.out <= r.start)
            .saturating_sub(1);
        for (k, p) in map.pieces.iter().enumerate().skip(first) {
            if p.out >= end {
                break;
            }
            let out_end = map.pieces.get(k + 1).map_or(map.out_len, |next| next.out);
            let (from, to) = (p.out.max(r.start), out_end.min(end));
            if from >= to {
                continue;
            }
            if p.linear {
                self.linear(p.orig + (from - p.out), to - from);
            } else {
                self.atomic(p.orig..p.orig_end, to - from);
            }
        }
    }

    pub(crate) fn finish(self) -> OffsetMap {
        OffsetMap {
            pieces: self.pieces,
            out_len: self.out_len,
            backwards: self.backwards,
        }
    }
}
