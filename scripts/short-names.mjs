// Run by scripts/variants.mjs (trunk's post-build hook) on each provider's build: gives
// the names the JS glue and the wasm know each other by (the wasm's imports and
// exports) one or two letters, in both files.
//
// wasm-bindgen names every import after its Rust binding plus a 16-hex-digit hash
// (`__wbg_getAttribute_c7b80d4010284561`) and every closure adapter after its full
// Rust type, and each name is written twice: as a key of the glue's import object
// and in the wasm's import section. The hashes are random to a compressor: about
// 3.5 KB of the bundle's brotli, for names nobody reads. Nothing else sees these
// names: the host page uses only `embed.js` and the glue's default export.
//
// Every rename is checked against the glue, and the hook fails the build when a
// name is not where wasm-bindgen's glue is known to put it.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const [wasmPath, gluePath, module] = process.argv.slice(2);
if (!wasmPath?.endsWith(".wasm") || !gluePath?.endsWith(".js")) {
  throw new Error("usage: node scripts/short-names.mjs <wasm> <glue> [<module>] (scripts/variants.mjs runs it per build)");
}
// The module the wasm imports the glue's functions from: wasm-bindgen's name for it,
// `./<name>_bg.js` after the wasm's, unless the files were renamed since.
const GLUE_MODULE = module ?? `./${path.basename(wasmPath, ".wasm")}.js`;

const bytes = readFileSync(wasmPath);
let glue = readFileSync(gluePath, "utf8");

const escape = (name) => name.replace(/[$]/g, "\\$");
const count = (pattern) => glue.match(pattern)?.length ?? 0;
// `$` starts the glue's new local names below: none may be there already.
if (/\$[A-Za-z]/.test(glue.replace(/\$\{/g, ""))) throw new Error("short-names: the glue has `$` names already");

/** Short names in order: a … Z, aa … ZZ (property names, so any word would do). */
function namer() {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let next = 0;
  return () => {
    let n = next++;
    let name = "";
    do {
      name = letters[n % letters.length] + name;
      n = Math.floor(n / letters.length) - 1;
    } while (n >= 0);
    return name;
  };
}

// The wasm binary: a header, then sections (id, LEB128 size, contents).
let at = 8;
function u32() {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[at++];
    value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return value >>> 0;
}
function name() {
  const length = u32();
  const text = bytes.subarray(at, at + length).toString("utf8");
  at += length;
  return text;
}
function encodeU32(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}
const encodeName = (text) => {
  const utf8 = Buffer.from(text, "utf8");
  return [...encodeU32(utf8.length), ...utf8];
};
function limits() {
  const flags = bytes[at++];
  u32();
  if (flags & 1) u32();
}

/** Import section: each glue import's field gets a short name, its glue key too, in
 * the order of the glue's keys (brotli likes `a:…,b:…,c:…` better than a shuffle). */
function imports() {
  const total = u32();
  const entries = [];
  for (let i = 0; i < total; i++) {
    const module = name();
    const field = name();
    const descriptor = at;
    const kind = bytes[at++];
    if (kind === 0) u32(); // function: type index
    else if (kind === 1) (at++, limits()); // table: element type, limits
    else if (kind === 2) limits(); // memory
    else if (kind === 3) at += 2; // global: value type, mutability
    else throw new Error(`short-names: import of kind ${kind}`);
    let place = -1;
    if (module === GLUE_MODULE) {
      const key = new RegExp(`(?<![\\w$])${escape(field)}(?![\\w$])`, "g");
      place = glue.search(new RegExp(`(?<![\\w$])${escape(field)}:`));
      if (count(key) !== 1 || place < 0) throw new Error(`short-names: import ${field} is not once a key of the glue`);
    }
    entries.push({ module, field, place, descriptor: bytes.subarray(descriptor, at) });
  }
  const nextName = namer();
  const renames = entries.filter((entry) => entry.place >= 0).sort((a, b) => a.place - b.place);
  for (const entry of renames) entry.short = nextName();
  // Right to left, so the places found above stay true.
  for (const entry of [...renames].reverse()) {
    glue = glue.slice(0, entry.place) + entry.short + glue.slice(entry.place + entry.field.length);
  }
  const out = [...encodeU32(total)];
  for (const { module, field, short, descriptor } of entries) {
    out.push(...encodeName(short ? "a" : module), ...encodeName(short ?? field), ...descriptor);
  }
  return out;
}

/** Export section: each export gets a short name, the glue's `wasm.name` too. A closure
 * adapter's glue function carries its export's name: it becomes `$name`. */
function exports() {
  const nextName = namer();
  const total = u32();
  const out = [...encodeU32(total)];
  for (let i = 0; i < total; i++) {
    const long = name();
    const descriptor = at;
    at++;
    u32();
    const short = nextName();
    const word = new RegExp(`(?<![\\w$.])${escape(long)}(?![\\w$])`, "g");
    const member = new RegExp(`(?<![\\w$])wasm\\.${escape(long)}(?![\\w$])`, "g");
    if (count(word) > 0) {
      // Only wasm-bindgen's own adapters, named after their Rust types, are also glue functions.
      if (!long.startsWith("wasm_bindgen_")) throw new Error(`short-names: export ${long} is used as more than wasm.${long}`);
      glue = glue.replace(word, `$${short}`);
    }
    glue = glue.replace(member, `wasm.${short}`);
    out.push(...encodeName(short), ...bytes.subarray(descriptor, at));
  }
  return out;
}

const sections = [bytes.subarray(0, 8)];
while (at < bytes.length) {
  const start = at;
  const id = bytes[at++];
  const size = u32();
  const end = at + size;
  const rewrite = id === 2 ? imports : id === 7 ? exports : null;
  if (rewrite) {
    const contents = rewrite();
    if (at !== end) throw new Error(`short-names: section ${id} not read to its end`);
    sections.push(Buffer.from([id, ...encodeU32(contents.length), ...contents]));
  } else {
    sections.push(bytes.subarray(start, end));
  }
  at = end;
}

const moduleKey = JSON.stringify(GLUE_MODULE);
if (count(new RegExp(moduleKey.replace(/[./]/g, "\\$&"), "g")) !== 1) throw new Error(`short-names: ${moduleKey} is not once in the glue`);
glue = glue.replace(`${moduleKey}:`, `a:`);
if (/__wbg_\w+_[0-9a-f]{16}\b/.test(glue)) throw new Error("short-names: a hashed name is left in the glue");

writeFileSync(wasmPath, Buffer.concat(sections));
writeFileSync(gluePath, glue);
