// trunk's post-build hook (Trunk.toml): puts the widget's CSS (style/widget.css) into
// the embed.js trunk has staged (minified, in a release build), so the form embed.js
// draws before the wasm arrives is styled without another request. Comments are left
// out of the CSS: they are for whoever edits it, not for the visitor's download.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error("scripts/embed.mjs runs as trunk's post_build hook (TRUNK_STAGING_DIR is not set)");

const css = readFileSync(path.join(source, "style/widget.css"), "utf8")
  .replace(/\/\*[\s\S]*?\*\//g, "")
  .replace(/\s+/g, " ")
  .trim();
const staged = path.join(staging, "embed.js");
const loader = readFileSync(staged, "utf8");
const placeholder = /\bWIDGET_CSS\b/g;
const found = loader.match(placeholder)?.length ?? 0;
if (found !== 1) throw new Error(`embed.js: expected WIDGET_CSS once, found it ${found} times`);
writeFileSync(staged, loader.replace(placeholder, JSON.stringify(css)));
