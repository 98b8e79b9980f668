// Record optional platform packages the local registry cannot serve, so `npm ci` accepts the lockfile.
import fs from "node:fs";

const file = process.argv[2] ?? "package-lock.json";
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const packages = lock.packages;
const platform = (name) => {
  const os = ["darwin", "win32", "android", "freebsd", "openbsd", "sunos", "aix", "netbsd", "linux"].find((o) => name.includes(o));
  const cpu = ["arm64", "x64", "ia32", "arm", "wasm32", "s390x", "ppc64", "riscv64", "loong64"].find((c) => name.includes(c));
  return { ...(os ? { os: [os] } : {}), ...(cpu ? { cpu: [cpu] } : {}) };
};
let added = 0;
for (const [path, entry] of Object.entries({ ...packages })) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path ? `${path}/node_modules/${dep}` : `node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (packages[base] || packages[hoisted]) continue;
    packages[hoisted] = { version, dev: entry.dev, optional: true, ...platform(dep) };
    if (!entry.dev) delete packages[hoisted].dev;
    added += 1;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`recorded ${added} optional packages`);
