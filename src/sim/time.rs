//! Simulated time. The core never reads a clock: callers advance time explicitly.

use std::fmt;

/// Simulated time in microseconds since the start of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Micros(pub u64);

impl Micros {
    pub const ZERO: Micros = Micros(0);

    pub fn from_ms(ms: u64) -> Micros {
        Micros(ms * 1_000)
    }

    pub fn from_secs(s: u64) -> Micros {
        Micros(s * 1_000_000)
    }

    pub fn as_ms_f64(self) -> f64 {
        self.0 as f64 / 1_000.0
    }

    pub fn saturating_add(self, d: Micros) -> Micros {
        Micros(self.0.saturating_add(d.0))
    }
}

impl std::ops::Add for Micros {
    type Output = Micros;
    fn add(self, rhs: Micros) -> Micros {
        Micros(self.0 + rhs.0)
    }
}

impl fmt::Display for Micros {
    /// Renders as the most readable unit: `1.250s`, `25ms`, `300µs`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let us = self.0;
        if us >= 1_000_000 {
            write!(f, "{}.{:03}s", us / 1_000_000, (us % 1_000_000) / 1_000)
        } else if us >= 1_000 && us.is_multiple_of(1_000) {
            write!(f, "{}ms", us / 1_000)
        } else if us >= 1_000 {
            write!(f, "{}.{:03}ms", us / 1_000, us % 1_000)
        } else {
            write!(f, "{}µs", us)
        }
    }
}

/// Parses a duration such as `90s`, `250ms`, `2min`, `1.5s`, `500us` (a bare number is ms).
pub fn parse_duration(s: &str) -> Result<Micros, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let value: f64 = num.parse().map_err(|_| {
        format!("invalid duration '{s}': expected a number followed by us, ms, s or min")
    })?;
    let scale = match unit {
        "" | "ms" => 1_000.0,
        "us" | "µs" => 1.0,
        "s" => 1_000_000.0,
        "m" | "min" => 60_000_000.0,
        "h" => 3_600_000_000.0,
        _ => {
            return Err(format!(
                "invalid duration '{s}': unknown unit '{unit}' (use us, ms, s or min)"
            ))
        }
    };
    let us = value * scale;
    if !us.is_finite() || !(0.0..=1e15).contains(&us) {
        return Err(format!("invalid duration '{s}': out of range"));
    }
    Ok(Micros(us.round() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!(parse_duration("90s"), Ok(Micros(90_000_000)));
        assert_eq!(parse_duration("1ms"), Ok(Micros(1_000)));
        assert_eq!(parse_duration("2min"), Ok(Micros(120_000_000)));
        assert_eq!(parse_duration("1.5s"), Ok(Micros(1_500_000)));
        assert_eq!(parse_duration("7"), Ok(Micros(7_000)));
        assert!(parse_duration("abc").is_err());
        assert!(parse_duration("5parsecs").is_err());
    }

    #[test]
    fn displays_readably() {
        assert_eq!(Micros(1_250_000).to_string(), "1.250s");
        assert_eq!(Micros(25_000).to_string(), "25ms");
        assert_eq!(Micros(300).to_string(), "300µs");
    }
}
