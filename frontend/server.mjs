/**
 * The web app's server: Next.js behind a thin Node layer that drops every forwarding header a client sends
 * and records the socket peer it saw, so the API proxy forwards only the real client address, and gives each
 * browser a workspace cookie.
 * `node server.mjs [--dev] [-p PORT] [-H HOST]`.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PEER_PROOF_ENV, trustedProxies, withClientAddress } from "./src/lib/server/clientAddress.mjs";
import { withWorkspace } from "./src/lib/server/workspace.mjs";

function option(flag, fallback) {
  const index = process.argv.indexOf(flag);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

const dev = process.argv.includes("--dev");
const port = Number(option("-p", process.env.FRONTEND_PORT ?? "3000"));
const hostname = option("-H", "127.0.0.1");
const trusted = trustedProxies(process.env.FRONTEND_TRUSTED_PROXIES);
const proof = randomBytes(24).toString("hex");
process.env[PEER_PROOF_ENV] = proof;
process.env.NODE_ENV ??= dev ? "development" : "production";

const { default: next } = await import("next");
const app = next({ dev, dir: path.dirname(fileURLToPath(import.meta.url)), hostname, port });
await app.prepare();
const server = createServer(withClientAddress(withWorkspace(app.getRequestHandler()), { trusted, proof }));
server.headersTimeout = 10_000;
server.listen(port, hostname, () => {
  console.log(`Encore web app ${dev ? "(development) " : ""}on http://${hostname}:${port}`);
});
