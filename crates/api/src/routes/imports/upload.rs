//! What an upload says about itself: its content type (CSV in UTF-8) and the file's name.

use crate::ApiError;
use axum::http::{header, HeaderMap};

/// `text/csv` (or `application/csv`), in UTF-8.
pub(super) fn csv_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut parts = value.split(';').map(str::trim);
    let essence = parts.next().unwrap_or("");
    if essence != "text/csv" && essence != "application/csv" {
        return Err(ApiError::MediaType("text/csv"));
    }
    let charset = parts.find_map(|p| p.strip_prefix("charset="));
    match charset.map(|c| c.trim_matches('"')) {
        None | Some("utf-8") | Some("utf8") | Some("us-ascii") => Ok(()),
        Some(_) => Err(ApiError::MediaType("text/csv in UTF-8")),
    }
}

/// The `filename` (or `filename*`) of a Content-Disposition header.
pub(super) fn disposition_file_name(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_DISPOSITION)?.to_str().ok()?;
    let mut plain = None;
    for param in value.split(';').map(str::trim) {
        let Some((key, v)) = param.split_once('=') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                // RFC 5987: charset'language'percent-encoded
                let encoded = v.trim().splitn(3, '\'').nth(2)?;
                return percent_decode(encoded);
            }
            "filename" => plain = Some(v.trim().trim_matches('"').to_owned()),
            _ => {}
        }
    }
    plain
}

pub(super) fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A file name as it is kept: its last path component, without control characters, at most 255
/// characters; nothing if that leaves nothing.
pub(super) fn clean_file_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    let clean = clean.trim();
    (!clean.is_empty()).then(|| clean.to_owned())
}
