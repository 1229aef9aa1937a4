//! Links the widget follows or writes, and the calendar file it offers.
//!
//! [`followable`]: a provider's `redirectUrl`/`confirmationLink` is followed only when it
//! is `https:` (or `http:` on this machine); `javascript:`, `data:` and the like are
//! refused (`shared/DESIGN.md` §5). [`reschedule_link`]: the page that moves a booking,
//! its booking and token in the fragment (out of server logs), which a widget of that
//! provider reads back, as it still reads links mailed with them in the query. [`calendar_file`]: one RFC 5545 event,
//! CRLF lines folded at 75 octets, times in UTC.

mod common;

use booking_core::embed::{
    calendar_file, followable, fragment_query, link_parameters, reschedule_link, Config, Flow, LinkRefused, Provider,
};
use booking_core::time::{parse_timestamp, LocalDateTime, Timestamp};
use common::ChronoTz;

// ---------------------------------------------------------------------------------------
// followable
// ---------------------------------------------------------------------------------------

#[test]
fn https_links_are_followed_as_given() {
    for link in [
        "https://example.com",
        "https://example.com/thanks?booking=9001#top",
        "https://app.iclosed.io/confirm/9001",
        "HTTPS://Example.com/Thanks",
        "https://example.com:8443/thanks",
        "https://192.0.2.7/thanks",
        "https://[2001:db8::1]/thanks",
        "https://example.com/?next=javascript:alert(1)",
    ] {
        assert_eq!(followable(link), Ok(link), "{link}");
    }
}

#[test]
fn http_links_are_followed_only_on_this_machine() {
    for link in [
        "http://localhost/thanks",
        "http://localhost:8080/thanks",
        "http://LOCALHOST:8080",
        "http://127.0.0.1/thanks",
        "http://127.0.0.1:8787/thanks",
        "http://[::1]/thanks",
        "http://[::1]:8787/thanks",
    ] {
        assert_eq!(followable(link), Ok(link), "{link}");
    }
    for link in [
        "http://example.com",
        "http://example.com/thanks",
        "http://localhost.evil.example/",
        "http://127.0.0.1.evil.example/",
        "http://127.0.0.2/",
        "http://[::2]/",
        "http://localhost@evil.example/",
    ] {
        assert_eq!(followable(link), Err(LinkRefused), "{link}");
    }
}

#[test]
fn script_data_and_other_schemes_are_refused() {
    for link in [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "javascript://%0aalert(1)",
        "javascript:alert(1)//https://example.com",
        "data:text/html,<script>alert(1)</script>",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "java\u{0}script:alert(1)",
        "file:///etc/passwd",
        "ftp://example.com/file",
        "blob:https://example.com/uuid",
        "about:blank",
        "mailto:ada@example.com",
    ] {
        assert_eq!(followable(link), Err(LinkRefused), "{link:?}");
    }
}

#[test]
fn addresses_that_hide_where_they_go_are_refused() {
    for link in [
        "",
        " https://example.com",
        "https://example.com ",
        "\u{a0}https://example.com",
        "https://exa mple.com",
        "https://example.com/\u{7f}",
        "//evil.example",
        "//evil.example/https://example.com",
        "/thanks",
        "thanks.html",
        "../thanks",
        "?booking=9001",
        "#top",
        "https://user@evil.example",
        "https://example.com@evil.example/",
        "https://user:pass@example.com/",
        "https://example.com\\@evil.example/",
        "https:/evil.example",
        "https:evil.example",
        "https://",
        "https:///thanks",
        "https://:443/thanks",
    ] {
        assert_eq!(followable(link), Err(LinkRefused), "{link:?}");
    }
}

// ---------------------------------------------------------------------------------------
// reschedule_link
// ---------------------------------------------------------------------------------------

#[test]
fn a_reschedule_link_carries_the_booking_s_time_in_utc() {
    let start = parse_timestamp("2027-03-09T10:30:00-04:00").unwrap();
    assert_eq!(
        reschedule_link(
            "https://example.com/book",
            Provider::Meetergo,
            "b-1",
            Some("t"),
            Some(&start)
        ),
        "https://example.com/book#booking=b-1&token=t&at=2027-03-09T14%3A30%3A00Z&provider=meetergo"
    );
}

