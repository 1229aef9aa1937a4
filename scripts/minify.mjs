// terser over a JS file of a release build, after trunk's swc: the post-build hooks
// (short-names.mjs for the glue, embed.mjs for embed.js) end with it. swc leaves a
// module's top-level names whole (`getDataViewMemory0`, `passStringToWasm0`, … in the
// glue; `FIELDS`, `drawShell`, … in embed.js); terser's module mode shortens them too
// (only the exports are seen from outside) and compresses a little further: about
// 0.4 KB of the bundle's brotli. Only terser's safe transforms: no `unsafe*` options.
import { readFileSync, writeFileSync } from "node:fs";
import { minify } from "terser";

/** Minifies `file` in place when trunk builds for release (`minify = "on_release"`). */
export async function minifyForRelease(file) {
  if (process.env.TRUNK_PROFILE !== "release") return;
  const { code } = await minify(readFileSync(file, "utf8"), { module: true, compress: { passes: 2 } });
  writeFileSync(file, code);
}
