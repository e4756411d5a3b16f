//! A run of digit groups: the unit every numeric validator and the phone rules read.

pub(super) const MAX_GROUPS: usize = 24;
pub(in crate::detect::pii) const MAX_DIGITS: usize = 40;

/// A run of digit groups joined by short separators, e.g. `4111 1111-1111.1111`,
/// `(455)866-8396` or `+49 (0) 9366 903868` (the `+`/`(` before it is not in the run).
pub(in crate::detect::pii) struct Run {
    pub(in crate::detect::pii) start: usize,
    pub(in crate::detect::pii) end: usize,
    pub(in crate::detect::pii) groups: [(usize, u8); MAX_GROUPS],
    /// Separator between group k and k+1: a single byte for ' ', '-' and '.', or
    /// `b'p'` when it contains a parenthesis, `b'/'` for an area-code slash.
    pub(in crate::detect::pii) seps: [u8; MAX_GROUPS],
    pub(in crate::detect::pii) ngroups: usize,
    pub(in crate::detect::pii) digits: [u8; MAX_DIGITS],
    pub(in crate::detect::pii) ndigits: usize,
    pub(in crate::detect::pii) overflow: bool,
}

impl Run {
    pub(in crate::detect::pii) fn parse(b: &[u8], start: usize) -> Run {
        Run::parse_with(b, start, false)
    }

    /// [`Run::parse`], with a dash between single spaces (" - ") also joining two groups
    /// ("070 - 6979 - 6973", as some write phones), recorded as `-`. Ranges, hours and
    /// scores are written so too ("10 - 12", "9 - 17"): the caller decides whether the
    /// joined run is a number (see `phone::dash_joined`).
    pub(in crate::detect::pii) fn parse_dashed(b: &[u8], start: usize) -> Run {
        Run::parse_full(b, start, false, true)
    }

    /// [`Run::parse`], with `slash` letting one `/` (or `/ `, or `)/`) end the first or
    /// second group: the area-code slash of German, Austrian, Belgian ("02866/81785056")
    /// and Hungarian ("06-30/123-4567") phone numbers.
    pub(super) fn parse_with(b: &[u8], start: usize, slash: bool) -> Run {
        Run::parse_full(b, start, slash, false)
    }

    fn parse_full(b: &[u8], start: usize, slash: bool, dashes: bool) -> Run {
        let mut run = Run {
            start,
            end: start,
            groups: [(0, 0); MAX_GROUPS],
            seps: [0; MAX_GROUPS],
            ngroups: 0,
            digits: [0; MAX_DIGITS],
            ndigits: 0,
            overflow: false,
        };
        let n = b.len();
        let mut i = start;
        let mut slashed = false;
        loop {
            let gs = i;
            while i < n && b[i].is_ascii_digit() {
                if run.ndigits < MAX_DIGITS {
                    run.digits[run.ndigits] = b[i];
                    run.ndigits += 1;
                } else {
                    run.overflow = true;
                }
                i += 1;
            }
            if run.ngroups < MAX_GROUPS {
                run.groups[run.ngroups] = (gs, (i - gs).min(255) as u8);
                run.ngroups += 1;
            } else {
                run.overflow = true;
            }
            run.end = i;
            let mut j = i;
            let paren = usize::from(b.get(i) == Some(&b')'));
            let area_slash =
                slash && !slashed && run.ngroups <= 2 && b.get(i + paren) == Some(&b'/');
            if area_slash {
                j += paren + 1 + usize::from(b.get(i + paren + 1) == Some(&b' '));
            }
            while !area_slash
                && j < n
                && j - i < 3
                && matches!(b[j], b' ' | b'-' | b'.' | b'(' | b')')
            {
                j += 1;
            }
            if j == i || j >= n || !b[j].is_ascii_digit() {
                break;
            }
            if area_slash {
                run.seps[run.ngroups - 1] = b'/';
                slashed = true;
                i = j;
                continue;
            }
            let sep = &b[i..j];
            let plain = sep
                .iter()
                .filter(|c| matches!(c, b' ' | b'-' | b'.'))
                .count();
            let parens = sep.len() - plain;
            let spaced_dash = dashes && sep == b" - ";
            if !spaced_dash && (plain > 1 || (parens == 0 && sep.len() > 1)) {
                break;
            }
            // "567-945-1812 (9am-5pm)": a bracketed group glued to a word is a note
            // after the number, not a group of it.
            if parens > 0 {
                let mut k = j;
                while k < n && b[k].is_ascii_digit() {
                    k += 1;
                }
                if b.get(k)
                    .is_some_and(|c| c.is_ascii_alphabetic() && *c != b'x')
                {
                    break;
                }
            }
            if run.ngroups <= MAX_GROUPS && run.ngroups > 0 {
                let k = run.ngroups - 1;
                if k < MAX_GROUPS {
                    run.seps[k] = if parens > 0 {
                        b'p'
                    } else if spaced_dash {
                        b'-'
                    } else {
                        sep[0]
                    };
                }
            }
            i = j;
        }
        run
    }

    pub(in crate::detect::pii) fn digits(&self) -> &[u8] {
        &self.digits[..self.ndigits]
    }

    pub(in crate::detect::pii) fn lens(&self) -> impl Iterator<Item = u8> + '_ {
        self.groups[..self.ngroups].iter().map(|g| g.1)
    }

    pub(in crate::detect::pii) fn shape_is(&self, lens: &[u8]) -> bool {
        self.ngroups == lens.len() && self.lens().zip(lens).all(|(a, &b)| a == b)
    }

    pub(in crate::detect::pii) fn seps(&self) -> &[u8] {
        &self.seps[..self.ngroups.saturating_sub(1)]
    }

    pub(in crate::detect::pii) fn uniform_sep(&self, allowed: &[u8]) -> bool {
        let seps = self.seps();
        seps.first().is_some_and(|s| allowed.contains(s)) && seps.iter().all(|s| *s == seps[0])
    }

    pub(in crate::detect::pii) fn has_sep(&self, c: u8) -> bool {
        self.seps().contains(&c)
    }
}
