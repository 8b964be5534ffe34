//! The exact arithmetic behind `--cpus`. docker reads that value with Go's
//! `math/big` (`big.Rat`), so `1e400`, `1e1_0` and `3/2` are exact numbers
//! of any size, and what docker sends is their low 64 bits, never a float's
//! rounding. Matching it takes a small multi-precision library: a natural
//! number of any size and `big.Rat`'s reading of a number. It stands apart
//! from `units.rs`, which is about docker's syntax and words, because its
//! own concern is getting the digits right.

/// A rational number in one of the two shapes `big.Rat` reads.
pub enum Rational {
    /// `±mantissa × 2^twos × 5^fives`, from the decimal/float form.
    Float {
        negative: bool,
        mantissa: Natural,
        twos: i64,
        fives: i64,
    },
    /// `±numerator / denominator`, from the `a/b` form.
    Fraction {
        negative: bool,
        numerator: Natural,
        denominator: Natural,
    },
}

impl Rational {
    pub fn parse(text: &str) -> Option<Rational> {
        if let Some((top, bottom)) = text.split_once('/') {
            let (negative, top) = match top.as_bytes().first()? {
                b'-' => (true, &top[1..]),
                b'+' => (false, &top[1..]),
                _ => (false, top),
            };
            let top = top.as_bytes();
            let mut at = 0;
            let (numerator, _, _) = scan_natural(top, &mut at, false)?;
            if at != top.len() {
                return None;
            }
            let bottom = bottom.as_bytes();
            let mut at = 0;
            let (denominator, _, _) = scan_natural(bottom, &mut at, false)?;
            if at != bottom.len() || denominator.is_zero() {
                return None;
            }
            return Some(Rational::Fraction {
                negative,
                numerator,
                denominator,
            });
        }
        let s = text.as_bytes();
        let mut at = 0;
        let negative = match s.first()? {
            b'-' => {
                at = 1;
                true
            }
            b'+' => {
                at = 1;
                false
            }
            _ => false,
        };
        let (mantissa, base, count) = scan_natural(s, &mut at, true)?;
        let (exponent, exponent_base) = scan_exponent(s, &mut at)?;
        if at != s.len() {
            return None;
        }
        if mantissa.is_zero() {
            return Some(Rational::Float {
                negative: false,
                mantissa,
                twos: 0,
                fives: 0,
            });
        }
        // A point moves the value by base^-digits after it; the exponent
        // by 10^exp or 2^exp. Both are powers of 2 and 5.
        let (mut twos, mut fives) = (0i64, 0i64);
        if count < 0 {
            match base {
                10 => (twos, fives) = (count, count),
                2 => twos = count,
                8 => twos = count * 3,
                _ => twos = count * 4,
            }
        }
        if exponent_base == 10 {
            fives = fives.saturating_add(exponent);
        }
        twos = twos.saturating_add(exponent);
        // big.Rat's own limits on the scale of a number.
        if fives.unsigned_abs() > 1_000_000 || twos.unsigned_abs() > 10_000_000 {
            return None;
        }
        Some(Rational::Float {
            negative,
            mantissa,
            twos,
            fives,
        })
    }

    /// The number times 10^9 if that is whole, in its low 64 bits.
    pub fn billionths(self) -> Option<i64> {
        let (negative, low) = match self {
            Rational::Float {
                negative,
                mut mantissa,
                twos,
                fives,
            } => {
                let (twos, fives) = (twos + 9, fives + 9);
                if twos < 0 {
                    if mantissa.trailing_zero_bits() < twos.unsigned_abs() {
                        return None;
                    }
                    mantissa.shift_right(twos.unsigned_abs());
                }
                for _ in 0..fives.min(0).unsigned_abs() {
                    if mantissa.divide_small(5) != 0 {
                        return None;
                    }
                }
                let mut low = mantissa.low_u64();
                if fives > 0 {
                    low = low.wrapping_mul(5u64.wrapping_pow(fives as u32));
                }
                if twos > 0 {
                    low = low.checked_shl(twos as u32).unwrap_or(0);
                }
                (negative, low)
            }
            Rational::Fraction {
                negative,
                mut numerator,
                denominator,
            } => {
                numerator.multiply_add(1_000_000_000, 0);
                let (quotient, remainder) = numerator.divide(&denominator);
                if !remainder.is_zero() {
                    return None;
                }
                (negative, quotient.low_u64())
            }
        };
        let value = low as i64;
        Some(if negative {
            value.wrapping_neg()
        } else {
            value
        })
    }
}

/// Reads a natural number as `math/big` does for base 0: an optional
/// `0b`/`0o`/`0x` prefix (a bare leading `0` means octal unless a fraction
/// is allowed), digits with `_` between them, and with `fraction`, one
/// point. Returns the digits as an integer, the base, and the digit count,
/// negated for the digits after a point. Stops at the first character
/// that is not part of the number.
fn scan_natural(s: &[u8], at: &mut usize, fraction: bool) -> Option<(Natural, u32, i64)> {
    let mut fraction = fraction;
    let mut last = b'.';
    let mut bad_separator = false;
    let mut base = 10;
    let mut octal_zero = false;
    let mut count: i64 = 0;
    if s.get(*at) == Some(&b'0') {
        last = b'0';
        count = 1;
        *at += 1;
        if let Some(&c) = s.get(*at) {
            let prefix = match c {
                b'b' | b'B' => Some(2),
                b'o' | b'O' => Some(8),
                b'x' | b'X' => Some(16),
                _ => None,
            };
            if let Some(prefix) = prefix {
                base = prefix;
                count = 0;
                *at += 1;
            } else if !fraction {
                base = 8;
                octal_zero = true;
                count = 0;
            }
        }
    }
    let mut value = Natural::default();
    let mut point = None;
    while let Some(&c) = s.get(*at) {
        if c == b'.' && fraction {
            fraction = false;
            bad_separator |= last == b'_';
            last = b'.';
            point = Some(count);
        } else if c == b'_' {
            bad_separator |= last != b'0';
            last = b'_';
        } else {
            let digit = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'z' => c - b'a' + 10,
                b'A'..=b'Z' => c - b'A' + 10,
                _ => u8::MAX,
            };
            if u32::from(digit) >= base {
                break;
            }
            last = b'0';
            count += 1;
            value.multiply_add(base, u32::from(digit));
        }
        *at += 1;
    }
    if bad_separator || last == b'_' {
        return None;
    }
    if count == 0 {
        // A lone "0" that looked like an octal prefix is the number zero.
        return octal_zero.then(|| (Natural::default(), 10, 1));
    }
    let count = match point {
        Some(point) => point - count,
        None => count,
    };
    Some((value, base, count))
}

