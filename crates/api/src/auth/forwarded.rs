//! Who the client is behind our own proxies. `Forwarded` (RFC 7239, its `for=`) and `X-Forwarded-For`
//! are believed only when the TCP peer is a trusted proxy, and are read from the right: each proxy
//! appends the address it saw, so walking leftwards past trusted hops, the first untrusted address is
//! the client. What a client wrote into the header itself sits further left and is never read, nor
//! parsed. A hop we cannot read (malformed), or both headers at once (one of them the client's,
//! unknowable which), leaves the peer; a hidden hop (`unknown`, `_obfuscated`) leaves the nearest
//! address known, the trusted proxy that hid it.

use axum::http::{HeaderMap, HeaderName};
use ipnet::IpNet;
use std::net::IpAddr;

/// The proxies whose forwarding headers are believed (`MINICRM_TRUSTED_PROXIES`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// A header that cannot be read as a chain of hops.
#[derive(Debug, PartialEq, Eq)]
struct Unreadable;

/// One hop of the chain, as the proxy to its right saw it.
#[derive(Debug, PartialEq, Eq)]
enum Hop {
    Address(IpAddr),
    /// `unknown`, an obfuscated `_name`, or a `Forwarded` element without `for=`.
    Hidden,
}

impl TrustedProxies {
    /// `10.0.0.0/8, ::1/128, 192.0.2.7`: networks, or addresses (a network of one); empty: none.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut networks = Vec::new();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let network = match item.parse::<IpNet>() {
                Ok(network) => network.trunc(),
                Err(_) => item
                    .parse::<IpAddr>()
                    .map(IpNet::from)
                    .map_err(|_| format!("'{item}' is not a network (10.0.0.0/8) or an address"))?,
            };
            networks.push(network);
        }
        Ok(Self(networks))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(&ip))
    }

    /// The client's address: the TCP `peer`, or, when the peer is trusted, what its headers say.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        // A dual-stack listener sees IPv4 peers as ::ffff:a.b.c.d; the networks are written as IPv4.
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let Ok(chain) = chain(headers) else {
            return peer;
        };
        let mut nearest = peer;
        for hop in chain.iter().rev() {
            match parse_node(hop) {
                Err(Unreadable) => return peer,
                Ok(Hop::Hidden) => return nearest,
                Ok(Hop::Address(ip)) if self.trusts(ip) => nearest = ip,
                Ok(Hop::Address(ip)) => return ip,
            }
        }
        nearest
    }
}

const FORWARDED: HeaderName = HeaderName::from_static("forwarded");
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The hops, left (furthest) to right (nearest), as text: the `for=` values of `Forwarded` (`_` for an
/// element without one), or the items of `X-Forwarded-For`. Several lines of a header are one list.
fn chain(headers: &HeaderMap) -> Result<Vec<String>, Unreadable> {
    let joined = |name: &HeaderName| -> Result<Option<String>, Unreadable> {
        let mut values = headers.get_all(name).iter().peekable();
        if values.peek().is_none() {
            return Ok(None);
        }
        let texts: Result<Vec<&str>, _> = values.map(|v| v.to_str()).collect();
        Ok(Some(texts.map_err(|_| Unreadable)?.join(",")))
    };
    match (joined(&FORWARDED)?, joined(&X_FORWARDED_FOR)?) {
        (Some(_), Some(_)) => Err(Unreadable),
        (Some(forwarded), None) => forwarded_hops(&forwarded),
        (None, Some(xff)) => xff_hops(&xff),
        (None, None) => Ok(Vec::new()),
    }
}

fn xff_hops(text: &str) -> Result<Vec<String>, Unreadable> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    Ok(text.split(',').map(|item| item.trim().to_owned()).collect())
}

fn forwarded_hops(text: &str) -> Result<Vec<String>, Unreadable> {
    let mut hops = Vec::new();
    for element in split_unquoted(text, ',')? {
        if element.trim().is_empty() {
            continue;
        }
        let mut node = None;
        for pair in split_unquoted(element, ';')? {
            let pair = pair.trim();
            if pair.is_empty() {
                continue;
            }
            let (name, value) = pair.split_once('=').ok_or(Unreadable)?;
            if name.trim().eq_ignore_ascii_case("for") {
                if node.is_some() {
                    return Err(Unreadable);
                }
                node = Some(unquote(value.trim())?);
            }
        }
        hops.push(node.unwrap_or_else(|| "_".to_owned()));
    }
    Ok(hops)
}

/// Splits at `separator` outside quoted strings; an unterminated quote is unreadable.
fn split_unquoted(text: &str, separator: char) -> Result<Vec<&str>, Unreadable> {
    let (mut parts, mut start, mut quoted, mut escaped) = (Vec::new(), 0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == separator && !quoted => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if quoted {
        return Err(Unreadable);
    }
    parts.push(&text[start..]);
    Ok(parts)
}

/// A token, or a quoted string with its escapes undone.
fn unquote(value: &str) -> Result<String, Unreadable> {
    if let Some(inner) = value.strip_prefix('"') {
        let inner = inner.strip_suffix('"').ok_or(Unreadable)?;
        let (mut text, mut escaped) = (String::new(), false);
        for c in inner.chars() {
            match c {
                '\\' if !escaped => escaped = true,
                c => {
                    text.push(c);
                    escaped = false;
                }
            }
        }
        return Ok(text);
    }
    let token = !value.is_empty() && !value.contains(|c: char| c.is_whitespace() || c == '"');
    token.then(|| value.to_owned()).ok_or(Unreadable)
}

/// A node: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]:4711`, `unknown`, `_hidden`.
fn parse_node(node: &str) -> Result<Hop, Unreadable> {
    if node.eq_ignore_ascii_case("unknown") || is_obfuscated(node) {
        return Ok(Hop::Hidden);
    }
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Ok(Hop::Address(ip.to_canonical()));
    }
    let (host, port) = match node.strip_prefix('[') {
        Some(rest) => {
            let (host, after) = rest.split_once(']').ok_or(Unreadable)?;
            let port = match after {
                "" => None,
                after => Some(after.strip_prefix(':').ok_or(Unreadable)?),
            };
            (host, port)
        }
        None => {
            let (host, port) = node.rsplit_once(':').ok_or(Unreadable)?;
            (host, Some(port))
        }
    };
    if let Some(port) = port {
        let numeric =
            !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit());
        if !numeric && !is_obfuscated(port) {
            return Err(Unreadable);
        }
    }
    if host.eq_ignore_ascii_case("unknown") || is_obfuscated(host) {
        return Ok(Hop::Hidden);
    }
    let ip: IpAddr = host.parse().map_err(|_| Unreadable)?;
    // IPv6 goes in brackets when a port follows, and an IPv4 address never does.
    if ip.is_ipv6() != node.starts_with('[') {
        return Err(Unreadable);
    }
    Ok(Hop::Address(ip.to_canonical()))
}

/// RFC 7239 §6.3: `_` and then letters, digits, `.`, `_` or `-`.
fn is_obfuscated(text: &str) -> bool {
    text.strip_prefix('_').is_some_and(|rest| {
        rest.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    })
}

#[cfg(test)]
mod tests;
