//! The WordPiece vocabulary as a byte trie, for greedy longest-match-first lookups in
//! one pass over the word.
//!
//! `tokenizers` finds a word's next piece by trying the longest candidate substring
//! first and shrinking it one character at a time, a hash lookup per candidate. On words
//! the vocabulary does not hold whole (most words of other languages, German compounds,
//! Cyrillic), that is a dozen lookups per piece, each hashing its candidate again. Walking
//! the trie from the piece's start gives every vocabulary entry that is a prefix of the
//! rest of the word in one pass, and stops as soon as no entry continues: the longest
//! one is the crate's piece. Entries are valid UTF-8, so a match always ends on a
//! character boundary of the word, as the crate's candidates do.
//!
//! Edges live in one open-addressing table keyed by `(node, byte)`: one multiply and,
//! at the table's load factor, about one probe per byte of the word.

/// Two tries over one edge table: the entries a word starts with ([`PieceTrie::WORDS`])
/// and the continuation entries without their prefix (`##x` as `x`, [`PieceTrie::CONT`]).
#[derive(Debug)]
pub(crate) struct PieceTrie {
    /// Vocabulary id of the entry ending at each node ([`NO_ID`]: none).
    ids: Vec<u32>,
    /// Edge keys (`node << 8 | byte`, [`EMPTY`] for a free slot).
    keys: Vec<u32>,
    /// The child node of each edge.
    children: Vec<u32>,
    /// `keys.len() - 1`; the table's length is a power of two.
    mask: usize,
    /// `32 - log2(keys.len())`: the high bits of the key's product index the table.
    shift: u32,
}

/// No vocabulary entry ends at the node.
const NO_ID: u32 = u32::MAX;
/// A free slot of the edge table (no node id reaches `2^24`, so no key is this).
const EMPTY: u32 = u32::MAX;
/// Nodes are numbered below this, so that `node << 8 | byte` fits in a `u32` key.
const MAX_NODES: usize = 1 << 24;

impl PieceTrie {
    /// Root of the trie of the entries a word starts with.
    pub(crate) const WORDS: u32 = 0;
    /// Root of the trie of continuation entries (their `##` prefix removed).
    pub(crate) const CONT: u32 = 1;

    /// The tries of `words` (whole entries) and `cont` (continuation entries without
    /// their prefix), each `(piece, id)`; `None` when they have more bytes than node ids
    /// can number (no real vocabulary comes near).
    pub(crate) fn new<'a>(
        words: impl Iterator<Item = (&'a str, u32)> + Clone,
        cont: impl Iterator<Item = (&'a str, u32)> + Clone,
    ) -> Option<PieceTrie> {
        let bytes: usize = words
            .clone()
            .chain(cont.clone())
            .map(|(piece, _)| piece.len())
            .sum();
        let nodes = bytes.checked_add(2)?;
        if nodes > MAX_NODES || words.clone().chain(cont.clone()).any(|(_, id)| id == NO_ID) {
            return None;
        }
        // At most `bytes` edges, at a load factor of at most one half.
        let slots = (2 * bytes).next_power_of_two().max(2);
        let mut trie = PieceTrie {
            ids: vec![NO_ID, NO_ID],
            keys: vec![EMPTY; slots],
            children: vec![0; slots],
            mask: slots - 1,
            shift: 32 - slots.trailing_zeros(),
        };
        for (piece, id) in words {
            trie.insert(Self::WORDS, piece.as_bytes(), id);
        }
        for (piece, id) in cont {
            trie.insert(Self::CONT, piece.as_bytes(), id);
        }
        Some(trie)
    }

    /// Adds `piece` under `root`. The caller has sized the table for every byte.
    fn insert(&mut self, root: u32, piece: &[u8], id: u32) {
        let mut node = root;
        for &b in piece {
            let key = node << 8 | u32::from(b);
            let mut slot = self.slot_of(key);
            loop {
                if self.keys[slot] == key {
                    node = self.children[slot];
                    break;
                }
                if self.keys[slot] == EMPTY {
                    // Fewer than MAX_NODES nodes (checked in `new`): the id fits.
                    let child = self.ids.len() as u32;
                    self.ids.push(NO_ID);
                    self.keys[slot] = key;
                    self.children[slot] = child;
                    node = child;
                    break;
                }
                slot = (slot + 1) & self.mask;
            }
        }
        // Duplicate pieces cannot occur in a vocabulary map; the last one would win.
        self.ids[node as usize] = id;
    }

    #[inline(always)]
    fn slot_of(&self, key: u32) -> usize {
        (key.wrapping_mul(0x9E37_79B1) >> self.shift) as usize & self.mask
    }

    /// The child of `node` along byte `b`.
    #[inline(always)]
    fn child(&self, node: u32, b: u8) -> Option<u32> {
        let key = node << 8 | u32::from(b);
        let mut slot = self.slot_of(key);
        loop {
            let k = self.keys[slot];
            if k == key {
                return Some(self.children[slot]);
            }
            if k == EMPTY {
                return None;
            }
            slot = (slot + 1) & self.mask;
        }
    }

    /// The longest entry of the trie at `root` that `word` starts with: its id and its
    /// length in bytes.
    #[inline]
    pub(crate) fn longest(&self, root: u32, word: &[u8]) -> Option<(u32, usize)> {
        let mut node = root;
        let mut best = None;
        for (len, &b) in (1..).zip(word) {
            let Some(child) = self.child(node, b) else {
                break;
            };
            node = child;
            match self.ids.get(node as usize) {
                Some(&id) if id != NO_ID => best = Some((id, len)),
                _ => {}
            }
        }
        best
    }
}
