//! Links the widget follows or writes: a provider's `redirectUrl`/`confirmationLink`
//! is followed only when it is a web address, and the reschedule link carries the
//! booking and its token.

use super::config::Provider;

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
/// the current page without its query) with `booking`, `token` and `provider` added,
/// which a widget of that provider on that page reads.
pub fn reschedule_link(page: &str, provider: Provider, booking_id: &str, token: Option<&str>) -> String {
    let (base, fragment) = match page.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (page, None),
    };
    let mut link = base.to_owned();
    let mut add = |name: &str, value: &str| {
        link.push(if link.contains('?') { '&' } else { '?' });
        link.push_str(name);
        link.push('=');
        encode_component(&mut link, value);
    };
    add("booking", booking_id);
    if let Some(token) = token {
        add("token", token);
    }
    add("provider", provider.key());
    if let Some(fragment) = fragment {
        link.push('#');
        link.push_str(fragment);
    }
    link
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