#[test]
fn the_reschedule_link_carries_booking_token_and_provider_in_the_fragment() {
    assert_eq!(
        reschedule_link("https://example.com/book", Provider::Iclosed, "9001", None, None),
        "https://example.com/book#booking=9001&provider=iclosed"
    );
    assert_eq!(
        reschedule_link(
            "https://example.com/book",
            Provider::Calcom,
            "booking_uid_123",
            Some("t0k"),
            None
        ),
        "https://example.com/book#booking=booking_uid_123&token=t0k&provider=calcom"
    );
    assert_eq!(
        reschedule_link("https://example.com/book", Provider::Gohighlevel, "a", None, None),
        "https://example.com/book#booking=a&provider=gohighlevel"
    );
    assert_eq!(
        reschedule_link("https://example.com/book", Provider::Meetergo, "a", None, None),
        "https://example.com/book#booking=a&provider=meetergo"
    );
}

/// Issue 14, finding 8: the token rode in the query, which the page's server logs and
/// analytics record and `Referer` carries to other sites. Browsers send a fragment to
/// no one.
#[test]
fn bug_the_reschedule_token_is_never_in_the_query() {
    let token = "v1.0a1b2c3d.1775606400.00112233445566778899aabbccddeeff.\
                 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    for page in [
        "https://example.com/book",
        "https://example.com/book?lang=en",
        "https://example.com/book?lang=en#widget",
        "https://example.com/book#/book?step=2",
    ] {
        let link = reschedule_link(page, Provider::Calcom, "booking_uid_123", Some(token), None);
        let (before_fragment, fragment) = link.split_once('#').expect("a fragment");
        assert!(
            !before_fragment.contains("token") && !before_fragment.contains(token),
            "{link}"
        );
        assert!(!before_fragment.contains("booking="), "{link}");
        assert!(
            fragment.contains(&format!("token={token}")),
            "a v1 token needs no escaping: {link}"
        );
        // The part a server sees is the page as given.
        assert_eq!(before_fragment, page.split('#').next().unwrap(), "{link}");
    }
}

#[test]
fn the_reschedule_link_percent_encodes_the_booking_and_token() {
    assert_eq!(
        reschedule_link(
            "https://example.com/book",
            Provider::Calcom,
            "uid with/slash&x=1#f",
            Some("a+b/c=d e%"),
            None,
        ),
        "https://example.com/book#booking=uid%20with%2Fslash%26x%3D1%23f&token=a%2Bb%2Fc%3Dd%20e%25&provider=calcom"
    );
    // RFC 3986's unreserved characters stay; anything beyond ASCII goes byte by byte.
    assert_eq!(
        reschedule_link(
            "https://example.com/book",
            Provider::Meetergo,
            "A-z_0.9~",
            Some("é"),
            None
        ),
        "https://example.com/book#booking=A-z_0.9~&token=%C3%A9&provider=meetergo"
    );
}

#[test]
fn the_reschedule_link_keeps_the_query_and_the_page_s_own_fragment_first() {
    assert_eq!(
        reschedule_link(
            "https://example.com/book?lang=en",
            Provider::Iclosed,
            "9001",
            Some("t"),
            None
        ),
        "https://example.com/book?lang=en#booking=9001&token=t&provider=iclosed"
    );
    // An anchor or a fragment route gets the parameters as its query…
    assert_eq!(
        reschedule_link(
            "https://example.com/book?lang=en#widget",
            Provider::Iclosed,
            "9001",
            None,
            None
        ),
        "https://example.com/book?lang=en#widget?booking=9001&provider=iclosed"
    );
    assert_eq!(
        reschedule_link("https://example.com/app#/book", Provider::Iclosed, "9001", None, None),
        "https://example.com/app#/book?booking=9001&provider=iclosed"
    );
    // …a fragment with a query or parameters already, more of them.
    assert_eq!(
        reschedule_link("https://example.com/book#step?2", Provider::Iclosed, "9001", None, None),
        "https://example.com/book#step?2&booking=9001&provider=iclosed"
    );
    assert_eq!(
        reschedule_link(
            "https://example.com/book#tab=times",
            Provider::Iclosed,
            "9001",
            None,
            None
        ),
        "https://example.com/book#tab=times&booking=9001&provider=iclosed"
    );
    // An empty fragment is no fragment.
    assert_eq!(
        reschedule_link("https://example.com/book#", Provider::Iclosed, "9001", None, None),
        "https://example.com/book#booking=9001&provider=iclosed"
    );
}

