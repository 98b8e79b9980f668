import "server-only";
import { FORWARDING_HEADERS, provenPeer } from "./clientAddress.mjs";
import { WORKSPACE_HEADER, workspaceFromCookie } from "./workspace.mjs";

/** Hop-by-hop and host headers never forwarded in either direction. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "expect",
]);

/** Base URL of the FastAPI backend, read per request so tests can point it anywhere. */
export function backendBaseUrl(): string {
  const explicit = process.env.BACKEND_URL?.trim();
  if (explicit) return explicit.replace(/\/+$/, "");
  const port = process.env.BACKEND_PORT?.trim() || "8000";
  return `http://127.0.0.1:${port}`;
}

/** Request headers the proxy sets itself (or never sends): a client's values are dropped. */
const NOT_FORWARDED = new Set([...HOP_BY_HOP, ...FORWARDING_HEADERS, "x-api-key", "x-encore-proxy", WORKSPACE_HEADER, "accept-encoding", "cookie"]);

function upstreamRequestHeaders(incoming: Headers): Headers {
  const headers = new Headers();
  incoming.forEach((value, key) => {
    if (NOT_FORWARDED.has(key.toLowerCase())) return;
    headers.set(key, value);
  });
  // Bodies are streamed through untouched; ask for identity so lengths and ranges stay exact.
  headers.set("accept-encoding", "identity");
  // The client is the socket peer `server.mjs` saw; without its proof the API keys us by our own address.
  const client = provenPeer(incoming);
  if (client) headers.set("x-forwarded-for", client);
  // The browser's workspace comes from its HttpOnly cookie only; a header it sent was dropped above.
  const workspace = workspaceFromCookie(incoming.get("cookie"));
  if (workspace) headers.set(WORKSPACE_HEADER, workspace);
  const proxyToken = process.env.MV_PROXY_TOKEN;
  if (proxyToken) headers.set("x-encore-proxy", proxyToken);
  const apiKey = process.env.API_KEY;
  if (apiKey) headers.set("x-api-key", apiKey);
  return headers;
}

function downstreamResponseHeaders(upstream: Headers): Headers {
  const headers = new Headers();
  upstream.forEach((value, key) => {
    const name = key.toLowerCase();
    if (HOP_BY_HOP.has(name) || name === "set-cookie") return;
    headers.append(key, value);
  });
  if ((headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    headers.set("cache-control", "no-cache, no-transform");
    headers.set("x-accel-buffering", "no");
  }
  return headers;
}

function backendUnavailable(detail: string): Response {
  return Response.json({ error: "BackendUnavailable", detail }, { status: 502 });
}

/** Forward one request to the backend, streaming both bodies and passing redirects through. */
export async function forward(request: Request, backendPath: string): Promise<Response> {
  const source = new URL(request.url);
  const target = `${backendBaseUrl()}${backendPath}${source.search}`;
  const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body !== null;
  const init: RequestInit & { duplex?: "half" } = {
    method: request.method,
    headers: upstreamRequestHeaders(request.headers),
    redirect: "manual",
    signal: request.signal,
    cache: "no-store",
  };
  if (hasBody) {
    init.body = request.body;
    init.duplex = "half";
  }
  let upstream: Response;
  try {
    upstream = await fetch(target, init);
  } catch (error) {
    if (request.signal.aborted) return new Response(null, { status: 499 });
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    const reason = error instanceof Error ? `${error.message}${cause}` : "unknown error";
    console.warn(`[encore-proxy] ${request.method} ${backendPath} failed: ${reason}`);
    return backendUnavailable("The Encore API is not reachable right now. Try again in a moment.");
  }
  const nullBody = upstream.status === 204 || upstream.status === 304 || request.method === "HEAD";
  return new Response(nullBody ? null : upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: downstreamResponseHeaders(upstream.headers),
  });
}
