//! Who sent a request: the peer, or, behind a proxy the operator trusts, the address
//! that proxy saw. The rate limits count by it, and the idempotency store can tell
//! clients apart with it.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;
use ipnet::IpNet;
use serde::Deserialize;

/// The header a trusted proxy appends the client's address to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx, HAProxy, most load balancers).
    #[default]
    #[serde(rename = "x-forwarded-for")]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client, for="[2001:db8::1]:4711"`.
    #[serde(rename = "forwarded")]
    Forwarded,
}

impl ForwardedHeader {
    /// The header's name, lowercase.
    pub fn name(self) -> &'static str {
        match self {
            Self::XForwardedFor => "x-forwarded-for",
            Self::Forwarded => "forwarded",
        }
    }
}

/// The proxies whose word about the client is believed, and where they put it.
#[derive(Debug, Clone, Default)]
pub struct Proxies {
    /// Address ranges of the trusted proxies.
    pub trusted: Vec<IpNet>,
    /// The header they append to.
    pub header: ForwardedHeader,
}

impl Proxies {
    fn trusts(&self, address: IpAddr) -> bool {
        self.trusted.iter().any(|net| net.contains(&address))
    }

    /// The client of a request that arrived from `peer` with `headers`.
    ///
    /// The peer is the client unless it is a trusted proxy. Then the client is the
    /// right-most address of the forwarding header that is not a trusted proxy (each
    /// proxy appends the address it saw, so everything left of the last untrusted hop
    /// may be made up by the client, and is not even read), or the left-most when every
    /// hop is trusted. A missing or malformed header, or a hop we must read that is no
    /// address (`unknown`), leaves the peer: what we cannot read proves nothing.
    pub fn identify(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Client {
        let Some(peer) = peer.map(|address| address.to_canonical()) else {
            return Client { address: None };
        };
        if !self.trusts(peer) {
            return Client { address: Some(peer) };
        }
        let chain = match self.header {
            ForwardedHeader::XForwardedFor => forwarded_for_chain(headers),
            ForwardedHeader::Forwarded => forwarded_chain(headers),
        };
        let mut client = None;
        for hop in chain.unwrap_or_default().into_iter().rev() {
            let Some(address) = hop else {
                client = None;
                break;
            };
            client = Some(address);
            if !self.trusts(address) {
                break;
            }
        }
        Client {
            address: Some(client.unwrap_or(peer)),
        }
    }
}

/// Parses a `trusted_proxies` entry: a CIDR range (`10.0.0.0/8`, `::1/128`) or a
/// single address.
pub fn parse_proxy(entry: &str) -> Option<IpNet> {
    let text = entry.trim();
    IpNet::from_str(text)
        .or_else(|_| IpAddr::from_str(text).map(IpNet::from))
        .ok()
        .map(|net| net.trunc())
}

/// Who sent a request, as far as the relay can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Client {
    address: Option<IpAddr>,
}

impl Client {
    /// A client at `address`.
    pub fn at(address: IpAddr) -> Self {
        Self {
            address: Some(address.to_canonical()),
        }
    }

    /// A request with no peer address (called in-process, as tests do).
    pub fn local() -> Self {
        Self { address: None }
    }

    /// The client's address (`None` in-process).
    pub fn address(&self) -> Option<IpAddr> {
        self.address
    }

    /// What the rate limits count by: an IPv4 address, or an IPv6 client's /64 (one
    /// subscriber gets a whole /64, and each address in it is theirs for free).
    pub fn bucket(&self) -> Bucket {
        match self.address {
            None => Bucket::Local,
            Some(IpAddr::V4(address)) => Bucket::V4(address),
            Some(IpAddr::V6(address)) => Bucket::V6((address.to_bits() >> 64) as u64),
        }
    }
}

impl fmt::Display for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.address {
            Some(address) => address.fmt(f),
            None => f.write_str("local"),
        }
    }
}

/// The unit a rate limit counts: see [`Client::bucket`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// In-process requests.
    Local,
    /// One IPv4 address.
    V4(Ipv4Addr),
    /// The upper 64 bits of an IPv6 address.
    V6(u64),
}

/// The hops of the `X-Forwarded-For` headers, left to right (`None` for a hop that is
/// not an address); `None` when a header is not text.
fn forwarded_for_chain(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let mut chain = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        chain.extend(value.to_str().ok()?.split(',').map(|hop| node_address(hop.trim())));
    }
    Some(chain)
}

/// The `for=` of each element of the RFC 7239 `Forwarded` headers, left to right
/// (`None` for an element without a usable address: `unknown`, `_hidden`, no `for=`,
/// broken quoting); `None` when a header is not text.
fn forwarded_chain(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let mut chain = Vec::new();
    for value in headers.get_all("forwarded") {
        chain.extend(
            split_outside_quotes(value.to_str().ok()?, ',')
                .into_iter()
                .map(element_for),
        );
    }
    Some(chain)
}

/// `for=192.0.2.60;proto=http;by=203.0.113.43` → `192.0.2.60`.
fn element_for(element: &str) -> Option<IpAddr> {
    let mut address = None;
    for pair in split_outside_quotes(element, ';') {
        let (name, value) = pair.trim().split_once('=')?;
        if name.trim().eq_ignore_ascii_case("for") {
            address = Some(node_address(&unquote(value.trim())?)?);
        }
    }
    address
}

/// `192.0.2.1`, `192.0.2.1:80`, `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:4711`.
fn node_address(text: &str) -> Option<IpAddr> {
    if let Ok(address) = IpAddr::from_str(text) {
        return Some(address.to_canonical());
    }
    if let Ok(address) = SocketAddr::from_str(text) {
        return Some(address.ip().to_canonical());
    }
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    inner
        .parse::<std::net::Ipv6Addr>()
        .ok()
        .map(|a| IpAddr::V6(a).to_canonical())
}

/// A token as is, or a quoted-string without its quotes and escapes.
fn unquote(text: &str) -> Option<String> {
    let Some(inner) = text.strip_prefix('"') else {
        return (!text.contains('"')).then(|| text.to_owned());
    };
    let inner = inner.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// Splits on `separator` where it is not inside a quoted-string.
fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (index, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == separator && !quoted => {
                parts.push(&text[start..index]);
                start = index + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_addresses_in_every_form() {
        for (text, expected) in [
            ("192.0.2.1", "192.0.2.1"),
            ("192.0.2.1:80", "192.0.2.1"),
            ("2001:db8::1", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("[2001:db8::1]:4711", "2001:db8::1"),
            ("::ffff:192.0.2.1", "192.0.2.1"),
        ] {
            assert_eq!(node_address(text), Some(expected.parse().unwrap()), "{text}");
        }
        for text in ["", "unknown", "_hidden", "192.0.2", "[192.0.2.1]", "example.com"] {
            assert_eq!(node_address(text), None, "{text}");
        }
    }

    #[test]
    fn quoted_strings_keep_their_separators() {
        assert_eq!(
            split_outside_quotes(r#"for="a,b";by=c, for=d"#, ','),
            vec![r#"for="a,b";by=c"#, " for=d"]
        );
        assert_eq!(unquote(r#""[::1]:80""#).as_deref(), Some("[::1]:80"));
        assert_eq!(unquote(r#""a\"b""#).as_deref(), Some("a\"b"));
        assert_eq!(unquote(r#""open"#), None);
        assert_eq!(unquote(r#"a"b"#), None);
    }
}
