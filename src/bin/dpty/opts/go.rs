//! Go's standard library, where docker's option parsing lets it show: the
//! docker CLI reads numbers with `strconv`, lower-cases with `strings`,
//! cleans paths with `path.Clean`, splits `--mount`, `--network` and
//! `--gpus` values with `encoding/csv`, and passes the text of their errors
//! on to the user. Matching docker byte for byte means matching these
//! corners (which numbers and quotes are accepted, which column an error
//! names), so they live here once, each with a table of Go's own answers,
//! rather than once per option family.

use std::path::Path;

/// `text` in double quotes, escaped as Go's `strconv.Quote` escapes it, so
/// messages that quote a value print it as docker prints it.
pub fn go_quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\u{7}' => quoted.push_str("\\a"),
            '\u{8}' => quoted.push_str("\\b"),
            '\u{c}' => quoted.push_str("\\f"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            '\u{b}' => quoted.push_str("\\v"),
            c if c < ' ' || c == '\u{7f}' => quoted.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_printable(c) => quoted.push(c),
            c if (c as u32) < 0x10000 => quoted.push_str(&format!("\\u{:04x}", c as u32)),
            c => quoted.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    quoted.push('"');
    quoted
}

/// Close to Go's `unicode.IsPrint`: graphic characters and the ASCII space.
fn is_printable(c: char) -> bool {
    let invisible = matches!(c as u32,
        0xad | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x206f | 0xfeff | 0xfff9..=0xfffb
        | 0xe000..=0xf8ff | 0xf0000..=0x10ffff);
    !c.is_control() && !invisible && (c == ' ' || !c.is_whitespace())
}

/// The `time` package's own quoting in its errors: `"` and `\` escaped,
/// every byte of a non-ASCII or control character as `\xNN`.
pub fn time_quote(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        if c.is_ascii() && c >= ' ' {
            if c == '"' || c == '\\' {
                quoted.push('\\');
            }
            quoted.push(c);
        } else {
            let mut buffer = [0; 4];
            for byte in c.encode_utf8(&mut buffer).bytes() {
                quoted.push_str(&format!("\\x{byte:02x}"));
            }
        }
    }
    quoted.push('"');
    quoted
}

/// Lower-cases one character at a time, as Go's `strings.ToLower` does
/// (a character whose lower case is longer than one character is kept).
pub fn go_lower(text: &str) -> String {
    text.chars()
        .map(|c| single(c.to_lowercase()).unwrap_or(c))
        .collect()
}

/// Upper-cases one character at a time, as Go's `strings.ToUpper` does.
pub fn go_upper(text: &str) -> String {
    text.chars()
        .map(|c| single(c.to_uppercase()).unwrap_or(c))
        .collect()
}

fn single(mut chars: impl Iterator<Item = char>) -> Option<char> {
    let first = chars.next()?;
    chars.next().is_none().then_some(first)
}

/// Why Go's `strconv` refused a number. docker often passes the text of
/// Go's error on, so it is rebuilt here with [`NumError::describe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumError {
    Syntax,
    Range,
}

impl NumError {
    pub fn reason(self) -> &'static str {
        match self {
            NumError::Syntax => "invalid syntax",
            NumError::Range => "value out of range",
        }
    }

    /// Go's text for this error from `strconv.{function}` on `input`, e.g.
    /// `strconv.ParseUint: parsing "abc": invalid syntax`.
    pub fn describe(self, function: &str, input: &str) -> String {
        format!(
            "strconv.{function}: parsing {}: {}",
            go_quote(input),
            self.reason()
        )
    }
}

/// Go's `strconv.ParseUint(text, base, bits)` for an explicit base: digits
/// only, no sign, no prefix, no underscores. Like Go, it reads left to right,
/// so an overflow is reported before a bad character that follows it.
pub fn parse_uint(text: &str, base: u32, bits: u32) -> Result<u64, NumError> {
    if text.is_empty() {
        return Err(NumError::Syntax);
    }
    let max = if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let mut value: u64 = 0;
    for c in text.chars() {
        let digit = c.to_digit(base).ok_or(NumError::Syntax)?;
        value = value
            .checked_mul(u64::from(base))
            .and_then(|v| v.checked_add(u64::from(digit)))
            .filter(|&v| v <= max)
            .ok_or(NumError::Range)?;
    }
    Ok(value)
}

