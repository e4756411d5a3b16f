//! Pure validators: checksums, ranges and tables. Each takes ASCII digits or
//! characters already isolated by the scanner and answers whether the value is real.

use sha2::{Digest, Sha256};

/// Luhn mod-10 over ASCII digits.
pub(super) fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// The card brand for a number, when its IIN range admits its length.
pub(super) fn card_brand(d: &[u8]) -> Option<&'static str> {
    let len = d.len();
    let prefix = |n: usize| -> u32 {
        d[..n.min(len)]
            .iter()
            .fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'))
    };
    let p1 = prefix(1);
    let p2 = prefix(2);
    let p3 = prefix(3);
    let p4 = prefix(4);
    let p6 = prefix(6);
    if p1 == 4 && matches!(len, 13 | 16 | 19) {
        return Some("visa");
    }
    if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16 {
        return Some("mastercard");
    }
    if (p2 == 34 || p2 == 37) && len == 15 {
        return Some("amex");
    }
    if (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622126..=622925).contains(&p6))
        && (16..=19).contains(&len)
    {
        return Some("discover");
    }
    if (3528..=3589).contains(&p4) && (16..=19).contains(&len) {
        return Some("jcb");
    }
    if ((300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39) && (14..=19).contains(&len) {
        return Some("diners");
    }
    if p2 == 62 && (16..=19).contains(&len) {
        return Some("unionpay");
    }
    if (2200..=2204).contains(&p4) && (16..=19).contains(&len) {
        return Some("mir");
    }
    if matches!(
        p4,
        5018 | 5020 | 5038 | 5893 | 6304 | 6759 | 6761 | 6762 | 6763
    ) && (13..=19).contains(&len)
    {
        return Some("maestro");
    }
    None
}

/// IBAN length per country (ISO 13616 registry).
fn iban_length(cc: &[u8]) -> Option<usize> {
    const TABLE: &[(&[u8; 2], usize)] = &[
        (b"AD", 24),
        (b"AE", 23),
        (b"AL", 28),
        (b"AT", 20),
        (b"AZ", 28),
        (b"BA", 20),
        (b"BE", 16),
        (b"BG", 22),
        (b"BH", 22),
        (b"BI", 27),
        (b"BR", 29),
        (b"BY", 28),
        (b"CH", 21),
        (b"CR", 22),
        (b"CY", 28),
        (b"CZ", 24),
        (b"DE", 22),
        (b"DJ", 27),
        (b"DK", 18),
        (b"DO", 28),
        (b"EE", 20),
        (b"EG", 29),
        (b"ES", 24),
        (b"FI", 18),
        (b"FK", 18),
        (b"FO", 18),
        (b"FR", 27),
        (b"GB", 22),
        (b"GE", 22),
        (b"GI", 23),
        (b"GL", 18),
        (b"GR", 27),
        (b"GT", 28),
        (b"HR", 21),
        (b"HU", 28),
        (b"IE", 22),
        (b"IL", 23),
        (b"IQ", 23),
        (b"IS", 26),
        (b"IT", 27),
        (b"JO", 30),
        (b"KW", 30),
        (b"KZ", 20),
        (b"LB", 28),
        (b"LC", 32),
        (b"LI", 21),
        (b"LT", 20),
        (b"LU", 20),
        (b"LV", 21),
        (b"LY", 25),
        (b"MC", 27),
        (b"MD", 24),
        (b"ME", 22),
        (b"MK", 19),
        (b"MN", 20),
        (b"MR", 27),
        (b"MT", 31),
        (b"MU", 30),
        (b"NI", 28),
        (b"NL", 18),
        (b"NO", 15),
        (b"OM", 23),
        (b"PK", 24),
        (b"PL", 28),
        (b"PS", 29),
        (b"PT", 25),
        (b"QA", 29),
        (b"RO", 24),
        (b"RS", 22),
        (b"RU", 33),
        (b"SA", 24),
        (b"SC", 31),
        (b"SD", 18),
        (b"SE", 24),
        (b"SI", 19),
        (b"SK", 24),
        (b"SM", 27),
        (b"SO", 23),
        (b"ST", 25),
        (b"SV", 28),
        (b"TL", 23),
        (b"TN", 24),
        (b"TR", 26),
        (b"UA", 29),
        (b"VA", 22),
        (b"VG", 24),
        (b"XK", 20),
        (b"YE", 30),
    ];
    TABLE.iter().find(|(c, _)| c[..] == *cc).map(|&(_, n)| n)
}

