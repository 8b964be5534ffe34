//! The number syntaxes `docker run`'s options share: sizes (`-m 1.5g`),
//! CPU counts (`--cpus 1.5`) and durations (`--health-interval 1m30s`),
//! each accepting exactly what the docker CLI accepts and refusing with its
//! words. docker takes these from Go's libraries (go-units, `math/big`,
//! `time`, `strconv`), so their corners are Go's: `1_000` and `0x1p4` are
//! sizes, `3/2` is a CPU count, `1e400` CPUs wrap to 0. Matching them keeps
//! a command line that works with docker working here, and one that fails
//! failing the same way.

use super::bignum::Rational;
use super::go::{go_float_to_int, parse_float, time_quote};

/// A size in bytes with binary units, as go-units' `RAMInBytes` reads it:
/// `512`, `64m`, `1.5g`, `1KiB`, `2 GB`; the unit is b, k, m, g, t or p, in
/// any case, optionally followed by `b` or `ib`. The number is a Go float,
/// and the product is truncated toward zero. Used for `-m`, `--shm-size`,
/// `--memory-reservation`, `--kernel-memory`, `--io-maxbandwidth`, tmpfs
/// sizes and device rates: none of `docker run`'s options takes decimal
/// (kB = 1000) sizes.
pub fn ram_in_bytes(value: &str) -> Result<i64, String> {
    let invalid_size = || format!("invalid size: '{value}'");
    // The number ends at the last digit, point or space; a single space
    // may separate it from the unit.
    let end = value
        .rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')
        .ok_or_else(invalid_size)?;
    let (number, suffix) = if value.as_bytes()[end] == b' ' {
        (&value[..end], &value[end + 1..])
    } else {
        (&value[..=end], &value[end + 1..])
    };
    let mut size = parse_float(number).map_err(|e| e.describe("ParseFloat", number))?;
    if size < 0.0 {
        return Err(invalid_size());
    }
    if suffix.is_empty() {
        return Ok(go_float_to_int(size));
    }
    let invalid_suffix = |suffix: &str| format!("invalid suffix: '{suffix}'");
    if suffix.len() > 3 {
        return Err(invalid_suffix(suffix));
    }
    let lower = suffix.to_lowercase();
    let unit = lower.as_bytes();
    if unit[0] == b'b' {
        return match unit.len() {
            1 => Ok(go_float_to_int(size)),
            _ => Err(invalid_suffix(&lower)),
        };
    }
    let shift = match unit[0] {
        b'k' => 10,
        b'm' => 20,
        b'g' => 30,
        b't' => 40,
        b'p' => 50,
        _ => return Err(invalid_suffix(&lower)),
    };
    size *= (1u64 << shift) as f64;
    match unit.len() {
        2 if unit[1] != b'b' => Err(invalid_suffix(&lower)),
        3 if &unit[1..] != b"ib" => Err(invalid_suffix(&lower)),
        _ => Ok(go_float_to_int(size)),
    }
}

/// `--memory-swap`: `-1` (unlimited) or a size as [`ram_in_bytes`] reads it.
pub fn mem_swap(value: &str) -> Result<i64, String> {
    if value == "-1" {
        return Ok(-1);
    }
    ram_in_bytes(value)
}

/// `--cpus` in billionths of a CPU, read as Go's `big.Rat` reads a number:
/// `1.5`, `.5`, `1e-3`, `3/2`, `0x1p-1`, `1_000`. It must come to a whole
/// number of billionths; like docker, a result beyond 64 bits keeps only
/// its low 64 bits.
pub fn nano_cpus(value: &str) -> Result<i64, String> {
    let number = Rational::parse(value)
        .ok_or_else(|| format!("failed to parse {value} as a rational number"))?;
    number
        .billionths()
        .ok_or_else(|| "value is too precise".to_string())
}

