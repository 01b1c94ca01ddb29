//! The header walk: spoofed entries, IPv6, ports, quoting, hidden hops, and what is not believed.

use super::*;
use axum::http::HeaderValue;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn trusted(text: &str) -> TrustedProxies {
    TrustedProxies::parse(text).unwrap()
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

/// The client seen through a proxy at 10.0.0.1 (trusted, with the rest of 10.0.0.0/8 and ::1).
fn client(pairs: &[(&str, &str)]) -> IpAddr {
    trusted("10.0.0.0/8, ::1/128").client(ip("10.0.0.1"), &headers(pairs))
}

#[test]
fn an_untrusted_peer_is_the_client_whatever_its_headers_say() {
    let proxies = trusted("10.0.0.0/8");
    let forged = headers(&[("x-forwarded-for", "203.0.113.9")]);
    assert_eq!(proxies.client(ip("192.0.2.1"), &forged), ip("192.0.2.1"));
    let forged = headers(&[("forwarded", "for=203.0.113.9")]);
    assert_eq!(proxies.client(ip("192.0.2.1"), &forged), ip("192.0.2.1"));
    assert_eq!(
        TrustedProxies::default().client(ip("10.0.0.1"), &forged),
        ip("10.0.0.1"),
        "no proxy is trusted by default"
    );
}

#[test]
fn the_first_untrusted_hop_from_the_right_is_the_client() {
    assert_eq!(
        client(&[("x-forwarded-for", "203.0.113.9")]),
        ip("203.0.113.9")
    );
    // What the client wrote itself is left of what our proxy appended.
    assert_eq!(
        client(&[("x-forwarded-for", "1.1.1.1, 8.8.8.8, 203.0.113.9")]),
        ip("203.0.113.9")
    );
    assert_eq!(
        client(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.7")]),
        ip("203.0.113.9"),
        "a second trusted proxy is skipped"
    );
    assert_eq!(
        client(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("x-forwarded-for", "203.0.113.9")
        ]),
        ip("203.0.113.9"),
        "several lines are one list"
    );
}

#[test]
fn when_every_hop_is_trusted_the_left_most_is_the_client() {
    assert_eq!(
        client(&[("x-forwarded-for", "10.0.0.9, 10.0.0.7")]),
        ip("10.0.0.9")
    );
    assert_eq!(client(&[]), ip("10.0.0.1"), "no header: the peer");
    assert_eq!(client(&[("x-forwarded-for", " ")]), ip("10.0.0.1"));
}

#[test]
fn ipv6_and_ports() {
    assert_eq!(
        client(&[("x-forwarded-for", "2001:db8::1")]),
        ip("2001:db8::1")
    );
    assert_eq!(
        client(&[("x-forwarded-for", "[2001:db8::1]:4711, 10.0.0.7:80")]),
        ip("2001:db8::1")
    );
    assert_eq!(
        client(&[("x-forwarded-for", "203.0.113.9:51234")]),
        ip("203.0.113.9")
    );
    let proxies = trusted("::1/128");
    let forwarded = headers(&[("x-forwarded-for", "2001:db8::7")]);
    assert_eq!(proxies.client(ip("::1"), &forwarded), ip("2001:db8::7"));
    // An IPv4 peer on a dual-stack socket.
    assert_eq!(
        trusted("10.0.0.0/8").client(ip("::ffff:10.0.0.1"), &forwarded),
        ip("2001:db8::7")
    );
    assert_eq!(
        client(&[("x-forwarded-for", "::ffff:203.0.113.9")]),
        ip("203.0.113.9")
    );
}

#[test]
fn forwarded_elements_quoted_and_not() {
    assert_eq!(
        client(&[("forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43")]),
        ip("192.0.2.60")
    );
    assert_eq!(
        client(&[("forwarded", r#"for="[2001:db8:cafe::17]:4711""#)]),
        ip("2001:db8:cafe::17")
    );
    assert_eq!(
        client(&[("forwarded", r#"for=192.0.2.43, For="[::1]:4711""#)]),
        ip("192.0.2.43"),
        "::1 is trusted, so the hop before it"
    );
    assert_eq!(
        client(&[(
            "forwarded",
            r#"for=192.0.2.43, for="198.51.100.17:80";by="x,y""#
        )]),
        ip("198.51.100.17"),
        "a comma inside quotes separates nothing"
    );
    assert_eq!(
        client(&[
            ("forwarded", "for=1.1.1.1"),
            ("forwarded", "for=198.51.100.17")
        ]),
        ip("198.51.100.17")
    );
}

#[test]
fn a_hidden_hop_leaves_the_proxy_that_hid_it() {
    assert_eq!(
        client(&[("forwarded", "for=_hidden, for=10.0.0.7")]),
        ip("10.0.0.7")
    );
    assert_eq!(client(&[("forwarded", "for=unknown")]), ip("10.0.0.1"));
    assert_eq!(
        client(&[("forwarded", r#"for="_gazonk:_port", for=10.0.0.7"#)]),
        ip("10.0.0.7")
    );
    assert_eq!(
        client(&[("forwarded", "proto=https;by=10.0.0.1")]),
        ip("10.0.0.1"),
        "an element without for="
    );
    assert_eq!(
        client(&[("x-forwarded-for", "203.0.113.9, unknown")]),
        ip("10.0.0.1")
    );
    // Beyond the client, nothing is read: a hidden hop there changes nothing.
    assert_eq!(
        client(&[("forwarded", "for=_x, for=203.0.113.9")]),
        ip("203.0.113.9")
    );
}

#[test]
fn unreadable_headers_leave_the_peer() {
    for pairs in [
        [("x-forwarded-for", "203.0.113.9, garbage")],
        [("x-forwarded-for", "203.0.113.9,")],
        [("x-forwarded-for", "203.0.113.9:port")],
        [("x-forwarded-for", "2001:db8::1:4711]")],
        [("x-forwarded-for", "[203.0.113.9]:80")],
        [("forwarded", r#"for="[2001:db8::1"#)],
        [("forwarded", "for=203.0.113.9;for=198.51.100.1")],
        [("forwarded", "for")],
        [("forwarded", "for=")],
        [("forwarded", "for=[2001:db8::1")],
    ] {
        assert_eq!(client(&pairs), ip("10.0.0.1"), "{pairs:?}");
    }
    // Both headers: one of them is the client's own, and which cannot be known.
    assert_eq!(
        client(&[
            ("forwarded", "for=198.51.100.1"),
            ("x-forwarded-for", "203.0.113.9")
        ]),
        ip("10.0.0.1")
    );
    // Garbage the client put left of its own address is never read.
    assert_eq!(
        client(&[("x-forwarded-for", "not an address, 203.0.113.9")]),
        ip("203.0.113.9")
    );
}

#[test]
fn the_setting_takes_networks_and_addresses() {
    let proxies = trusted(" 10.0.0.0/8 ,::1/128, 192.0.2.7,,");
    assert!(proxies.trusts(ip("10.200.0.1")));
    assert!(proxies.trusts(ip("::1")));
    assert!(proxies.trusts(ip("192.0.2.7")));
    assert!(!proxies.trusts(ip("192.0.2.8")));
    assert!(trusted("").is_empty());
    assert!(
        trusted("10.1.2.3/8").trusts(ip("10.9.9.9")),
        "host bits are dropped"
    );
    for bad in ["10.0.0.0/33", "proxy.internal", "10.0.0.0/8;"] {
        let error = TrustedProxies::parse(bad).unwrap_err();
        assert!(error.contains(bad.trim_end_matches(';')), "{error}");
    }
}