/// Go's `strconv.Atoi`: an optional sign and decimal digits, in an `i64`.
pub fn parse_int(text: &str) -> Result<i64, NumError> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude = parse_uint(digits, 10, 64)?;
    if negative {
        0i64.checked_sub_unsigned(magnitude).ok_or(NumError::Range)
    } else {
        i64::try_from(magnitude).map_err(|_| NumError::Range)
    }
}

/// Go's `strconv.ParseBool`.
pub fn go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `int64(f)` on amd64, where the docker CLI runs: truncation toward
/// zero, and the "integer indefinite" value (the minimum) for NaN and for
/// anything out of range. docker sends that minimum to the engine as is.
pub fn go_float_to_int(value: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if value.is_nan() || !(-LIMIT..LIMIT).contains(&value) {
        i64::MIN
    } else {
        value as i64
    }
}

/// Go's `strconv.ParseFloat(text, 64)`: decimal and hexadecimal (`0x1.8p3`)
/// forms, `_` between digits, `inf`/`infinity`/`nan`, and a range error for
/// a finite number too large for an f64.
pub fn parse_float(text: &str) -> Result<f64, NumError> {
    if let Some(value) = special_float(text) {
        return Ok(value);
    }
    let form = scan_float(text).ok_or(NumError::Syntax)?;
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    let value = if form.hex {
        hex_float(&digits).ok_or(NumError::Syntax)?
    } else {
        digits.parse::<f64>().map_err(|_| NumError::Syntax)?
    };
    if value.is_infinite() {
        return Err(NumError::Range);
    }
    Ok(value)
}

/// `inf`, `infinity` (signed or not) and `nan`, in any case, as the whole text.
fn special_float(text: &str) -> Option<f64> {
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'+') => (1.0, &text[1..]),
        Some(b'-') => (-1.0, &text[1..]),
        _ => (1.0, text),
    };
    if rest.eq_ignore_ascii_case("inf") || rest.eq_ignore_ascii_case("infinity") {
        return Some(sign * f64::INFINITY);
    }
    (rest.len() == text.len() && text.eq_ignore_ascii_case("nan")).then_some(f64::NAN)
}

struct FloatForm {
    hex: bool,
}

/// Checks `text` against Go's float grammar: sign, digits with at most one
/// point, an exponent (`e` for decimal, mandatory `p` for hex), and
/// underscores only between digits (or after a base prefix).
fn scan_float(text: &str) -> Option<FloatForm> {
    let s = text.as_bytes();
    let mut i = 0;
    if matches!(s.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let hex = i + 2 < s.len() && s[i] == b'0' && s[i + 1].eq_ignore_ascii_case(&b'x');
    if hex {
        i += 2;
    }
    let mut seen_point = false;
    let mut seen_digits = false;
    let mut underscores = false;
    while let Some(&c) = s.get(i) {
        match c {
            b'_' => underscores = true,
            b'.' if !seen_point => seen_point = true,
            b'0'..=b'9' => seen_digits = true,
            c if hex && c.is_ascii_hexdigit() => seen_digits = true,
            _ => break,
        }
        i += 1;
    }
    if !seen_digits {
        return None;
    }
    let exponent = if hex { b'p' } else { b'e' };
    if s.get(i).is_some_and(|c| c.eq_ignore_ascii_case(&exponent)) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !s.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        while let Some(&c) = s.get(i) {
            match c {
                b'0'..=b'9' => {}
                b'_' => underscores = true,
                _ => break,
            }
            i += 1;
        }
    } else if hex {
        return None;
    }
    if i != s.len() || (underscores && !underscores_ok(text)) {
        return None;
    }
    Some(FloatForm { hex })
}

