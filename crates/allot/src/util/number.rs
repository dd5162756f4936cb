//! Number formatting shared by every report and the unit formatter: thousands separators.

/// Formats a number with a fixed number of decimals and thousands separators (`12,345.67`).
///
/// ```
/// assert_eq!(allot::report::grouped(1234567.891, 2), "1,234,567.89");
/// assert_eq!(allot::report::grouped(-0.004, 2), "0.00");
/// ```
pub fn grouped(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.find('.') {
        Some(i) => (&s[..i], &s[i..]),
        None => (&s[..], ""),
    };
    let mut out = String::new();
    for (k, ch) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    let is_zero = s.chars().all(|c| c == '0' || c == '.');
    let sign = if x < 0.0 && !is_zero { "-" } else { "" };
    format!("{sign}{out}{frac}")
}
