//! What the widget's dependencies need of [`wasm-streams`](https://crates.io/crates/wasm-streams)
//! 0.5, written without its `#[wasm_bindgen]` classes.
//!
//! leptos always enables `server_fn/browser`, which depends on wasm-streams for streaming
//! server functions (`ReadableStream::from_stream(..).into_raw()` for a request body,
//! `ReadableStream::from_raw(..).into_stream()` for a response). The widget has no server
//! functions, so that code is never linked; but wasm-streams' exported classes
//! (`IntoUnderlyingSource`, `IntoUnderlyingByteSource`, `IntoUnderlyingSink`) are wasm
//! exports, which nothing can remove: they kept their code, `std::io`'s error strings
//! and three JS classes in the glue in every build. This crate replaces it through the
//! workspace's `[patch.crates-io]`: the same two conversions, built on a plain JS object
//! and a stream reader, so that nothing is exported.
use std::cell::Cell;
use std::rc::Rc;

use futures_util::stream::{self, LocalBoxStream, Stream, StreamExt};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{QueuingStrategy, ReadableStreamDefaultController, ReadableStreamDefaultReader};

/// The raw JS types, as in wasm-streams.
pub mod sys {
    pub use web_sys::ReadableStream;
}

/// A JS `ReadableStream` whose chunks are [`JsValue`]s.
pub struct ReadableStream {
    raw: sys::ReadableStream,
}

impl ReadableStream {
    /// Wraps a JS `ReadableStream`.
    pub fn from_raw(raw: sys::ReadableStream) -> Self {
        Self { raw }
    }

    /// A JS `ReadableStream` that pulls its chunks from `stream`; an `Err` errors the
    /// JS stream. Its high-water mark is 0, as in wasm-streams: nothing is read ahead.
    pub fn from_stream<St>(stream: St) -> Self
    where
        St: Stream<Item = Result<JsValue, JsValue>> + 'static,
    {
        let stream = Rc::new(Cell::new(Some(stream.boxed_local())));
        let pull = Closure::<dyn FnMut(ReadableStreamDefaultController) -> js_sys::Promise>::new(
            move |controller: ReadableStreamDefaultController| {
                let stream = Rc::clone(&stream);
                future_to_promise(async move {
                    // A JS stream calls `pull` again only once the last call's promise
                    // settled, so the stream is always back in its cell by then.
                    let Some(mut rust_stream) = stream.take() else {
                        return Ok(JsValue::UNDEFINED);
                    };
                    let next = rust_stream.next().await;
                    stream.set(Some(rust_stream));
                    match next {
                        Some(Ok(chunk)) => controller.enqueue_with_chunk(&chunk)?,
                        Some(Err(error)) => return Err(error),
                        None => controller.close()?,
                    }
                    Ok(JsValue::UNDEFINED)
                })
            },
        );
        let source = Object::new();
        Reflect::set(&source, &JsValue::from_str("pull"), &pull.into_js_value()).unwrap_throw();
        let strategy = QueuingStrategy::new();
        strategy.set_high_water_mark(0.0);
        let raw = sys::ReadableStream::new_with_underlying_source_and_strategy(&source, &strategy).unwrap_throw();
        Self { raw }
    }

    /// The JS `ReadableStream`.
    pub fn into_raw(self) -> sys::ReadableStream {
        self.raw
    }

    /// The JS stream's chunks as a [`Stream`]; a read that fails ends it after its `Err`.
    /// Throws if the stream is already locked to a reader.
    pub fn into_stream(self) -> LocalBoxStream<'static, Result<JsValue, JsValue>> {
        let reader: ReadableStreamDefaultReader = self.raw.get_reader().unchecked_into();
        stream::unfold(Some(reader), |reader| async move {
            let reader = reader?;
            let result = match JsFuture::from(reader.read()).await {
                Ok(result) => result,
                Err(error) => return Some((Err(error), None)),
            };
            if Reflect::get(&result, &JsValue::from_str("done"))
                .unwrap_throw()
                .is_truthy()
            {
                reader.release_lock();
                return None;
            }
            let chunk = Reflect::get(&result, &JsValue::from_str("value")).unwrap_throw();
            Some((Ok(chunk), Some(reader)))
        })
        .boxed_local()
    }
}
