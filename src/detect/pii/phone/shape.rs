//! What a digit run looks like, apart from its context: NANP digits, dates, decimals,
//! placeholders, lottery draws, calling codes run together with a number and a `00`
//! prefix written apart. The phone
//! rules (`super::phone`) and the list checks (`super::context`) read these.

use super::super::scan::Run;
use super::numbering;

/// Whether `d` is a ten-digit NANP number (area code and exchange from 2 to 9).
pub(super) fn nanp_valid(d: &[u8]) -> bool {
    d.len() == 10 && (b'2'..=b'9').contains(&d[0]) && (b'2'..=b'9').contains(&d[3])
}

/// Whether the run is one group of eleven to thirteen digits, no trunk 0, that reads
/// as a calling code and a number fully valid in that country ("573125859807").
pub(super) fn code_prefixed(run: &Run) -> bool {
    let d = run.digits();
    run.ngroups == 1
        && d[0] != b'0'
        && (11..=13).contains(&d.len())
        && numbering::international_strictly_valid(d)
}

/// One dot and no trunk 0: a decimal ("3.14159265"), not a dotted phone.
pub(super) fn dotted_decimal(run: &Run) -> bool {
    run.has_sep(b'.') && run.ngroups < 3 && run.digits()[0] != b'0'
}

/// Whether `run` is a date ("2024-03-12", "12/03/2024", "12.03.2024"): a year of four
/// digits and a month and day in range, one separator throughout. A label or a phone
/// word before it ("Office: 2024-03-12 closed") does not make it a number to call.
pub(super) fn date_shaped(run: &Run) -> bool {
    let d = run.digits();
    let num = |a: usize, b: usize| {
        d[a..b]
            .iter()
            .fold(0u32, |n, &c| n * 10 + u32::from(c - b'0'))
    };
    if date_time_spaced(run) {
        return true;
    }
    let (year, month, day) = if run.shape_is(&[4, 2, 2]) {
        (num(0, 4), num(4, 6), num(6, 8))
    } else if run.shape_is(&[2, 2, 4]) {
        // Day first or month first: either way both are in range.
        let (a, b) = (num(0, 2), num(2, 4));
        (num(4, 8), a.min(b), a.max(b))
    } else {
        return false;
    };
    run.uniform_sep(b"-./")
        && (1900..=2100).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
}

/// Whether `run` is a date and a time written with spaces, as exports print them
/// ("06 06 2024 11 02", "2024 03 12 18 42 11"): day, month and a four-digit year (or
/// the year first), then an hour and minutes (seconds too), every value in range.
fn date_time_spaced(run: &Run) -> bool {
    if !(5..=6).contains(&run.ngroups) || !run.uniform_sep(b" ") {
        return false;
    }
    let d = run.digits();
    let num = |a: usize, b: usize| {
        d[a..b]
            .iter()
            .fold(0u32, |n, &c| n * 10 + u32::from(c - b'0'))
    };
    let (year, month, day, time) = if run.lens().take(3).eq([2, 2, 4]) {
        let (a, b) = (num(0, 2), num(2, 4));
        (num(4, 8), a.min(b), a.max(b), 8)
    } else if run.lens().take(3).eq([4, 2, 2]) {
        (num(0, 4), num(4, 6), num(6, 8), 8)
    } else {
        return false;
    };
    let clock = run.lens().skip(3).all(|l| l == 2)
        && num(time, time + 2) <= 23
        && d[time + 2..]
            .chunks(2)
            .all(|p| p.first().is_some_and(|&c| c <= b'5'));
    clock && (1900..=2100).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Whether `d` is a placeholder ("(123) 456-7891", "000 000 000"): one digit repeated,
/// or seven or more consecutive ascending digits.
pub(super) fn placeholder(d: &[u8]) -> bool {
    let ascending = d
        .windows(2)
        .fold((1usize, 1usize), |(run, best), w| {
            let run = if w[1] == w[0] + 1 { run + 1 } else { 1 };
            (run, best.max(run))
        })
        .1;
    d.iter().all(|&c| c == d[0]) || ascending >= 7
}

/// Whether a run is a lottery draw ("04 16 27 37 41"): five groups or more of two
/// digits in strictly rising order, none over 69 (the largest ball of the common
/// games), as draws are printed; a phone's pairs seldom are ("06 12 34 56 78" ends
/// over 69).
pub(super) fn draw_shaped(run: &Run) -> bool {
    let d = run.digits();
    run.ngroups >= 5
        && run.lens().all(|l| l == 2)
        && d.chunks(2).all(|p| p <= &b"69"[..])
        && d.chunks(2).zip(d.chunks(2).skip(1)).all(|(a, b)| a < b)
}

/// Whether the run opens with `00` alone and a space, then the calling code in its own
/// group ("00 972 4 871 2765", "00 31 20 794 6095"): the international prefix written
/// apart, as in "+ 31". The rest must still be a valid international number.
pub(super) fn spaced_prefix(run: &Run) -> bool {
    run.ngroups >= 3 && run.groups[0].1 == 2 && run.seps[0] == b' ' && run.groups[1].1 <= 3
}

/// Whether the run is written as a phone after a name: a `+`, a trunk 0 and an area
/// code of two digits or more, nine digits or more in all ("0612 845 397"), or one
/// group of nine to eleven digits (plans without a trunk 0: "912845397"). Postcodes
/// and years, ISBN groups and short codes after a title ("Rue Lafayette, 75009 0123",
/// "Harry Potter, 0 7475 …") are not.
pub(super) fn name_shaped(run: &Run, plus: bool) -> bool {
    let d = run.digits();
    let trunk = d[0] == b'0' && d[1] != b'0' && d.len() >= 9 && run.groups[0].1 >= 2;
    plus || trunk || (run.ngroups == 1 && (9..=11).contains(&d.len()))
}
