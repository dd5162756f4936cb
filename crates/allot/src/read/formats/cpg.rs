//! The text encoding a Shapefile's `.cpg` names. Tools write it in several spellings: a
//! WHATWG label (`UTF-8`, `ISO-8859-1`, `windows-1252`, `Big5`), a bare Windows code page
//! number (`1252`; `65001` for UTF-8, what some Windows tools write; `932`, `936`, `949`,
//! `950` for the East Asian ones; `28591`–`28605` for ISO 8859), or ESRI's `8859N` for ISO
//! 8859-N (`88591`, `885915`), which ArcGIS writes. GDAL reads each of these; so does allot.

use encoding_rs::Encoding;

/// The encoding a `.cpg` text names, or `None` when it names none allot knows.
pub fn encoding_of_cpg(text: &str) -> Option<&'static Encoding> {
    let label = text.trim();
    let digits = !label.is_empty() && label.bytes().all(|b| b.is_ascii_digit());
    let label = match label {
        l if digits && l.len() > 4 && l.starts_with("8859") => format!("iso-8859-{}", &l[4..]),
        l if digits => match l.parse::<u32>().ok()? {
            65001 => "utf-8".to_string(),
            932 => "shift_jis".to_string(),
            936 => "gbk".to_string(),
            949 => "euc-kr".to_string(),
            950 => "big5".to_string(),
            20866 => "koi8-r".to_string(),
            21866 => "koi8-u".to_string(),
            n @ 28591..=28605 => format!("iso-8859-{}", n - 28590),
            n => format!("windows-{n}"),
        },
        l => l.to_string(),
    };
    Encoding::for_label(label.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each spelling against the encoding GDAL decodes it as (by hand from its shapefile
    /// driver's code page table).
    #[test]
    fn every_spelling_names_its_encoding() {
        let cases = [
            ("UTF-8", encoding_rs::UTF_8),
            ("utf8 ", encoding_rs::UTF_8),
            ("65001", encoding_rs::UTF_8),
            ("1252", encoding_rs::WINDOWS_1252),
            ("windows-1256", encoding_rs::WINDOWS_1256),
            ("88591", encoding_rs::WINDOWS_1252),
            ("885915", encoding_rs::ISO_8859_15),
            ("28592", encoding_rs::ISO_8859_2),
            ("ISO-8859-6", encoding_rs::ISO_8859_6),
            ("932", encoding_rs::SHIFT_JIS),
            ("936", encoding_rs::GBK),
            ("949", encoding_rs::EUC_KR),
            ("950", encoding_rs::BIG5),
            ("Big5", encoding_rs::BIG5),
        ];
        for (text, want) in cases {
            assert_eq!(encoding_of_cpg(text), Some(want), "{text:?}");
        }
        assert_eq!(encoding_of_cpg("8859_1"), None);
        assert_eq!(encoding_of_cpg("437"), None);
        assert_eq!(encoding_of_cpg("99999999999"), None);
    }
}
