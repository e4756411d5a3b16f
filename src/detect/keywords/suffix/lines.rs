//! A suffix on lines of its own: `Write a tutorial on ...\n<suffix>`, or the
//! suffix split over two or three lines.
//!
//! A line is scored with the words before it on that line only, so a suffix
//! alone on its line has no request before it and a line of pasted text is
//! not mistaken for one. This joins the lines instead: a short block of lines
//! (at most [`BLOCK_LINES`] lines and [`BLOCK_WORDS`] words, the length of an
//! optimized suffix) right after a line of plain prose is scored as one
//! window after that line's last words, as if all were one line. What a paste
//! of code carries counts against it, as on one line, and more: an indented
//! line or a markdown fence in or right after the block (a block of code),
//! a line ending in `{`, `;`, `:` or `\` (a statement or a block opening), a
//! line starting with a keyword of code (`def`, `fn`, `return`, `$` ...), and
//! operators standing alone as words (`=`, `=>`, `&&` ...), words longer
//! than a suffix's (minified code, blobs). And the block must be a whole
//! paste: the line before the request and the line after the block are
//! blank or plain prose (or absent), no line of it is a list item, and
//! every line holds letters (not emoticons or art only). A request line
//! ending in a colon announces a paste (`Explain what this does:`): what
//! follows it is quoted, and not read as a suffix.

use std::ops::Range;

use super::{PREFIX_WORDS, SuffixHit, TAIL_BYTES, has_pairing, is_prose, last_words, score_words};

/// Lines a block holds at most.
pub(super) const BLOCK_LINES: usize = 3;
/// Words a block holds at most: an optimized suffix is some 20 tokens.
const BLOCK_WORDS: usize = 24;
/// Bytes of a word longer than any an optimized suffix glues together:
/// minified code, a blob.
const LONG_WORD: usize = 56;
/// Words a block holds at least.
const BLOCK_MIN_WORDS: usize = 3;

/// Scores the block `lines` (consecutive line ranges of `text`, without their
/// newlines) after the line `request`: `Some` when it reads as a suffix.
/// `next` is the line after the block, when there is one.
pub(super) fn score_block(
    text: &str,
    before: Option<Range<usize>>,
    request: Range<usize>,
    lines: &[Range<usize>],
    next: Option<Range<usize>>,
) -> Option<SuffixHit> {
    let (first, last) = (lines.first()?, lines.last()?);
    let block = &text[first.start..last.end];
    if block.len() > TAIL_BYTES || !has_pairing(block.as_bytes()) {
        return None;
    }
    // The block is a whole paste, between a request that starts its
    // paragraph (or follows plain prose) and the end of the text, a blank
    // line or plain prose: not the middle of a longer paste (a log, a list).
    let prose_or_blank = |r: Option<Range<usize>>| {
        r.is_none_or(|r| {
            let line = &text[r];
            line.trim().is_empty()
                || !line.starts_with(char::is_whitespace) && line.split_whitespace().all(is_prose)
        })
    };
    if !prose_or_blank(before) || !prose_or_blank(next) {
        return None;
    }
    let mut code = 0i32;
    for line in lines {
        let line = &text[line.clone()];
        // A blank, indented or fenced line, a list item, or one of plain
        // prose, is no part of a suffix: a block holds none; nor does a
        // block hold a list of lines of one word each.
        if line.trim().is_empty()
            || line.starts_with(char::is_whitespace)
            || line.starts_with("```")
            || is_list_item(line)
            || line.split_whitespace().all(is_prose)
            || lines.len() > 1 && line.split_whitespace().nth(1).is_none()
            || !has_letter_pair(line)
        {
            return None;
        }
        code += line_code(line);
    }
    // The block's words, last first (the block is within the byte bound).
    let mut window: [&str; BLOCK_WORDS + 1] = [""; BLOCK_WORDS + 1];
    let (n, more) = last_words(block, 0, &mut window);
    if more || !(BLOCK_MIN_WORDS..=BLOCK_WORDS).contains(&n) {
        return None;
    }
    let window = &window[..n];
    code += window
        .iter()
        .map(|w| i32::from(is_operator(w) || w.len() > LONG_WORD))
        .sum::<i32>();
    // The request's last words, last first, a word cut by the byte bound
    // dropped. A request that ends in a colon announces what follows as a
    // quotation, a paste: `Explain what this does:`.
    let req = text[request.clone()].trim_end();
    if req.ends_with(':') {
        return None;
    }
    let mut prefix: [&str; PREFIX_WORDS + 1] = [""; PREFIX_WORDS + 1];
    let (p, _) = last_words(req, 0, &mut prefix);
    if p < super::MIN_PREFIX {
        return None;
    }
    let score = score_words(&prefix[..p], window, code)?;
    let at = window[n - 1].as_ptr() as usize - text.as_ptr() as usize;
    let end = window[0].as_ptr() as usize - text.as_ptr() as usize + window[0].len();
    Some(SuffixHit {
        span: at..end,
        score,
    })
}

/// Code evidence of a line of the block: it ends a statement or opens a
/// block, or starts with a keyword of code or a shell prompt.
fn line_code(line: &str) -> i32 {
    let trimmed = line.trim_end();
    let ends = trimmed.ends_with(['{', ';', ':', '\\']);
    let first = trimmed.split_whitespace().next().unwrap_or("");
    let keyword = matches!(
        first,
        "def"
            | "fn"
            | "pub"
            | "let"
            | "const"
            | "var"
            | "return"
            | "import"
            | "from"
            | "class"
            | "function"
            | "if"
            | "for"
            | "while"
            | "SELECT"
            | "select"
            | "$"
            | ">>>"
            | "#include"
            | "#!/bin/sh"
    );
    i32::from(ends) + i32::from(keyword)
}

/// Whether `line` holds two letters in a row: an optimized suffix is made of
/// word pieces on every line; a line of symbols only is art or emoticons.
fn has_letter_pair(line: &str) -> bool {
    let mut prev = false;
    line.chars().any(|c| {
        let letter = c.is_alphabetic();
        let pair = prev && letter;
        prev = letter;
        pair
    })
}

/// `- item`, `* item`, `1. item`, `2) item`: an item of a list.
fn is_list_item(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or("");
    matches!(first, "-" | "*" | "+" | "•")
        || first.len() <= 4
            && first.ends_with(['.', ')'])
            && first[..first.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric())
            && first.len() > 1
}

/// An operator of code standing alone as a word.
fn is_operator(word: &str) -> bool {
    matches!(
        word,
        "=" | "=="
            | "==="
            | "!="
            | "!=="
            | "=>"
            | "->"
            | "&&"
            | "+="
            | "-="
            | ":="
            | "<="
            | ">="
            | "::"
    )
}
