// The bench's static server on 127.0.0.1: bench/floor.html, bench/floor-slots.html and
// bench/widget.html (their {{RELAY}} replaced by the relay's address),
// /widget-preload.html (the widget page with the wasm preload hint) and dist/ under
// /dist/. Every file is read
// and compressed once at start with `brotli -q 11`, like a CDN serving precompressed
// assets; a request that accepts br gets the brotli bytes (Content-Encoding: br), any
// other the raw ones. Nothing is cached by the browser (Cache-Control: no-store).
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");

const TYPES = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
};

// bench/widget.html embeds one Cal.com widget: embed.js loads Cal.com's build only.
const DIST_FILES = ["embed.js", "booking-widget-calcom.js", "booking-widget-calcom_bg.wasm"];

/** The preload hint as README "Embed it" gives it, for this server's paths. */
const PRELOAD = '<link rel="preload" href="/dist/booking-widget-calcom_bg.wasm" as="fetch" crossorigin>';

function brotli(bytes) {
  return execFileSync("brotli", ["-c", "-q", "11"], { input: bytes, maxBuffer: 64 << 20 });
}

/**
 * Starts the server; returns `{ origin, brotliBytes, close }`. `relay`: the address of
 * the relay sandbox the pages ask for free times (`{{RELAY}}` in widget.html and
 * floor-slots.html).
 */
export async function startServer({ relay }) {
  for (const file of DIST_FILES) {
    if (!existsSync(path.join(ROOT, "dist", file))) throw new Error(`dist/${file} is missing: build dist/ first`);
  }
  const server = http.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const origin = `http://127.0.0.1:${server.address().port}`;

  const files = new Map();
  const add = (urlPath, bytes) => {
    files.set(urlPath, {
      raw: bytes,
      br: brotli(bytes),
      type: TYPES[path.extname(urlPath)] ?? "application/octet-stream",
    });
  };
  add("/floor.html", readFileSync(path.join(ROOT, "bench", "floor.html")));
  const page = (name) => readFileSync(path.join(ROOT, "bench", name), "utf8").replaceAll("{{RELAY}}", relay);
  add("/floor-slots.html", Buffer.from(page("floor-slots.html")));
  const widgetPage = page("widget.html");
  add("/widget.html", Buffer.from(widgetPage));
  // The same page with the optional third embed line (README "Embed it"): the wasm
  // starts downloading while the page is parsed, not after embed.js has arrived.
  add("/widget-preload.html", Buffer.from(widgetPage.replace("</head>", `${PRELOAD}\n</head>`)));
  for (const file of DIST_FILES) add(`/dist/${file}`, readFileSync(path.join(ROOT, "dist", file)));

  server.on("request", (request, response) => {
    const { pathname } = new URL(request.url, origin);
    const file = files.get(pathname);
    if (!file) {
      response.writeHead(404, { "content-type": "text/plain", "cache-control": "no-store" });
      response.end("not found");
      return;
    }
    const br = /\bbr\b/.test(request.headers["accept-encoding"] ?? "");
    const body = br ? file.br : file.raw;
    const headers = {
      "content-type": file.type,
      "content-length": body.length,
      "cache-control": "no-store",
      vary: "accept-encoding",
    };
    if (br) headers["content-encoding"] = "br";
    // Cross-origin isolated pages get performance.now() at 5 µs, not 100 µs (the
    // keystroke times are around a millisecond). Both pages alike; all is same-origin.
    if (file.type.startsWith("text/html")) {
      headers["cross-origin-opener-policy"] = "same-origin";
      headers["cross-origin-embedder-policy"] = "require-corp";
    }
    response.writeHead(200, headers);
    response.end(body);
  });

  return {
    origin,
    /** The brotli bytes served for `urlPath`. */
    brotliBytes: (urlPath) => files.get(urlPath).br.length,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