/// Go's rule for `_` in a number: only between digits, or between a base
/// prefix and a digit.
fn underscores_ok(text: &str) -> bool {
    let mut s = text.as_bytes();
    if matches!(s.first(), Some(b'+' | b'-')) {
        s = &s[1..];
    }
    // What came last: ^ start, 0 digit or prefix, _ underscore, ! other.
    let mut last = b'^';
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        hex = s[1].eq_ignore_ascii_case(&b'x');
        last = b'0';
        s = &s[2..];
    }
    for &c in s {
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            last = b'0';
        } else if c == b'_' {
            if last != b'0' {
                return false;
            }
            last = b'_';
        } else {
            if last == b'_' {
                return false;
            }
            last = b'!';
        }
    }
    last != b'_'
}

/// The value of a hexadecimal float already checked by [`scan_float`] (and
/// without underscores), rounded to nearest-even as Go rounds it.
fn hex_float(text: &str) -> Option<f64> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let body = &rest[2..];
    let p = body.find(['p', 'P'])?;
    let (mantissa, exponent) = (&body[..p], &body[p + 1..]);
    // Exponents beyond this saturate to zero or infinity anyway.
    let exponent: i64 = exponent
        .parse::<i64>()
        .unwrap_or(if exponent.starts_with('-') {
            -100_000
        } else {
            100_000
        });
    let exponent = exponent.clamp(-100_000, 100_000);
    // Up to 16 significant hex digits in `bits`; any nonzero digit after
    // them only matters for rounding.
    let mut bits: u64 = 0;
    let mut scale: i64 = 0;
    let mut sticky = false;
    let mut significant = 0;
    let mut after_point = false;
    for c in mantissa.chars() {
        if c == '.' {
            after_point = true;
            continue;
        }
        let digit = u64::from(c.to_digit(16)?);
        if significant < 16 {
            if bits != 0 || digit != 0 {
                bits = bits << 4 | digit;
                significant += 1;
            }
            if after_point {
                scale -= 4;
            }
        } else {
            sticky |= digit != 0;
            if !after_point {
                scale += 4;
            }
        }
    }
    let magnitude = if bits == 0 {
        0.0
    } else {
        round_binary(bits, sticky, scale + exponent)
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// `bits × 2^exponent` (with `sticky` standing for lost nonzero bits below
/// `bits`) as the nearest f64, ties to even, subnormals included.
fn round_binary(bits: u64, sticky: bool, exponent: i64) -> f64 {
    let width = 64 - i64::from(bits.leading_zeros());
    let top = exponent + width - 1;
    if top > 1023 {
        return f64::INFINITY;
    }
    // The exponent of the last bit an f64 can keep for this value.
    let lsb = (top - 52).max(-1074);
    let drop = lsb - exponent;
    let (kept, lsb) = if drop <= 0 {
        (bits, exponent)
    } else if drop >= 64 {
        // Everything is below the last representable bit: 0 or the
        // smallest subnormal, by the usual rounding.
        let above_half = drop == 64 && (bits > 1 << 63 || (bits == 1 << 63 && sticky));
        return if above_half { pow2(lsb) } else { 0.0 };
    } else {
        let kept = bits >> drop;
        let rest = bits & ((1u64 << drop) - 1);
        let half = 1u64 << (drop - 1);
        let round_up = rest > half || (rest == half && (sticky || kept & 1 == 1));
        (kept + u64::from(round_up), lsb)
    };
    // A carry to 2^53 is still exact, and overflows to infinity by itself.
    kept as f64 * pow2(lsb)
}

/// 2^exponent exactly, for exponents an f64 can hold.
fn pow2(exponent: i64) -> f64 {
    if exponent < -1022 {
        f64::from_bits(1u64 << (exponent + 1074).clamp(0, 51))
    } else {
        f64::from_bits(((exponent.min(1023) + 1023) as u64) << 52)
    }
}

/// A slash-separated path cleaned lexically as Go's `path.Clean` cleans it:
/// no repeated slashes, no `.`, `..` resolved where it can be, no trailing
/// slash, and `.` for nothing at all.
pub fn clean_path(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            part => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if rooted {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_string()
    } else {
        joined
    }
}

/// The first record of `text` as Go's `encoding/csv` reads it with its
/// defaults: comma-separated fields, `"..."` quoting with `""` for a quote,
/// blank lines skipped, `\r\n` read as `\n`, anything after the record
/// ignored, and Go's errors (`EOF` when there is no record at all).
pub fn csv_record(text: &str) -> Result<Vec<String>, String> {
    const BARE_QUOTE: &str = "bare \" in non-quoted-field";
    const QUOTE: &str = "extraneous or missing \" in quoted-field";
    let error = |record: usize, line: usize, column: usize, why: &str| {
        if record == line {
            format!("parse error on line {line}, column {column}: {why}")
        } else {
            format!("record on line {record}; parse error on line {line}, column {column}: {why}")
        }
    };
    let mut lines = Lines {
        rest: text,
        read: 0,
    };
    let mut current = loop {
        match lines.next() {
            None => return Err("EOF".to_string()),
            Some(line) if line.is_empty() || line == "\n" => continue,
            Some(line) => break line,
        }
    };
    let record_line = lines.read;
    // Where the parse is: line number and 1-based byte column.
    let (mut line, mut column) = (lines.read, 1);
    let mut at = 0;
    let mut fields = Vec::new();
    'fields: loop {
        let rest = &current[at..];
        if !rest.starts_with('"') {
            let comma = rest.find(',');
            let field = match comma {
                Some(end) => &rest[..end],
                None => rest.strip_suffix('\n').unwrap_or(rest),
            };
            if let Some(quote) = field.find('"') {
                return Err(error(record_line, lines.read, column + quote, BARE_QUOTE));
            }
            fields.push(field.to_string());
            match comma {
                Some(end) => {
                    at += end + 1;
                    column += end + 1;
                }
                None => break 'fields,
            }
            continue;
        }
        at += 1;
        column += 1;
        let mut field = String::new();
        loop {
            let rest = &current[at..];
            if let Some(quote) = rest.find('"') {
                field.push_str(&rest[..quote]);
                at += quote + 1;
                column += quote + 1;
                let after = &current[at..];
                if after.starts_with('"') {
                    field.push('"');
                    at += 1;
                    column += 1;
                } else if after.starts_with(',') {
                    at += 1;
                    column += 1;
                    fields.push(field);
                    continue 'fields;
                } else if after.is_empty() || after == "\n" {
                    fields.push(field);
                    break 'fields;
                } else {
                    return Err(error(record_line, lines.read, column - 1, QUOTE));
                }
            } else if !rest.is_empty() {
                // A quoted field goes on over the line break.
                field.push_str(rest);
                column += rest.len();
                current = lines.next().unwrap_or_default();
                at = 0;
                if !current.is_empty() {
                    line += 1;
                    column = 1;
                }
            } else {
                return Err(error(record_line, line, column, QUOTE));
            }
        }
    }
    Ok(fields)
}