/// A duration in nanoseconds, exactly as Go's `time.ParseDuration` reads
/// it: `1m30s`, `500ms`, `1.5h`, `-1s`, `0`, units ns, us (µs, μs), ms, s,
/// m, h. Used by the `--health-*` options.
pub fn duration_nanos(value: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", time_quote(value));
    let mut s = value;
    let mut negative = false;
    if let Some(sign @ ('-' | '+')) = s.chars().next() {
        negative = sign == '-';
        s = &s[1..];
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    const LIMIT: u64 = 1 << 63;
    let mut total: u64 = 0;
    while !s.is_empty() {
        if !(s.starts_with('.') || s.starts_with(|c: char| c.is_ascii_digit())) {
            return Err(invalid());
        }
        let whole_len = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let whole = leading_int(&s[..whole_len]).ok_or_else(invalid)?;
        s = &s[whole_len..];
        let (mut fraction, mut scale, mut fraction_len) = (0u64, 1f64, 0);
        if let Some(rest) = s.strip_prefix('.') {
            fraction_len = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            (fraction, scale) = leading_fraction(&rest[..fraction_len]);
            s = &rest[fraction_len..];
        }
        if whole_len == 0 && fraction_len == 0 {
            return Err(invalid());
        }
        let unit_len = s
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if unit_len == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                time_quote(value)
            ));
        }
        let unit = &s[..unit_len];
        s = &s[unit_len..];
        let nanos: u64 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    time_quote(unit),
                    time_quote(value)
                ))
            }
        };
        if whole > LIMIT / nanos {
            return Err(invalid());
        }
        let mut part = whole * nanos;
        if fraction > 0 {
            // Go computes the fractional part in float64, truncating.
            part += (fraction as f64 * (nanos as f64 / scale)) as u64;
            if part > LIMIT {
                return Err(invalid());
            }
        }
        // Go's sum wraps at 2^64 without complaint; so does this one.
        total = total.wrapping_add(part);
        if total > LIMIT {
            return Err(invalid());
        }
    }
    if negative {
        return Ok((total as i64).wrapping_neg());
    }
    i64::try_from(total).map_err(|_| invalid())
}

/// The integer part of one duration element; None on overflow past 2^63.
fn leading_int(digits: &str) -> Option<u64> {
    let mut value: u64 = 0;
    for c in digits.bytes() {
        if value > (1 << 63) / 10 {
            return None;
        }
        value = value * 10 + u64::from(c - b'0');
        if value > 1 << 63 {
            return None;
        }
    }
    Some(value)
}

