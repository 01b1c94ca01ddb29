//! Text made safe inside HTML, for the few pages the server writes itself (sign-in, the missing UI).

/// `text` with the characters that could open markup or close an attribute written as entities.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
