// trunk's post-build hook (Trunk.toml): the widget once per provider, staged as
// `booking-widget-<provider>.js` (the glue) and `booking-widget-<provider>_bg.wasm`.
//
// A marketer's page almost always embeds one provider, and one wasm with all four made
// every page download the other three's requests, rules and replies. embed.js loads,
// for each widget, its provider's build.
//
// trunk builds exactly one Rust app per page (with no `<link data-trunk rel="rust">` it
// adds one), so index.html's builds Cal.com (`--no-default-features --features calcom`,
// no wasm-opt) and this hook the other three the way trunk does: the same cargo profile
// and environment (a release build runs under scripts/release-env, whose toolchain and
// RUSTFLAGS the hook inherits), then wasm-bindgen `--target web` at Cargo.lock's
// version. All four then get the same wasm-opt passes (below), short-names.mjs and
// terser. The builds share every dependency: only booking-core and the widget compile
// again per provider, and a build's wasm-bindgen and wasm-opt run while cargo builds
// the next.
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { minifyForRelease } from "./minify.mjs";

/** The cargo features of the widget, one build each; embed.js knows the same list. */
const PROVIDERS = ["iclosed", "gohighlevel", "meetergo", "calcom"];
/** The build trunk makes (index.html's rust link), under the bin's own name. */
const TRUNK_PROVIDER = "calcom";

// wasm-opt (release): `-O1`, then `--flatten --rereloop` before `-Oz` twice: control
// flow rebuilt from scratch compresses better; `--converge` repeats all that while the
// module shrinks; the producers and target-features sections are for tools, not
// browsers. Each measured with scripts/size-report against -Oz alone; see README
// "Performance". wasm-opt 132 (npm binaryen): Debian's older one silently breaks the module.
const WASM_OPT = ["-O1", "--flatten", "--rereloop", "-Oz", "-Oz", "--converge", "--strip-producers", "--strip-target-features"];
const WASM_OPT_VERSION = "version 132";

const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error("scripts/variants.mjs runs as trunk's post_build hook (TRUNK_STAGING_DIR is not set)");
const release = process.env.TRUNK_PROFILE === "release";

/** Runs `command` to its end, its output on ours; resolves with its stdout when asked. */
function run(command, args, { capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: source, stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"] });
    let out = "";
    child.stdout?.on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(" ")} failed (${code})`)),
    );
  });
}

// trunk checked the tools' versions ([tools] of Trunk.toml); a wrong one must fail here too.
const lock = readFileSync(path.join(source, "Cargo.lock"), "utf8");
const bindgenVersion = lock.match(/name = "wasm-bindgen"\nversion = "([^"]+)"/)?.[1];
const bindgenFound = execFileSync("wasm-bindgen", ["--version"], { encoding: "utf8" }).trim();
if (!bindgenFound.endsWith(` ${bindgenVersion}`)) {
  throw new Error(`variants: Cargo.lock has wasm-bindgen ${bindgenVersion}, PATH has "${bindgenFound}"`);
}
if (release) {
  const optFound = execFileSync("wasm-opt", ["--version"], { encoding: "utf8" }).trim();
  if (!optFound.includes(WASM_OPT_VERSION)) throw new Error(`variants: wasm-opt is "${optFound}", not ${WASM_OPT_VERSION}`);
}

/** The widget built with `provider` alone: the path of its wasm, copied out of cargo's way. */
async function cargoBuild(provider, work) {
  const args = ["build", "--target=wasm32-unknown-unknown", "-p", "booking-widget", "--bin", "booking-widget"];
  args.push("--no-default-features", `--features=${provider}`, "--locked", "--message-format=json-render-diagnostics");
  if (release) args.push("--release");
  const messages = await run("cargo", args, { capture: true });
  const artifact = messages
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line))
    .find((message) => message.reason === "compiler-artifact" && message.target?.name === "booking-widget");
  const wasm = artifact?.filenames?.find((file) => file.endsWith(".wasm"));
  if (!wasm) throw new Error(`variants: cargo named no wasm for ${provider}`);
  // The next build writes the same path.
  const copy = path.join(work, `${provider}.wasm`);
  copyFileSync(wasm, copy);
  return copy;
}

/** wasm-bindgen: the glue and the wasm, named for `provider`, in `work`. */
async function bindgen(provider, wasm, work) {
  const name = `booking-widget-${provider}`;
  await run("wasm-bindgen", ["--target=web", `--out-dir=${work}`, `--out-name=${name}`, "--no-typescript", wasm]);
  return { wasm: path.join(work, `${name}_bg.wasm`), glue: path.join(work, `${name}.js`) };
}

/** wasm-opt (release), the short names and terser, into trunk's staging directory. */
async function finish(provider, built) {
  const name = `booking-widget-${provider}`;
  const wasm = path.join(staging, `${name}_bg.wasm`);
  const glue = path.join(staging, `${name}.js`);
  if (release) {
    await run("wasm-opt", [`--output=${wasm}`, built.wasm, ...WASM_OPT]);
  } else if (built.wasm !== wasm) {
    copyFileSync(built.wasm, wasm);
  }
  if (built.glue !== glue) copyFileSync(built.glue, glue);
  await run("node", [path.join(source, "scripts/short-names.mjs"), wasm, glue, ...(built.module ? [built.module] : [])]);
  await minifyForRelease(glue);
}

const targetDir = JSON.parse(
  execFileSync("cargo", ["metadata", "--format-version=1", "--no-deps"], { cwd: source, encoding: "utf8" }),
).target_directory;
const work = path.join(targetDir, "variants", release ? "release" : "debug");
mkdirSync(work, { recursive: true });

const started = Date.now();
// trunk's build, renamed: its glue still imports the wasm's functions as trunk's
// module, and names trunk's wasm as its default (unused: embed.js passes the fetch).
const fromTrunk = {
  wasm: path.join(work, `booking-widget-${TRUNK_PROVIDER}.wasm`),
  glue: path.join(work, `booking-widget-${TRUNK_PROVIDER}.js`),
  module: "./booking-widget_bg.js",
};
copyFileSync(path.join(staging, "booking-widget_bg.wasm"), fromTrunk.wasm);
const trunkGlue = readFileSync(path.join(staging, "booking-widget.js"), "utf8");
if (!trunkGlue.includes("booking-widget_bg.wasm")) throw new Error("variants: trunk's glue does not name its wasm");
writeFileSync(fromTrunk.glue, trunkGlue.replace("booking-widget_bg.wasm", `booking-widget-${TRUNK_PROVIDER}_bg.wasm`));
rmSync(path.join(staging, "booking-widget_bg.wasm"));
rmSync(path.join(staging, "booking-widget.js"));
const finishing = [finish(TRUNK_PROVIDER, fromTrunk)];
for (const provider of PROVIDERS.filter((provider) => provider !== TRUNK_PROVIDER)) {
  const wasm = await cargoBuild(provider, work);
  finishing.push(bindgen(provider, wasm, work).then((built) => finish(provider, built)));
}
await Promise.all(finishing);
console.log(`variants: ${PROVIDERS.join(", ")} staged in ${((Date.now() - started) / 1000).toFixed(1)} s`);
