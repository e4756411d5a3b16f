//! Which inline files hold text the model reads: media types that are text,
//! and OpenAI `file_data` strings (a `data:<type>;base64,` URL, or bare
//! base64 named by its `filename`). The shape readers say where a file is;
//! this says whether and how its data is read.

/// How a file's data string holds text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FileText {
    /// Base64 text after the string's first `prefix` bytes (a data URL's
    /// `data:<type>;base64,`, or none).
    Base64 { prefix: usize },
    /// The text as it is (a data URL not marked base64).
    Plain,
}

/// Whether a media type (parameters such as `; charset=utf-8` allowed) names
/// text a model reads as text rather than a binary it renders (PDFs, images).
pub(super) fn is_text_media(media: &str) -> bool {
    let essence = essence(media).to_ascii_lowercase();
    let Some((kind, sub)) = essence.split_once('/') else {
        return false;
    };
    match kind {
        "text" => true,
        "application" => {
            sub.ends_with("+json")
                || sub.ends_with("+xml")
                || matches!(
                    sub,
                    "json"
                        | "x-ndjson"
                        | "xml"
                        | "yaml"
                        | "x-yaml"
                        | "toml"
                        | "javascript"
                        | "x-javascript"
                        | "ecmascript"
                        | "typescript"
                        | "x-sh"
                        | "sql"
                        | "csv"
                        | "x-httpd-php"
                        | "x-python"
                )
        }
        _ => false,
    }
}

/// A media type without its parameters (`text/csv; charset=utf-8` → `text/csv`).
fn essence(media: &str) -> &str {
    media.split(';').next().unwrap_or_default().trim()
}

/// Whether a file name's extension names a text file (for base64 data that
/// does not say its media type).
fn is_text_name(name: &str) -> bool {
    let Some((_, ext)) = name.rsplit_once('.') else {
        return false;
    };
    matches!(
        ext.to_ascii_lowercase().as_str(),
        "txt"
            | "text"
            | "md"
            | "markdown"
            | "csv"
            | "tsv"
            | "json"
            | "jsonl"
            | "ndjson"
            | "xml"
            | "yaml"
            | "yml"
            | "toml"
            | "ini"
            | "log"
            | "html"
            | "htm"
            | "rst"
            | "tex"
            | "py"
            | "js"
            | "ts"
            | "rs"
            | "go"
            | "java"
            | "c"
            | "h"
            | "cpp"
            | "cs"
            | "rb"
            | "php"
            | "sh"
            | "sql"
    )
}

/// How an OpenAI `file_data` string holds text, or `None` when it is not a
/// text file (a PDF, an image, another binary: left as it is).
///
/// A data URL says its media type; one with none is text (RFC 2397's
/// default), and one of `application/octet-stream` says nothing, so the
/// file name decides as for bare base64.
pub(super) fn openai_file_text(data: &str, filename: Option<&str>) -> Option<FileText> {
    let by_name = || filename.is_some_and(is_text_name);
    if !data
        .get(..5)
        .is_some_and(|s| s.eq_ignore_ascii_case("data:"))
    {
        return by_name().then_some(FileText::Base64 { prefix: 0 });
    }
    let comma = data.find(',')?;
    let meta = data.get(5..comma)?;
    let (media, base64) = match meta.rsplit_once(';') {
        Some((media, flag)) if flag.trim().eq_ignore_ascii_case("base64") => (media, true),
        _ => (meta, false),
    };
    let essence = essence(media);
    let text = if essence.is_empty() {
        true
    } else if essence.eq_ignore_ascii_case("application/octet-stream") {
        by_name()
    } else {
        is_text_media(media)
    };
    match (text, base64) {
        (false, _) => None,
        (true, true) => Some(FileText::Base64 { prefix: comma + 1 }),
        (true, false) => Some(FileText::Plain),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_media_types_are_told_from_binaries() {
        for text in [
            "text/plain",
            "TEXT/Markdown; charset=utf-8",
            "application/json",
            "application/ld+json",
            "application/xml",
        ] {
            assert!(is_text_media(text), "{text}");
        }
        for binary in [
            "application/pdf",
            "image/png",
            "application/zip",
            "",
            "text",
        ] {
            assert!(!is_text_media(binary), "{binary}");
        }
    }

    #[test]
    fn file_data_strings_say_how_they_hold_text() {
        let b64 = |prefix: &str| {
            Some(FileText::Base64 {
                prefix: prefix.len(),
            })
        };
        let url = "data:text/plain;base64,";
        assert_eq!(openai_file_text(&format!("{url}QQ=="), None), b64(url));
        let url = "data:text/csv;charset=utf-8;base64,";
        assert_eq!(openai_file_text(&format!("{url}QQ=="), None), b64(url));
        let url = "data:;base64,";
        assert_eq!(openai_file_text(&format!("{url}QQ=="), None), b64(url));
        assert_eq!(
            openai_file_text("data:application/pdf;base64,JVBE", None),
            None
        );
        assert_eq!(
            openai_file_text("data:application/pdf;base64,JVBE", Some("a.txt")),
            None
        );
        let url = "data:application/octet-stream;base64,";
        assert_eq!(
            openai_file_text(&format!("{url}QQ=="), Some("a.md")),
            b64(url)
        );
        assert_eq!(
            openai_file_text("data:application/octet-stream;base64,QQ==", None),
            None
        );
        assert_eq!(
            openai_file_text("data:text/plain,hello", None),
            Some(FileText::Plain)
        );
        // Bare base64: the file name decides.
        assert_eq!(openai_file_text("QQ==", Some("notes.TXT")), b64(""));
        assert_eq!(openai_file_text("JVBE", Some("report.pdf")), None);
        assert_eq!(openai_file_text("QQ==", None), None);
        // A data URL without a comma is not one to read.
        assert_eq!(openai_file_text("data:text/plain;base64", None), None);
    }
}
