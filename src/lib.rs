//! The booking widget: Leptos views over `booking-core`, mounted into a shadow root on
//! every `[data-booking-widget]` element of the page.
//!
//! Data flows one way: the visitor's typing → [`booking_core::VisitorForm`] →
//! `booking_core::embed` (check, map to the provider's JSON) → `fetch` → the endpoint.

mod fetch;
mod intl;
mod page;
mod view;

use booking_core::embed::{Config, Provider};
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

/// Marks the host element of the embed.
pub const SELECTOR: &str = "[data-booking-widget]";

/// Mounts every widget of the page that is this build's (see [`is_ours`]) and is not
/// mounted yet.
pub fn mount_all() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let Ok(hosts) = document.query_selector_all(SELECTOR) else {
        return;
    };
    for index in 0..hosts.length() {
        if let Some(host) = hosts
            .get(index)
            .and_then(|node| node.dyn_into::<HtmlElement>().ok())
            .filter(is_ours)
        {
            if let Err(error) = mount(&host, index as usize) {
                web_sys::console::error_2(&JsValue::from_str("booking-widget: could not mount"), &error);
            }
        }
    }
}

/// Whether this build takes `host` over. The shipped wasm is built once per provider
/// (cargo features), and embed.js loads the build of each widget's provider and names
/// it in the form it draws first (`data-shell="calcom"`); a widget whose
/// `data-provider` no build has goes to one the page loads anyway, which shows the
/// marketer the mistake. A host embed.js has not seen is taken by the build of its
/// provider, or by any build for an unknown provider (the first to mount it: the
/// others then find it mounted). A build with every provider takes every widget.
fn is_ours(host: &HtmlElement) -> bool {
    let shell = host
        .shadow_root()
        .and_then(|root| root.first_element_child())
        .and_then(|child| child.get_attribute("data-shell"))
        .filter(|build| !build.is_empty());
    let named = shell
        .or_else(|| host.get_attribute("data-provider"))
        .unwrap_or_default();
    Provider::from_key(&named.trim().to_ascii_lowercase()).is_none_or(Provider::built)
}

/// Mounts one widget on `host` (the `index`-th of the page), reading its `data-*`
/// attributes. embed.js has drawn the form already, styled, in a `.bw[data-shell]`
/// of the host's shadow root: the widget renders beside it, and embed.js then hands
/// what the visitor did there over to it. A host with a shadow root and no shell is
/// mounted already and left alone; one without a shadow root (a host embed.js has not
/// seen) gets one here, without the stylesheet, which embed.js brings.
pub fn mount(host: &HtmlElement, index: usize) -> Result<(), JsValue> {
    let root = match host.shadow_root() {
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
        Some(root)
            if root
                .first_element_child()
                .is_some_and(|child| child.has_attribute("data-shell")) =>
        {
            root
        }
        Some(_) => return Ok(()),
    };
    let document = host.owner_document().ok_or_else(|| JsValue::from_str("no document"))?;
    let container: HtmlElement = document.create_element("div")?.dyn_into()?;
    container.set_class_name("bw");
    root.append_child(&container)?;

    let config = Config::from_attributes(|name| host.get_attribute(name), &page::link_parameters());
    let host = host.clone();
    leptos::mount::mount_to(container, move || {
        leptos::prelude::view! { <view::Widget config=config host=host index=index /> }
    })
    .forget();
    Ok(())
}
