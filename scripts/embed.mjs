// trunk's post-build hook (Trunk.toml): puts the widget's CSS (style/widget.css) into
// the embed.js trunk has staged (minified, in a release build; terser follows, see
// minify.mjs), so the form embed.js draws before the wasm arrives is styled without
// another request. Comments are left out of the CSS: they are for whoever edits it,
// not for the visitor's download; so is every space the CSS does not need, by rules
// that keep its meaning: none around `{ } ; , >`, none after a `:` (a space before one
// is a descendant combinator, as in `.bw :focus-visible`, and stays), no last `;` in a
// block, `#ffffff` as `#fff` and `0.7` as `.7`. A string in the CSS with any of those
// would fail the build.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { minifyForRelease } from "./minify.mjs";

const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error("scripts/embed.mjs runs as trunk's post_build hook (TRUNK_STAGING_DIR is not set)");

const uncommented = readFileSync(path.join(source, "style/widget.css"), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
for (const [string] of uncommented.matchAll(/"[^"]*"|'[^']*'/g)) {
  if (/[{};,>:]|\s\s/.test(string)) throw new Error(`style/widget.css: the string ${string} would be changed`);
}
const css = uncommented
  .replace(/\s+/g, " ")
  .replace(/\s*([{};,>])\s*/g, "$1")
  .replace(/:\s+/g, ":")
  .replace(/;}/g, "}")
  .replace(/#([0-9a-f])\1([0-9a-f])\2([0-9a-f])\3\b/gi, "#$1$2$3")
  .replace(/([\s:(,])0\.(\d)/g, "$1.$2")
  .trim();
const staged = path.join(staging, "embed.js");
const loader = readFileSync(staged, "utf8");
const placeholder = /\bWIDGET_CSS\b/g;
const found = loader.match(placeholder)?.length ?? 0;
if (found !== 1) throw new Error(`embed.js: expected WIDGET_CSS once, found it ${found} times`);
writeFileSync(staged, loader.replace(placeholder, JSON.stringify(css)));
await minifyForRelease(staged);