/// The fraction digits of one duration element as (digits, 10^count);
/// digits past 63 bits of precision are read but ignored, as Go does.
fn leading_fraction(digits: &str) -> (u64, f64) {
    let (mut value, mut scale) = (0u64, 1f64);
    for c in digits.bytes() {
        if value > ((1 << 63) - 1) / 10 {
            break;
        }
        let next = value * 10 + u64::from(c - b'0');
        if next > 1 << 63 {
            break;
        }
        value = next;
        scale *= 10.0;
    }
    (value, scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KI: i64 = 1 << 10;
    const MI: i64 = 1 << 20;
    const GI: i64 = 1 << 30;

    #[test]
    fn sizes_read_as_docker_reads_them() {
        let cases: &[(&str, i64)] = &[
            ("0", 0),
            ("512", 512),
            ("1b", 1),
            ("1B", 1),
            ("1k", KI),
            ("1kb", KI),
            ("1KiB", KI),
            ("1kib", KI),
            ("1KIB", KI),
            ("64m", 64 * MI),
            ("64M", 64 * MI),
            ("1.5g", 3 * GI / 2),
            ("1t", 1 << 40),
            ("1p", 1 << 50),
            ("1 k", KI),
            ("1 ", 1),
            (".5k", 512),
            ("5.k", 5 * KI),
            ("1e3", 1000),
            ("1e3k", 1000 * KI),
            ("1e-3k", 1),
            ("1_000", 1000),
            ("0x1p4", 16),
            ("0x1.8p1k", 3 * KI),
            ("-0", 0),
            ("1.9", 1),
            // Beyond i64, and NaN or infinity: Go's conversion gives the minimum.
            ("10000000000000000000", i64::MIN),
            ("9223372036854775807", i64::MIN),
            ("9223372036854774784", 9_223_372_036_854_774_784),
            ("inf k", i64::MIN),
            ("nan b", i64::MIN),
        ];
        for &(input, expected) in cases {
            assert_eq!(ram_in_bytes(input), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn bad_sizes_are_refused_with_docker_words() {
        let cases: &[(&str, &str)] = &[
            ("abc", "invalid size: 'abc'"),
            ("", "invalid size: ''"),
            ("inf", "invalid size: 'inf'"),
            ("-1", "invalid size: '-1'"),
            ("-2", "invalid size: '-2'"),
            ("-inf k", "invalid size: '-inf k'"),
            ("1x", "invalid suffix: 'x'"),
            ("1bb", "invalid suffix: 'bb'"),
            ("1ki", "invalid suffix: 'ki'"),
            ("1KBBB", "invalid suffix: 'KBBB'"),
            ("1MX", "invalid suffix: 'mx'"),
            (
                "1Kb2",
                "strconv.ParseFloat: parsing \"1Kb2\": invalid syntax",
            ),
            ("1  k", "strconv.ParseFloat: parsing \"1 \": invalid syntax"),
            (" 1", "strconv.ParseFloat: parsing \" 1\": invalid syntax"),
            ("1k ", "strconv.ParseFloat: parsing \"1k\": invalid syntax"),
            (".", "strconv.ParseFloat: parsing \".\": invalid syntax"),
            (
                "1.2.3",
                "strconv.ParseFloat: parsing \"1.2.3\": invalid syntax",
            ),
            (
                "0x10",
                "strconv.ParseFloat: parsing \"0x10\": invalid syntax",
            ),
            (
                "1__0",
                "strconv.ParseFloat: parsing \"1__0\": invalid syntax",
            ),
            ("_1", "strconv.ParseFloat: parsing \"_1\": invalid syntax"),
            (
                "+nan 1",
                "strconv.ParseFloat: parsing \"+nan 1\": invalid syntax",
            ),
            (
                "+nan b",
                "strconv.ParseFloat: parsing \"+nan\": invalid syntax",
            ),
            ("1e", "invalid suffix: 'e'"),
            (
                "1e999",
                "strconv.ParseFloat: parsing \"1e999\": value out of range",
            ),
            (
                "0x1p2000",
                "strconv.ParseFloat: parsing \"0x1p2000\": value out of range",
            ),
        ];
        for &(input, expected) in cases {
            assert_eq!(ram_in_bytes(input), Err(expected.to_string()), "{input:?}");
        }
    }

    #[test]
    fn swap_takes_minus_one_for_unlimited() {
        assert_eq!(mem_swap("-1"), Ok(-1));
        assert_eq!(mem_swap("1g"), Ok(GI));
        assert_eq!(mem_swap("-2"), Err("invalid size: '-2'".to_string()));
        assert_eq!(mem_swap("-1k"), Err("invalid size: '-1k'".to_string()));
    }

    #[test]
    fn cpus_read_as_big_rat_reads_them() {
        let cases: &[(&str, i64)] = &[
            ("1", 1_000_000_000),
            ("1.5", 1_500_000_000),
            (".5", 500_000_000),
            ("1.", 1_000_000_000),
            ("0.001", 1_000_000),
            ("1e-9", 1),
            ("1E2", 100_000_000_000),
            ("+2", 2_000_000_000),
            ("-1", -1_000_000_000),
            ("0", 0),
            ("-0", 0),
            ("0e99999999", 0),
            ("010", 10_000_000_000),
            ("1_0", 10_000_000_000),
            ("3/2", 1_500_000_000),
            ("-3/2", -1_500_000_000),
            ("3/010", 375_000_000),
            ("1_000/1_0", 100_000_000_000),
            ("0x1p1", 2_000_000_000),
            ("0x1.8p1", 3_000_000_000),
            ("0x10", 16_000_000_000),
            ("0b1.1", 1_500_000_000),
            ("0o10", 8_000_000_000),
            ("1p1", 2_000_000_000),
            ("1e1_0", 10_000_000_000_000_000_000u64 as i64),
            // Past 64 bits only the low bits remain, as with docker.
            ("99999999999", 7_766_279_630_452_241_920),
            ("1e400", 0),
            ("18446744073709551616/1000000000", 0),
            (
                "1000000000000000000000000000000/1000000000000000000000000000",
                1_000_000_000_000,
            ),
        ];
        for &(input, expected) in cases {
            assert_eq!(nano_cpus(input), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn bad_cpus_are_refused_with_docker_words() {
        for input in [
            "",
            "1 ",
            " 1",
            "abc",
            "1/0",
            "/2",
            "1/",
            "1.5/2",
            "3/-2",
            "1_.5",
            "_1",
            "1_",
            "1e",
            "1e_1",
            ".",
            "0x",
            "1.5.5",
            "1e-1000001",
            "08/1",
            "inf",
            "1e99999999999999999999",
        ] {
            assert_eq!(
                nano_cpus(input),
                Err(format!("failed to parse {input} as a rational number")),
                "{input:?}"
            );
        }
        for input in ["1e-10", "0.0000000001", "1/3", "0x1p-40"] {
            assert_eq!(
                nano_cpus(input),
                Err("value is too precise".to_string()),
                "{input:?}"
            );
        }
    }

    #[test]
    fn durations_read_as_go_reads_them() {
        const S: i64 = 1_000_000_000;
        let cases: &[(&str, i64)] = &[
            ("0", 0),
            ("-0", 0),
            ("+0", 0),
            ("1m30s", 90 * S),
            ("500ms", 500_000_000),
            ("1.5h", 5400 * S),
            ("-1s", -S),
            ("+1s", S),
            ("1.s", S),
            (".5s", S / 2),
            ("1us", 1_000),
            ("1µs", 1_000),
            ("1μs", 1_000),
            ("3ns", 3),
            ("1h1m1s1ms", 3_661_001_000_000),
            ("1.0000000000000000000000001s", S),
            ("9223372036854775807ns", i64::MAX),
            ("-9223372036854775808ns", i64::MIN),
            ("2562047h", 2_562_047 * 3_600 * S),
        ];
        for &(input, expected) in cases {
            assert_eq!(duration_nanos(input), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn bad_durations_are_refused_with_go_words() {
        let cases: &[(&str, &str)] = &[
            ("", r#"time: invalid duration """#),
            ("-", r#"time: invalid duration "-""#),
            (".s", r#"time: invalid duration ".s""#),
            ("s", r#"time: invalid duration "s""#),
            ("1", r#"time: missing unit in duration "1""#),
            ("1h1", r#"time: missing unit in duration "1h1""#),
            ("1x", r#"time: unknown unit "x" in duration "1x""#),
            (
                "1é",
                r#"time: unknown unit "\xc3\xa9" in duration "1\xc3\xa9""#,
            ),
            (r#"1"s"#, r#"time: unknown unit "\"s" in duration "1\"s""#),
            (
                "9223372036854775808ns",
                r#"time: invalid duration "9223372036854775808ns""#,
            ),
            ("2562048h", r#"time: invalid duration "2562048h""#),
            (
                "99999999999999999999s",
                r#"time: invalid duration "99999999999999999999s""#,
            ),
        ];
        for &(input, expected) in cases {
            assert_eq!(
                duration_nanos(input),
                Err(expected.to_string()),
                "{input:?}"
            );
        }
    }
}
