//! Floats as Erlang 25 writes them: shared by `~p` term printing and jsx's JSON writing, which
//! both print a double the way `io_lib` does.

/// A float as Erlang 25 writes it (`io_lib:write/1`, `~p`): the shortest digits that read back
/// to the same double, in plain notation when that is no longer than the exponent form
/// (`2.0`, `0.001`, `100.0`, `123456789012.0`), else `1.0e3`, `1.2e-4`, `1.0e20`.
pub fn erlang_float(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    if !f.is_finite() {
        // Erlang has no such floats; only reachable through a hand-built Json value.
        return if f.is_nan() { "nan" } else { "inf" }.to_string();
    }
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i64 = exp.parse().unwrap_or(0);
    // Erlang's `Place`: the value is 0.DIGITS times ten to the power `place`.
    let place = exp + 1;
    let len = digits.len() as i64;
    let body = if place == 0 {
        format!("0.{digits}")
    } else if place < 0 || place >= len {
        let exp_text = (place - 1).to_string();
        let exp_dot = if len == 1 { 2 } else { 1 };
        let exp_cost = exp_text.len() as i64 + 1 + exp_dot;
        let with_exp = || {
            let (first, rest) = digits.split_at(1);
            if rest.is_empty() {
                format!("{first}.0e{exp_text}")
            } else {
                format!("{first}.{rest}e{exp_text}")
            }
        };
        if place < 0 {
            if 2 - place <= exp_cost {
                format!("0.{}{digits}", "0".repeat((-place) as usize))
            } else {
                with_exp()
            }
        } else if place - len + 2 <= exp_cost && f.abs() < 9_007_199_254_740_992.0 {
            format!("{digits}{}.0", "0".repeat((place - len) as usize))
        } else {
            with_exp()
        }
    } else {
        let (a, b) = digits.split_at(place as usize);
        format!("{a}.{b}")
    };
    if f < 0.0 {
        format!("-{body}")
    } else {
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_erlang_25_prints_them() {
        for (f, s) in [
            (2.0, "2.0"),
            (0.1, "0.1"),
            (0.5, "0.5"),
            (1.0e20, "1.0e20"),
            (100.0, "100.0"),
            (1000.0, "1.0e3"),
            (1.0e-5, "1.0e-5"),
            (0.001, "0.001"),
            (0.0001, "0.0001"),
            (0.00012, "1.2e-4"),
            (2.5e-5, "2.5e-5"),
            (123.456, "123.456"),
            (100.5, "100.5"),
            (12345678.9, "12345678.9"),
            (1.2e7, "1.2e7"),
            (1.5e300, "1.5e300"),
            (9007199254740992.0, "9.007199254740992e15"),
            (9007199254740991.0, "9007199254740991.0"),
            (123456789012.0, "123456789012.0"),
            (1.0e15, "1.0e15"),
            (5.0e-324, "5.0e-324"),
            (1.7976931348623157e308, "1.7976931348623157e308"),
            (-2.5, "-2.5"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
        ] {
            assert_eq!(erlang_float(f), s, "{f:e}");
        }
    }
}