/// Whether `iban` (compact, upper-case ASCII alphanumerics) has its country's length
/// and passes mod-97.
pub(super) fn iban_valid(iban: &[u8]) -> bool {
    if iban.len() < 15 || iban_length(&iban[..2]) != Some(iban.len()) {
        return false;
    }
    if !iban[2..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut rem = 0u32;
    for &c in iban[4..].iter().chain(&iban[..4]) {
        match c {
            b'0'..=b'9' => rem = (rem * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => rem = (rem * 100 + u32::from(c - b'A') + 10) % 97,
            _ => return false,
        }
    }
    rem == 1
}

/// The expected total IBAN length for a country code, if it issues IBANs.
pub(super) fn iban_len_for(cc: &[u8]) -> Option<usize> {
    iban_length(cc)
}

/// US SSN rules: area not 000, 666 or 9xx; group not 00; serial not 0000; and not
/// the numbers known from advertising.
pub(super) fn ssn_valid(d: &[u8]) -> bool {
    if d.len() != 9 {
        return false;
    }
    let area = &d[..3];
    if area == b"000" || area == b"666" || area[0] == b'9' {
        return false;
    }
    if &d[3..5] == b"00" || &d[5..] == b"0000" {
        return false;
    }
    d != b"078051120" && d != b"123456789" && d != b"219099999"
}

/// PESEL: weighted checksum and a real birth date (month carries the century).
pub(super) fn pesel_valid(d: &[u8]) -> bool {
    if d.len() != 11 {
        return false;
    }
    const W: [u32; 10] = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
    let v = |i: usize| u32::from(d[i] - b'0');
    let sum: u32 = (0..10).map(|i| W[i] * v(i)).sum();
    if (10 - sum % 10) % 10 != v(10) {
        return false;
    }
    let yy = v(0) * 10 + v(1);
    let mm = v(2) * 10 + v(3);
    let day = v(4) * 10 + v(5);
    let (century, month) = match mm {
        81..=92 => (1800, mm - 80),
        1..=12 => (1900, mm),
        21..=32 => (2000, mm - 20),
        41..=52 => (2100, mm - 40),
        61..=72 => (2200, mm - 60),
        _ => return false,
    };
    let year = century + yy;
    day >= 1 && day <= days_in_month(year, month)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

/// NIP: mod-11 checksum with weights 6 5 7 2 3 4 5 6 7 (a remainder of 10 is invalid).
pub(super) fn nip_valid(d: &[u8]) -> bool {
    if d.len() != 10 || d[..3] == *b"000" {
        return false;
    }
    const W: [u32; 9] = [6, 5, 7, 2, 3, 4, 5, 6, 7];
    let sum: u32 = (0..9).map(|i| W[i] * u32::from(d[i] - b'0')).sum();
    let check = sum % 11;
    check != 10 && check == u32::from(d[9] - b'0')
}

/// REGON, 9 or 14 digits: mod-11 checksum (10 becomes 0).
pub(super) fn regon_valid(d: &[u8]) -> bool {
    let weights: &[u32] = match d.len() {
        9 => &[8, 9, 2, 3, 4, 5, 6, 7],
        14 => &[2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8],
        _ => return false,
    };
    if d.iter().all(|&c| c == b'0') {
        return false;
    }
    let sum: u32 = weights
        .iter()
        .zip(d)
        .map(|(w, &c)| w * u32::from(c - b'0'))
        .sum();
    sum % 11 % 10 == u32::from(d[d.len() - 1] - b'0') && (d.len() != 14 || regon_valid(&d[..9]))
}

/// UK NINO prefix rules: neither letter D, F, I, Q, U, V; second not O; and not one of
/// the administrative prefixes.
pub(super) fn nino_prefix_valid(a: u8, b: u8) -> bool {
    const BAD: &[u8] = b"DFIQUV";
    if BAD.contains(&a) || BAD.contains(&b) || b == b'O' {
        return false;
    }
    !matches!(
        &[a, b],
        b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ"
    )
}

/// Shannon entropy in bits per byte.
pub(super) fn entropy(s: &[u8]) -> f32 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u16; 256];
    for &c in s {
        counts[usize::from(c)] = counts[usize::from(c)].saturating_add(1);
    }
    let n = s.len() as f32;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f32::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Base58check as used by Bitcoin P2PKH (version 0x00) and P2SH (0x05) addresses.
pub(super) fn btc_base58_valid(s: &[u8]) -> bool {
    const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    if !(25..=35).contains(&s.len()) {
        return false;
    }
    // Big-number base conversion into a fixed 25-byte buffer (an address decodes to
    // exactly 25 bytes; anything larger overflows and is rejected).
    let mut out = [0u8; 25];
    for &c in s {
        let Some(mut carry) = ALPHABET.iter().position(|&a| a == c).map(|v| v as u32) else {
            return false;
        };
        for byte in out.iter_mut().rev() {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        if carry != 0 {
            return false;
        }
    }
    let leading_ones = s.iter().take_while(|&&c| c == b'1').count();
    let leading_zeros = out.iter().take_while(|&&b| b == 0).count();
    if leading_ones != leading_zeros {
        return false;
    }
    if out[0] != 0x00 && out[0] != 0x05 {
        return false;
    }
    let first = Sha256::digest(&out[..21]);
    let second = Sha256::digest(first);
    second[..4] == out[21..]
}

/// Bech32 / bech32m segwit address on mainnet (`bc1…`): checksum, and the variant
/// the witness version requires (v0 bech32, v1+ bech32m).
pub(super) fn btc_bech32_valid(s: &[u8]) -> bool {
    const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    if !(14..=74).contains(&s.len()) {
        return false;
    }
    let has_lower = s.iter().any(u8::is_ascii_lowercase);
    let has_upper = s.iter().any(u8::is_ascii_uppercase);
    if has_lower && has_upper {
        return false;
    }
    let lower: Vec<u8> = s.iter().map(u8::to_ascii_lowercase).collect();
    if &lower[..3] != b"bc1" {
        return false;
    }
    let mut values = Vec::with_capacity(lower.len());
    for &c in &lower[3..] {
        match CHARSET.iter().position(|&a| a == c) {
            Some(v) => values.push(v as u8),
            None => return false,
        }
    }
    if values.len() < 7 {
        return false;
    }
    let mut chk: u32 = 1;
    let mut feed = |v: u8| {
        let top = chk >> 25;
        chk = ((chk & 0x1ff_ffff) << 5) ^ u32::from(v);
        const GEN: [u32; 5] = [
            0x3b6a_57b2,
            0x2650_8e6d,
            0x1ea1_19fa,
            0x3d42_33dd,
            0x2a14_62b3,
        ];
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    };
    for &c in b"bc" {
        feed(c >> 5);
    }
    feed(0);
    for &c in b"bc" {
        feed(c & 31);
    }
    for &v in &values {
        feed(v);
    }
    let witness_version = values[0];
    let program_len_bits = (values.len() - 7) * 5;
    let program_len = program_len_bits / 8;
    if witness_version > 16 || !(2..=40).contains(&program_len) {
        return false;
    }
    if witness_version == 0 && program_len != 20 && program_len != 32 {
        return false;
    }
    let want = if witness_version == 0 { 1 } else { 0x2bc8_30a3 };
    chk == want
}

/// EIP-55: a mixed-case address must carry its Keccak-256 checksum; all-lower and
/// all-upper addresses carry none and are accepted as they are.
pub(super) fn eth_checksum_valid(hex40: &[u8]) -> bool {
    let has_lower = hex40.iter().any(u8::is_ascii_lowercase);
    let has_upper = hex40.iter().any(u8::is_ascii_uppercase);
    if !(has_lower && has_upper) {
        return true;
    }
    let mut lower = [0u8; 40];
    for (o, c) in lower.iter_mut().zip(hex40) {
        *o = c.to_ascii_lowercase();
    }
    use tiny_keccak::Hasher;
    let mut hasher = tiny_keccak::Keccak::v256();
    hasher.update(&lower);
    let mut hash = [0u8; 32];
    hasher.finalize(&mut hash);
    hex40.iter().enumerate().all(|(i, &c)| {
        let nibble = if i % 2 == 0 {
            hash[i / 2] >> 4
        } else {
            hash[i / 2] & 0x0f
        };
        match c {
            b'a'..=b'f' => nibble < 8,
            b'A'..=b'F' => nibble >= 8,
            _ => true,
        }
    })
}

/// Whether a JWT header segment decodes to a JSON object with an `alg` member.
pub(super) fn jwt_header_valid(seg: &[u8]) -> bool {
    use base64::Engine;
    let trimmed: &[u8] = seg.strip_suffix(b"=").unwrap_or(seg);
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(trimmed) else {
        return false;
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(map)) => map.get("alg").is_some_and(|v| v.is_string()),
        _ => false,
    }
}