/// `a=1&b=2` as the widget decodes it (`URLSearchParams`: `+` is a space, `%XX` a byte;
/// a leading `?` is dropped).
fn decoded(text: &str) -> Vec<(String, String)> {
    let decode = |text: &str| {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 2;
                }
                byte => out.push(byte),
            }
            i += 1;
        }
        String::from_utf8(out).unwrap()
    };
    text.strip_prefix('?')
        .unwrap_or(text)
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

/// What the widget reads on the page `link` opens: `location.search` and
/// `location.hash`, decoded, and the reschedule parameters chosen from them.
fn parameters_on(link: &str) -> Vec<(String, String)> {
    let (before_fragment, hash) = link.split_once('#').unwrap_or((link, ""));
    let search = before_fragment.split_once('?').map_or("", |(_, query)| query);
    let fragment = decoded(fragment_query(hash));
    let query = decoded(search);
    link_parameters(fragment, query)
}

fn read_on_page(attributes: &[(&str, &str)], parameters: &[(String, String)]) -> Config {
    Config::from_attributes(
        |name| {
            attributes
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        },
        parameters,
    )
    .unwrap_or_else(|errors| panic!("{attributes:?} on {parameters:?}: {errors:?}"))
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

#[test]
fn the_fragment_s_parameters_follow_its_first_question_mark_if_any() {
    assert_eq!(fragment_query("#booking=1&token=t"), "booking=1&token=t");
    assert_eq!(fragment_query("booking=1"), "booking=1");
    assert_eq!(fragment_query("#/book?booking=1"), "booking=1");
    assert_eq!(fragment_query("#widget?booking=1&provider=x"), "booking=1&provider=x");
    assert_eq!(fragment_query("#step?2&booking=1"), "2&booking=1");
    assert_eq!(fragment_query(""), "");
    assert_eq!(fragment_query("#"), "");
}

#[test]
fn the_fragment_s_booking_wins_and_an_old_link_s_query_still_counts() {
    let fragment = pairs(&[("booking", "new"), ("token", "v1.x"), ("provider", "calcom")]);
    let query = pairs(&[("booking", "old"), ("token", "abc"), ("utm_source", "mail")]);
    assert_eq!(link_parameters(fragment.clone(), query.clone()), fragment);
    // Links mailed before: `?booking=…&token=…` with no booking in the fragment.
    let anchor = pairs(&[("widget", "")]);
    assert_eq!(link_parameters(anchor, query.clone()), query);
    assert_eq!(link_parameters(Vec::new(), query.clone()), query);
    // A fragment's token without its booking is not paired with the query's booking.
    let token_only = pairs(&[("token", "v1.x")]);
    assert_eq!(link_parameters(token_only, query.clone()), query);
    assert!(link_parameters(Vec::new(), Vec::new()).is_empty());
}

#[test]
fn a_book_widget_of_that_provider_reads_the_reschedule_link_back() {
    let id = "bk_9.x~Z-1";
    let token = "t0k+/=.";
    for page in [
        "https://example.com/book",
        "https://example.com/book?lang=en",
        "https://example.com/book?lang=en#widget",
        "https://example.com/app#/book",
        "https://example.com/book#step?2",
        "https://example.com/book#tab=times",
        // The page a reschedule link opened: its old parameters give way to the new.
        "https://example.com/book?booking=old&token=old&provider=calcom",
    ] {
        let link = reschedule_link(page, Provider::Calcom, id, Some(token), None);
        let parameters = parameters_on(&link);

        let calcom = read_on_page(&[("data-provider", "calcom"), ("data-event-type-id", "7")], &parameters);
        assert_eq!(calcom.flow, Flow::Reschedule, "{link}");
        let booking = calcom.booking.expect("the link names a booking");
        assert_eq!(booking.id, id, "{link}");
        assert_eq!(booking.token.as_deref(), Some(token), "{link}");

        // Another provider's widget on the same page keeps booking.
        let iclosed = read_on_page(
            &[
                ("data-provider", "iclosed"),
                ("data-endpoint", "https://relay.example.com/iclosed"),
                ("data-event-id", "42"),
            ],
            &parameters,
        );
        assert_eq!(iclosed.flow, Flow::Book, "{link}");
        assert_eq!(iclosed.booking, None, "{link}");
    }
}

#[test]
fn a_link_mailed_before_the_fragment_still_opens_the_reschedule_form() {
    let old = "https://example.com/book?lang=en&booking=9001&token=3f9a1c27d4e8b605&provider=iclosed#widget";
    let parameters = parameters_on(old);
    let iclosed = read_on_page(
        &[
            ("data-provider", "iclosed"),
            ("data-endpoint", "https://relay.example.com/iclosed"),
            ("data-event-id", "42"),
        ],
        &parameters,
    );
    assert_eq!(iclosed.flow, Flow::Reschedule);
    let booking = iclosed.booking.expect("the old link names a booking");
    assert_eq!(booking.id, "9001");
    assert_eq!(booking.token.as_deref(), Some("3f9a1c27d4e8b605"));
}

// ---------------------------------------------------------------------------------------
// calendar_file
// ---------------------------------------------------------------------------------------

/// 10:30 in New York on the day the clocks spring forward: 14:30 UTC.
fn start() -> Timestamp {
    LocalDateTime::parse("2026-03-08", "10:30")
        .unwrap()
        .in_zone("America/New_York", &ChronoTz)
        .unwrap()
}

fn stamp() -> Timestamp {
    parse_timestamp("2026-03-01T10:00:00Z").unwrap()
}

/// The content lines, unfolded (RFC 5545 §3.1: a CRLF followed by one space is removed).
fn unfolded(file: &str) -> Vec<String> {
    let body = file.strip_suffix("\r\n").expect("the file ends with CRLF");
    body.replace("\r\n ", "").split("\r\n").map(str::to_owned).collect()
}

fn summary_line(file: &str) -> String {
    unfolded(file)
        .into_iter()
        .find(|line| line.starts_with("SUMMARY:"))
        .expect("a SUMMARY line")
}

#[test]
fn the_calendar_file_is_one_event_in_utc_with_crlf_lines() {
    let file = calendar_file("booking_uid_123", &start(), 30, "Call (Cal.com)", &stamp());
    assert_eq!(
        file,
        "BEGIN:VCALENDAR\r\n\
         VERSION:2.0\r\n\
         PRODID:-//booking-widget//EN\r\n\
         CALSCALE:GREGORIAN\r\n\
         METHOD:PUBLISH\r\n\
         BEGIN:VEVENT\r\n\
         UID:booking_uid_123@booking-widget\r\n\
         DTSTAMP:20260301T100000Z\r\n\
         DTSTART:20260308T143000Z\r\n\
         DTEND:20260308T150000Z\r\n\
         SUMMARY:Call (Cal.com)\r\n\
         END:VEVENT\r\n\
         END:VCALENDAR\r\n"
    );
}

#[test]
fn every_line_ends_with_crlf_and_no_bare_line_feed_or_return_remains() {
    let file = calendar_file("u", &start(), 30, "Line one\nline two\r\nline three\rfour", &stamp());
    assert!(file.ends_with("\r\n"));
    let without_crlf = file.replace("\r\n", "");
    assert!(!without_crlf.contains('\n'), "{file:?}");
    assert!(!without_crlf.contains('\r'), "{file:?}");
}

#[test]
fn start_and_end_are_utc_basic_form_of_sixteen_characters() {
    let file = calendar_file("u", &start(), 90, "Call", &stamp());
    let lines = unfolded(&file);
    let value = |name: &str| {
        lines
            .iter()
            .find_map(|line| line.strip_prefix(name).and_then(|rest| rest.strip_prefix(':')))
            .unwrap_or_else(|| panic!("{name} in {file:?}"))
            .to_owned()
    };
    assert_eq!(value("DTSTART"), "20260308T143000Z");
    assert_eq!(value("DTEND"), "20260308T160000Z");
    assert_eq!(value("DTSTAMP"), "20260301T100000Z");
    for name in ["DTSTART", "DTEND", "DTSTAMP"] {
        let value = value(name);
        assert_eq!(value.len(), 16, "{name}:{value}");
        assert!(
            value.chars().enumerate().all(|(i, c)| match i {
                8 => c == 'T',
                15 => c == 'Z',
                _ => c.is_ascii_digit(),
            }),
            "{name}:{value}"
        );
    }
}

#[test]
fn a_meeting_past_midnight_utc_ends_on_the_next_day() {
    let late = parse_timestamp("2026-12-31T23:45:00-05:00").unwrap();
    let file = calendar_file("u", &late, 30, "Call", &stamp());
    let lines = unfolded(&file);
    assert!(lines.contains(&"DTSTART:20270101T044500Z".to_owned()), "{file}");
    assert!(lines.contains(&"DTEND:20270101T051500Z".to_owned()), "{file}");
}

#[test]
fn commas_semicolons_backslashes_and_newlines_are_escaped_in_text() {
    let file = calendar_file(
        "a,b;c",
        &start(),
        30,
        "Intro, part 1; notes\\here\nline two\r\nline three",
        &stamp(),
    );
    assert_eq!(
        summary_line(&file),
        r"SUMMARY:Intro\, part 1\; notes\\here\nline two\nline three"
    );
    assert!(
        unfolded(&file).contains(&r"UID:a\,b\;c@booking-widget".to_owned()),
        "{file}"
    );
}

#[test]
fn provider_markup_in_the_summary_stays_text() {
    let file = calendar_file("<img src=x onerror=alert(1)>", &start(), 30, "<b>Call</b>", &stamp());
    assert_eq!(summary_line(&file), "SUMMARY:<b>Call</b>");
    assert!(unfolded(&file).contains(&"UID:<img src=x onerror=alert(1)>@booking-widget".to_owned()));
}

/// Checks the folding rules on every physical line and returns them.
fn physical_lines(file: &str) -> Vec<&str> {
    let lines: Vec<&str> = file.strip_suffix("\r\n").unwrap().split("\r\n").collect();
    for line in &lines {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    lines
}

#[test]
fn long_lines_fold_at_75_octets() {
    let summary = "x".repeat(200);
    let file = calendar_file("u", &start(), 30, &summary, &stamp());
    let lines = physical_lines(&file);
    let at = lines.iter().position(|line| line.starts_with("SUMMARY:")).unwrap();
    // 8 + 200 = 208 octets: 75, then 1 + 74, then 1 + 59.
    assert_eq!(lines[at].len(), 75);
    assert_eq!(lines[at + 1].len(), 75);
    assert_eq!(lines[at + 2], format!(" {}", "x".repeat(59)));
    assert_eq!(lines[at + 3], "END:VEVENT");
    assert!(lines[at + 1].starts_with(' '));
    assert_eq!(summary_line(&file), format!("SUMMARY:{summary}"));
}

#[test]
fn folding_never_splits_a_utf8_character() {
    // "SUMMARY:" and 66 letters fill 74 octets: the 2-octet é does not fit the first line.
    let summary = format!("{}é{}", "a".repeat(66), "b".repeat(10));
    let file = calendar_file("u", &start(), 30, &summary, &stamp());
    let lines = physical_lines(&file);
    let at = lines.iter().position(|line| line.starts_with("SUMMARY:")).unwrap();
    assert_eq!(lines[at], format!("SUMMARY:{}", "a".repeat(66)));
    assert_eq!(lines[at + 1], format!(" é{}", "b".repeat(10)));

    // 65 letters fill 73 octets: a 4-octet emoji would make 77.
    let summary = format!("{}😀{}", "a".repeat(65), "b".repeat(3));
    let file = calendar_file("u", &start(), 30, &summary, &stamp());
    let lines = physical_lines(&file);
    let at = lines.iter().position(|line| line.starts_with("SUMMARY:")).unwrap();
    assert_eq!(lines[at].len(), 73);
    assert_eq!(lines[at + 1], " 😀bbb");

    // A summary of nothing but multi-octet characters folds between characters only.
    let summary = "日本語".repeat(40);
    let file = calendar_file("u", &start(), 30, &summary, &stamp());
    let lines = physical_lines(&file);
    let at = lines.iter().position(|line| line.starts_with("SUMMARY:")).unwrap();
    // 8 + 22 × 3 = 74 octets; one more 3-octet character would make 77.
    assert_eq!(lines[at].len(), 74);
    assert_eq!(lines[at + 1].len(), 73, "1 + 24 × 3");
    assert_eq!(summary_line(&file), format!("SUMMARY:{summary}"));
}
