//! Leetspeak folding: digits and symbols inside words that mix them with
//! letters read as letters (`1gn0r3` -> `ignore`), same length as the input.

/// The letter a leetspeak digit or symbol stands for; `one` is the reading of `1`.
#[inline]
const fn leet_letter(b: u8, one: u8) -> Option<u8> {
    Some(match b {
        b'0' => b'o',
        b'1' => one,
        b'3' => b'e',
        b'4' => b'a',
        b'5' => b's',
        b'6' => b'g',
        b'7' => b't',
        b'8' => b'b',
        b'9' => b'g',
        b'@' => b'a',
        b'$' => b's',
        b'!' => b'i',
        b'|' => b'l',
        b'+' => b't',
        _ => return None,
    })
}

#[inline]
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80 || leet_letter(b, b'i').is_some()
}

/// What leetspeak folding would change in a text.
#[derive(Debug, Default, Clone)]
pub(crate) struct LeetScan {
    /// The text passed the cheap pre-check ([`any_mixed_word`]), so its
    /// words were read; without it leetspeak folding changes nothing, and
    /// nothing in a text made of such texts with spaces between them.
    pub(crate) checked: bool,
    /// Such a word contains `1` (worth a second reading as `l`).
    pub(crate) has_one: bool,
    /// Byte positions the folding replaced, ascending.
    pub(crate) changed: Vec<usize>,
}

/// Folds leetspeak inside words that mix letters with digits or symbols, so
/// `1gn0r3` reads `ignore` while `2024` and `3.14` stay numbers. A lone leetspeak
/// character (`1`, `4`, `@`) is folded too when a mixed word is within two words
/// of it (`54y 1 h4v3` -> `say i have`). Returns `None` when nothing would
/// change. Same length as the input, so the map is shared.
pub(crate) fn leet(text: &str, one: u8, scan: Option<&mut LeetScan>) -> Option<String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Tok {
        Mixed,
        Lone,
        Other,
    }
    let bytes = text.as_bytes();
    let n = bytes.len();
    if !any_mixed_word(bytes) {
        if let Some(s) = scan {
            *s = LeetScan::default();
        }
        return None;
    }
    let mut toks: Vec<(usize, usize, Tok)> = Vec::new();
    let mut i = 0;
    while i < n {
        if !is_token_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && is_token_byte(bytes[i]) {
            i += 1;
        }
        // A trailing `!` is punctuation ("stop!"), not a letter.
        let mut end = i;
        while end > start + 1 && bytes[end - 1] == b'!' {
            end -= 1;
        }
        let word = &bytes[start..end];
        let has_letter = word.iter().any(|b| b.is_ascii_alphabetic() || *b >= 0x80);
        let has_leet = word
            .iter()
            .any(|&b| !b.is_ascii_alphabetic() && leet_letter(b, one).is_some());
        let kind = if has_letter && has_leet {
            Tok::Mixed
        } else if word.len() == 1 && has_leet {
            Tok::Lone
        } else {
            Tok::Other
        };
        toks.push((start, end, kind));
    }
    if !toks.iter().any(|t| t.2 == Tok::Mixed) {
        if let Some(s) = scan {
            *s = LeetScan {
                checked: true,
                ..LeetScan::default()
            };
        }
        return None;
    }
    let mut info = LeetScan {
        checked: true,
        ..LeetScan::default()
    };
    let mut buf = bytes.to_vec();
    for (k, &(start, end, kind)) in toks.iter().enumerate() {
        let fold = match kind {
            Tok::Mixed => true,
            Tok::Lone => toks[k.saturating_sub(2)..(k + 3).min(toks.len())]
                .iter()
                .any(|t| t.2 == Tok::Mixed),
            Tok::Other => false,
        };
        if !fold {
            continue;
        }
        info.has_one |= bytes[start..end].contains(&b'1');
        for (k, (dst, &src)) in buf[start..end]
            .iter_mut()
            .zip(&bytes[start..end])
            .enumerate()
        {
            if let Some(l) = leet_letter(src, one) {
                *dst = l;
                info.changed.push(start + k);
            }
        }
    }
    if let Some(s) = scan {
        *s = info;
    }
    Some(String::from_utf8(buf).expect("invariant: only ASCII bytes were replaced by ASCII"))
}

/// [`any_mixed_word`]'s byte classes: a letter (ASCII, or any byte of a
/// non-ASCII character), a leetspeak character other than `!`, `!`, anything
/// else (a word break).
const MIX_LETTER: u8 = 0;
const MIX_LEET: u8 = 1;
const MIX_BANG: u8 = 2;
const MIX_BREAK: u8 = 3;

static MIX_CLASS: [u8; 256] = {
    let mut t = [MIX_BREAK; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() || c >= 0x80 {
            MIX_LETTER
        } else if c == b'!' {
            MIX_BANG
        } else if leet_letter(c, b'i').is_some() {
            MIX_LEET
        } else {
            MIX_BREAK
        };
        b += 1;
    }
    t
};

/// The states of [`any_mixed_word`]: bit 0, the current word has a letter;
/// bit 1, it has a leetspeak character. Both bits set is final (the word
/// mixes them, whatever follows), so it is where the scan stops.
static MIX_NEXT: [[u8; 4]; 3] = [
    // letter, leet, `!`, break
    [1, 2, 0, 0], // nothing yet
    [1, 3, 3, 0], // a letter (a `!` after a letter counts as leetspeak)
    [3, 2, 2, 0], // a leetspeak character
];

/// Allocation-free pre-check: does any word mix letters with leetspeak
/// characters? (Most text has none, and then no leet view is built.) A word
/// runs between bytes that are neither letters nor leetspeak characters; a
/// `!` only counts after a letter of its word (a trailing one is checked
/// precisely later). One table lookup per byte.
pub(super) fn any_mixed_word(bytes: &[u8]) -> bool {
    let mut state = 0u8;
    for &b in bytes {
        state = MIX_NEXT[usize::from(state)][usize::from(MIX_CLASS[usize::from(b)])];
        if state == 3 {
            return true;
        }
    }
    false
}
