//! The two conversions server_fn relies on, in a real browser: nothing in the widget
//! calls them, so these are what says they work.
#![cfg(target_arch = "wasm32")]

use futures_util::{stream, StreamExt};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use wasm_streams::ReadableStream;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn chunks_go_through_a_js_stream_and_back_in_order() {
    let chunks = (1..=3).map(|n| Ok(JsValue::from(n)));
    let raw = ReadableStream::from_stream(stream::iter(chunks)).into_raw();
    let back: Vec<_> = ReadableStream::from_raw(raw).into_stream().collect().await;
    let numbers: Vec<f64> = back.into_iter().map(|chunk| chunk.unwrap().as_f64().unwrap()).collect();
    assert_eq!(numbers, [1.0, 2.0, 3.0]);
}

#[wasm_bindgen_test]
async fn an_error_errors_the_js_stream_and_ends_the_rust_one_after_it() {
    let items = vec![
        Ok(JsValue::from("a")),
        Err(JsValue::from("broken")),
        Ok(JsValue::from("never read")),
    ];
    let raw = ReadableStream::from_stream(stream::iter(items)).into_raw();
    let back: Vec<_> = ReadableStream::from_raw(raw).into_stream().collect().await;
    assert_eq!(back.len(), 2);
    assert_eq!(back[0].as_ref().unwrap().as_string().as_deref(), Some("a"));
    assert_eq!(back[1].as_ref().unwrap_err().as_string().as_deref(), Some("broken"));
}

#[wasm_bindgen_test]
async fn an_empty_stream_closes_at_once() {
    let raw = ReadableStream::from_stream(stream::empty()).into_raw();
    let back: Vec<_> = ReadableStream::from_raw(raw).into_stream().collect().await;
    assert!(back.is_empty());
}
