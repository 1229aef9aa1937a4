// The wasm's ten largest items by `twiggy top` (shallow bytes), for bench/run.
//
//   node bench/twiggy.mjs <named.wasm> [count]
//
// The module given is the widget after wasm-bindgen and before wasm-opt, with its
// names kept (trunk's output has none). Its name sections are left out of the list and
// of the total the shares are of: the rest is the code and data that ship.
import { execFileSync } from "node:child_process";

const [file, count = "10"] = process.argv.slice(2);
if (!file) throw new Error("usage: node bench/twiggy.mjs <named.wasm> [count]");

const rows = JSON.parse(execFileSync("twiggy", ["top", "-f", "json", file], { maxBuffer: 256 << 20 }));
const isMetadata = (name) => /subsection$/.test(name) || /^custom section /.test(name);
const items = rows.filter((row) => !isMetadata(row.name));
const total = items.reduce((sum, row) => sum + row.shallow_size, 0);
const names = rows.filter((row) => isMetadata(row.name)).reduce((sum, row) => sum + row.shallow_size, 0);

// `path::to::item::h0123456789abcdef` → `path::to::item`; long names cut in the middle.
const tidy = (name) => {
  const short = name.replace(/::h[0-9a-f]{16}$/, "").replace(/\[[0-9a-f]{16}\]/g, "");
  return short.length <= 96 ? short : `${short.slice(0, 46)}…${short.slice(-49)}`;
};

console.log(`total=${total}`);
console.log(`names=${names}`);
for (const row of items.slice(0, Number(count))) {
  const share = ((100 * row.shallow_size) / total).toFixed(1);
  console.log(`${String(row.shallow_size).padStart(9)} ${share.padStart(5)}%  ${tidy(row.name)}`);
}
