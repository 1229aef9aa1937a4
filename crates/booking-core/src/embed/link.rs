//! Links the widget follows or writes: a provider's `redirectUrl`/`confirmationLink`
//! is followed only when it is a web address, and the reschedule link carries the
//! booking and its token (in the fragment, out of logs).

use super::config::Provider;
use crate::time::Timestamp;

/// A link the widget will not follow, because it is not a secure web address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRefused;

/// `link` when it is safe to send the visitor to: `https://` with a host, or
/// `http://` on this machine (`localhost`, `127.0.0.1`, `[::1]`). Anything else
/// (`javascript:`, `data:`, relative paths, addresses with spaces or control
/// characters, which browsers strip before reading the scheme) is refused.
pub fn followable(link: &str) -> Result<&str, LinkRefused> {
    if link.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(LinkRefused);
    }
    let (scheme, rest) = link.split_once("://").ok_or(LinkRefused)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // `user@host` shows one host and goes to another.
    if authority.is_empty() || authority.contains('@') || authority.contains('\\') {
        return Err(LinkRefused);
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    match scheme.to_ascii_lowercase().as_str() {
        "https" if !host.is_empty() => Ok(link),
        "http" if matches!(host.to_ascii_lowercase().as_str(), "localhost" | "127.0.0.1" | "::1") => Ok(link),
        _ => Err(LinkRefused),
    }
}

/// The page that moves this booking: `page` (the embed's `data-reschedule-url`, or
/// the current page without its query) with `booking`, `token` and `provider` added
/// in its fragment, which a widget of that provider on that page reads.
///
/// The fragment, not the query: browsers send neither to other sites nor to the
/// page's own server, so the token stays out of server logs, `Referer` headers and
/// analytics that record page addresses. A fragment the page had already is kept in
/// front: a fragment route (`#/book`) gets them as its query (`#/book?booking=…`),
/// a fragment with parameters one more (`&booking=…`); [`fragment_query`] reads them
/// back from either.
/// `start`, the booking's time, rides along as `at` (UTC), so the reschedule form can
/// show the visitor the time they are moving.
pub fn reschedule_link(
    page: &str,
    provider: Provider,
    booking_id: &str,
    token: Option<&str>,
    start: Option<&Timestamp>,
) -> String {
    let (base, fragment) = page.split_once('#').unwrap_or((page, ""));
    let mut link = base.to_owned();
    link.push('#');
    if !fragment.is_empty() {
        link.push_str(fragment);
        link.push(if fragment.bytes().any(|b| b == b'?' || b == b'=') {
            '&'
        } else {
            '?'
        });
    }
    link.push_str("booking=");
    encode_component(&mut link, booking_id);
    if let Some(token) = token {
        link.push_str("&token=");
        encode_component(&mut link, token);
    }
    if let Some(start) = start {
        link.push_str("&at=");
        encode_component(&mut link, &start.to_utc_z());
    }
    link.push_str("&provider=");
    link.push_str(provider.key());
    link
}

/// The part of a page URL's fragment (`location.hash`, with or without its `#`) that
/// holds a reschedule link's parameters: after its first `?` when it has one (a
/// fragment route, `#/book?booking=…`), else all of it (`#booking=…`).
pub fn fragment_query(fragment: &str) -> &str {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    fragment.split_once('?').map_or(fragment, |(_, query)| query)
}

/// The page URL's reschedule parameters, decoded: the fragment's when they name a
/// `booking` (links written since tokens left the query), else the query's (links
/// mailed before, `?booking=…&token=…`, keep working). One or the other, never a mix,
/// so a booking is never paired with another link's token.
pub fn link_parameters(fragment: Vec<(String, String)>, query: Vec<(String, String)>) -> Vec<(String, String)> {
    if fragment.iter().any(|(name, _)| name == "booking") {
        fragment
    } else {
        query
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode_component(out: &mut String, value: &str) {
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            // Two digits from a table rather than `write!("%{byte:02X}")`: the only
            // hexadecimal formatting in the wasm, and its argument table, cost more.
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
}