/// Reads an optional `e`/`E` (power of 10) or `p`/`P` (power of 2)
/// exponent with `_` allowed between its digits. Returns it and its base.
fn scan_exponent(s: &[u8], at: &mut usize) -> Option<(i64, u32)> {
    let base = match s.get(*at) {
        Some(b'e' | b'E') => 10,
        Some(b'p' | b'P') => 2,
        _ => return Some((0, 10)),
    };
    *at += 1;
    let mut digits = String::new();
    if let Some(&sign @ (b'+' | b'-')) = s.get(*at) {
        if sign == b'-' {
            digits.push('-');
        }
        *at += 1;
    }
    let mut last = b'.';
    let mut bad_separator = false;
    let mut any = false;
    while let Some(&c) = s.get(*at) {
        if c.is_ascii_digit() {
            digits.push(char::from(c));
            last = b'0';
            any = true;
        } else if c == b'_' {
            bad_separator |= last != b'0';
            last = b'_';
        } else {
            break;
        }
        *at += 1;
    }
    if !any {
        return None;
    }
    let exponent = digits.parse::<i64>().ok()?;
    if bad_separator || last == b'_' {
        return None;
    }
    Some((exponent, base))
}

/// A natural number of any size (little-endian 32-bit limbs), with only
/// the arithmetic `--cpus` needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Natural(Vec<u32>);

impl Natural {
    fn is_zero(&self) -> bool {
        self.0.iter().all(|&limb| limb == 0)
    }

    /// self = self × factor + addend
    fn multiply_add(&mut self, factor: u32, addend: u32) {
        let mut carry = u64::from(addend);
        for limb in &mut self.0 {
            let product = u64::from(*limb) * u64::from(factor) + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    /// self = self / divisor; returns the remainder.
    fn divide_small(&mut self, divisor: u32) -> u32 {
        let mut remainder = 0u64;
        for limb in self.0.iter_mut().rev() {
            let current = remainder << 32 | u64::from(*limb);
            *limb = (current / u64::from(divisor)) as u32;
            remainder = current % u64::from(divisor);
        }
        remainder as u32
    }

    fn trailing_zero_bits(&self) -> u64 {
        let mut zeros = 0;
        for &limb in &self.0 {
            if limb != 0 {
                return zeros + u64::from(limb.trailing_zeros());
            }
            zeros += 32;
        }
        zeros
    }

    fn shift_right(&mut self, bits: u64) {
        let limbs = usize::try_from(bits / 32).unwrap_or(usize::MAX);
        if limbs >= self.0.len() {
            self.0.clear();
            return;
        }
        self.0.drain(..limbs);
        let bits = (bits % 32) as u32;
        if bits > 0 {
            for i in 0..self.0.len() {
                let high = self.0.get(i + 1).copied().unwrap_or(0);
                self.0[i] = self.0[i] >> bits | high << (32 - bits);
            }
        }
    }

    fn low_u64(&self) -> u64 {
        let limb = |i: usize| u64::from(self.0.get(i).copied().unwrap_or(0));
        limb(1) << 32 | limb(0)
    }

    fn bit(&self, index: usize) -> bool {
        self.0
            .get(index / 32)
            .is_some_and(|limb| limb >> (index % 32) & 1 == 1)
    }

    fn bit_length(&self) -> usize {
        for (i, &limb) in self.0.iter().enumerate().rev() {
            if limb != 0 {
                return i * 32 + (32 - limb.leading_zeros() as usize);
            }
        }
        0
    }

    /// Quotient and remainder, by binary long division; `divisor` is not zero.
    fn divide(&self, divisor: &Natural) -> (Natural, Natural) {
        let mut quotient = Natural(vec![0; self.0.len()]);
        let mut remainder = Natural::default();
        for index in (0..self.bit_length()).rev() {
            remainder.multiply_add(2, u32::from(self.bit(index)));
            if !remainder.less_than(divisor) {
                remainder.subtract(divisor);
                quotient.0[index / 32] |= 1 << (index % 32);
            }
        }
        (quotient, remainder)
    }

    fn less_than(&self, other: &Natural) -> bool {
        let width = self.0.len().max(other.0.len());
        for i in (0..width).rev() {
            let (a, b) = (
                self.0.get(i).copied().unwrap_or(0),
                other.0.get(i).copied().unwrap_or(0),
            );
            if a != b {
                return a < b;
            }
        }
        false
    }

    /// self = self - other, for other <= self.
    fn subtract(&mut self, other: &Natural) {
        let mut borrow = 0i64;
        for i in 0..self.0.len() {
            let difference =
                i64::from(self.0[i]) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(difference < 0);
            self.0[i] = difference.rem_euclid(1 << 32) as u32;
        }
    }
}
