// The booking widget's loader: <script type="module" src=".../embed.js"></script>.
// It starts fetching the wasm (named relative to this file, so any CDN path works)
// while the JS glue loads; the wasm then mounts every [data-booking-widget] element.
// No inline script and no eval: it runs under `script-src 'self' 'wasm-unsafe-eval'`.
const wasm = fetch(new URL("booking-widget_bg.wasm", import.meta.url));
const { default: init } = await import("./booking-widget.js");
await init({ module_or_path: wasm });