/// Lines as `encoding/csv` reads them, counting every read as Go does.
struct Lines<'a> {
    rest: &'a str,
    read: usize,
}

impl Lines<'_> {
    /// The next line with its `\n` (`\r\n` becomes `\n`, and a `\r` that
    /// ends the text is dropped); None once the text is used up.
    fn next(&mut self) -> Option<String> {
        self.read += 1;
        if self.rest.is_empty() {
            return None;
        }
        let end = self.rest.find('\n').map_or(self.rest.len(), |i| i + 1);
        let mut line = self.rest[..end].to_string();
        self.rest = &self.rest[end..];
        if line.ends_with("\r\n") {
            line.truncate(line.len() - 2);
            line.push('\n');
        } else if !line.ends_with('\n') && line.ends_with('\r') {
            line.pop();
        }
        Some(line)
    }
}

/// A failed file operation in the words of Go's `*os.PathError`, which
/// docker passes on: `open PATH: no such file or directory`. Go words an
/// errno in lower case; the C library's text with its first letter lowered
/// reads the same for the errors a file option meets.
pub fn path_error(op: &str, path: &Path, error: &std::io::Error) -> String {
    let text = match error.raw_os_error() {
        Some(code) => {
            let text = std::io::Error::from_raw_os_error(code).to_string();
            let text = text
                .split(" (os error")
                .next()
                .unwrap_or_default()
                .to_owned();
            let mut chars = text.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_lowercase().chain(chars).collect()
            })
        }
        None => error.to_string(),
    };
    format!("{op} {}: {text}", path.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn quoting_matches_go() {
        let cases: &[(&str, &str)] = &[
            ("abc", r#""abc""#),
            (r#"a"b\c"#, r#""a\"b\\c""#),
            ("say \"hi\"\\", r#""say \"hi\"\\""#),
            ("a\nb\t\u{1b}", r#""a\nb\t\x1b""#),
            ("\u{1b}[m", r#""\x1b[m""#),
            ("é µ", "\"é µ\""),
            ("\u{a0}é", r#""\u00a0é""#),
            ("\u{a0}\u{feff}", r#""\u00a0\ufeff""#),
        ];
        for &(text, quoted) in cases {
            assert_eq!(go_quote(text), quoted, "{text:?}");
        }
        // The time package quotes in its own way.
        assert_eq!(time_quote("1é\"s"), r#""1\xc3\xa9\"s""#);
    }

    #[test]
    fn cases_and_booleans_read_as_go_reads_them() {
        // One character at a time: no final sigma, and a character whose
        // other case is two characters stays as it is (docker 28 sends
        // `--cap-add ﬀß` as CAP_ﬀß, and `--network name=ΑΣ` as ασ).
        assert_eq!(go_lower("Name=Foo,ΑΣ"), "name=foo,ασ");
        assert_eq!(go_upper("net_admin ﬀß"), "NET_ADMIN ﬀß");
        for text in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(go_bool(text), Some(true), "{text:?}");
        }
        for text in ["0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(go_bool(text), Some(false), "{text:?}");
        }
        for text in ["", "yes", "tRUE", " true", "2"] {
            assert_eq!(go_bool(text), None, "{text:?}");
        }
    }

    #[test]
    fn integers_read_as_strconv_reads_them() {
        assert_eq!(parse_uint("65535", 10, 16), Ok(65535));
        assert_eq!(parse_uint("08080", 10, 16), Ok(8080));
        assert_eq!(parse_uint("65536", 10, 16), Err(NumError::Range));
        assert_eq!(parse_uint("99999x", 10, 16), Err(NumError::Range));
        assert_eq!(parse_uint("7000x", 10, 16), Err(NumError::Syntax));
        assert_eq!(parse_uint("", 10, 16), Err(NumError::Syntax));
        assert_eq!(parse_uint("+1", 10, 16), Err(NumError::Syntax));
        assert_eq!(parse_uint("1_0", 10, 16), Err(NumError::Syntax));
        assert_eq!(parse_uint("1777", 8, 32), Ok(0o1777));
        assert_eq!(parse_uint("9", 8, 32), Err(NumError::Syntax));
        assert_eq!(parse_uint("18446744073709551615", 10, 64), Ok(u64::MAX));
        assert_eq!(parse_int("-5"), Ok(-5));
        assert_eq!(parse_int("+5"), Ok(5));
        assert_eq!(parse_int("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(parse_int("9223372036854775808"), Err(NumError::Range));
        assert_eq!(parse_int("9223372036854775808x"), Err(NumError::Syntax));
        assert_eq!(parse_int("-99999999999999999999x"), Err(NumError::Range));
        assert_eq!(parse_int("-"), Err(NumError::Syntax));
        assert_eq!(parse_int(""), Err(NumError::Syntax));
        assert_eq!(
            NumError::Syntax.describe("ParseUint", "abc"),
            r#"strconv.ParseUint: parsing "abc": invalid syntax"#
        );
    }

    #[test]
    fn go_floats_round_as_go_rounds_them() {
        let cases: &[(&str, f64)] = &[
            ("0x1p-1074", 5e-324),
            ("0x1p-1075", 0.0),
            ("0x1.8p-1074", 1e-323),
            ("0x1.fffffffffffff8p0", 2.0),
            ("0x1.fffffffffffff7p0", 1.9999999999999998),
            ("0x1.00000000000008p0", 1.0),
            ("0x1.000000000000081p0", 1.0000000000000002),
            ("0x123456789abcdef01p0", 20_988_295_479_420_645_000.0),
            ("-0x1p0", -1.0),
            ("0x.8p1", 1.0),
            ("0x_1p0", 1.0),
            ("Infinity", f64::INFINITY),
            ("-INF", f64::NEG_INFINITY),
        ];
        for &(input, expected) in cases {
            assert_eq!(parse_float(input), Ok(expected), "{input:?}");
        }
        assert!(parse_float("NaN").is_ok_and(f64::is_nan));
        for bad in ["infx", "0x1p", "0x", "0xp1", "1_", "1._5", "0x1p1_", "+-1"] {
            assert_eq!(parse_float(bad), Err(NumError::Syntax), "{bad:?}");
        }
    }

    #[test]
    fn csv_records_read_as_go_reads_them() {
        let cases: &[(&str, &[&str])] = &[
            ("a,b,c", &["a", "b", "c"]),
            ("a,,c,", &["a", "", "c", ""]),
            ("a,", &["a", ""]),
            ("a", &["a"]),
            (" a , b ", &[" a ", " b "]),
            (r#""a,b",c"#, &["a,b", "c"]),
            (r#""a""b",c"#, &["a\"b", "c"]),
            (r#""""#, &[""]),
            ("a,b\nc,d", &["a", "b"]),
            ("\"a\nb\",c\nd", &["a\nb", "c"]),
            ("\n\na,b", &["a", "b"]),
            ("a,b\r\n", &["a", "b"]),
            ("a,b\r", &["a", "b"]),
            ("\"multi\r\nline\",x", &["multi\nline", "x"]),
            ("é,ü", &["é", "ü"]),
        ];
        for &(text, fields) in cases {
            assert_eq!(csv_record(text), Ok(strings(fields)), "{text:?}");
        }
        let errors: &[(&str, &str)] = &[
            ("", "EOF"),
            ("\n\n", "EOF"),
            ("\r", "EOF"),
            ("a\"b", "parse error on line 1, column 2: bare \" in non-quoted-field"),
            ("é,a\"b", "parse error on line 1, column 5: bare \" in non-quoted-field"),
            ("\n\"a\"b", "parse error on line 2, column 3: extraneous or missing \" in quoted-field"),
            (
                "\"a\nb",
                "record on line 1; parse error on line 2, column 2: extraneous or missing \" in quoted-field",
            ),
            (
                "\"a\nb\"c",
                "record on line 1; parse error on line 2, column 2: extraneous or missing \" in quoted-field",
            ),
            // A quoted field that the value ends inside: Go counts the line
            // read last only when it holds something.
            ("\"a", "parse error on line 1, column 3: extraneous or missing \" in quoted-field"),
            ("\"a\n", "parse error on line 1, column 4: extraneous or missing \" in quoted-field"),
            (
                "\"a\n\n",
                "record on line 1; parse error on line 2, column 2: extraneous or missing \" in quoted-field",
            ),
        ];
        for &(text, error) in errors {
            assert_eq!(csv_record(text), Err(error.to_string()), "{text:?}");
        }
    }

    #[test]
    fn paths_are_cleaned_as_go_cleans_them() {
        let cases: &[(&str, &str)] = &[
            ("", "."),
            ("/", "/"),
            ("//a//b/", "/a/b"),
            ("/a/./b/../c", "/a/c"),
            ("/..", "/"),
            ("a/../..", ".."),
            ("../a/..", ".."),
            ("./", "."),
            ("/dev//sda/", "/dev/sda"),
        ];
        for &(path, clean) in cases {
            assert_eq!(clean_path(path), clean, "{path:?}");
        }
    }

    #[test]
    fn file_errors_are_worded_as_go_words_them() {
        let path = Path::new("/etc/x y");
        assert_eq!(
            path_error("open", path, &std::io::Error::from_raw_os_error(2)),
            "open /etc/x y: no such file or directory"
        );
        assert_eq!(
            path_error("read", path, &std::io::Error::from_raw_os_error(21)),
            "read /etc/x y: is a directory"
        );
        assert_eq!(
            path_error(
                "read",
                path,
                &std::io::Error::other("stream did not contain valid UTF-8")
            ),
            "read /etc/x y: stream did not contain valid UTF-8"
        );
    }
}
