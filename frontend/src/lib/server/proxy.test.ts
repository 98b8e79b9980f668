import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PEER_PROOF_ENV, withClientAddress } from "./clientAddress.mjs";
import { forward } from "./proxy";

let server: Server;
let seen: { method?: string; url?: string; headers: IncomingMessage["headers"]; bodyLength: number }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let length = 0;
    req.on("data", (chunk: Buffer) => (length += chunk.length));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, bodyLength: length });
      if (req.url?.startsWith("/api/media")) {
        res.writeHead(206, { "content-type": "video/mp4", "content-range": "bytes 0-3/10", "accept-ranges": "bytes", "content-length": "4" });
        res.end("abcd");
      } else if (req.url?.startsWith("/api/redirect")) {
        res.writeHead(307, { location: "https://bucket.example/video.mp4?sig=1" });
        res.end();
      } else if (req.url?.startsWith("/api/events")) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("event: job\ndata: {\"n\":1}\n\n");
        setTimeout(() => res.end("event: job\ndata: {\"n\":2}\n\n"), 300);
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ received: length }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.BACKEND_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  delete process.env.BACKEND_URL;
  delete process.env.API_KEY;
  delete process.env.MV_PROXY_TOKEN;
  delete process.env[PEER_PROOF_ENV];
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  delete process.env.API_KEY;
  delete process.env.MV_PROXY_TOKEN;
  delete process.env[PEER_PROOF_ENV];
});

const CLAIMS = {
  "x-forwarded-for": "6.6.6.6",
  forwarded: "for=6.6.6.6",
  "x-real-ip": "6.6.6.6",
  "x-forwarded-host": "evil.example",
  "x-encore-proxy": "guessed",
};

describe("API proxy", () => {
  it("adds the server-side key and drops any key the browser sent", async () => {
    process.env.API_KEY = "server-secret";
    const request = new Request("http://next.local/api/mv/get_config_flavors?x=1", { headers: { "x-api-key": "from-browser" } });
    const response = await forward(request, "/api/mv/get_config_flavors");
    expect(response.status).toBe(200);
    expect(seen[0]?.url).toBe("/api/mv/get_config_flavors?x=1");
    expect(seen[0]?.headers["x-api-key"]).toBe("server-secret");
  });

  it("forwards the workspace from the browser's cookie only, never a header it sent, and never the cookie", async () => {
    const workspace = "0f8b6c1e-2a4d-4e5f-9a1b-3c4d5e6f7a8b";
    const request = new Request("http://next.local/api/projects", {
      headers: { cookie: `theme=dark; encore_workspace=${workspace}`, "x-encore-workspace": "someone-else" },
    });
    await forward(request, "/api/projects");
    expect(seen[0]?.headers["x-encore-workspace"]).toBe(workspace);
    expect(seen[0]?.headers.cookie).toBeUndefined();
    await forward(new Request("http://next.local/api/projects", { headers: { "x-encore-workspace": "someone-else" } }), "/api/projects");
    expect(seen[1]?.headers["x-encore-workspace"]).toBeUndefined();
    await forward(new Request("http://next.local/api/projects", { headers: { cookie: "encore_workspace=../../x" } }), "/api/projects");
    expect(seen[2]?.headers["x-encore-workspace"]).toBeUndefined();
  });

  it("sends no key when none is configured", async () => {
    await forward(new Request("http://next.local/api/a", { headers: { "x-api-key": "browser" } }), "/api/a");
    expect(seen[0]?.headers["x-api-key"]).toBeUndefined();
  });

  it("streams a large upload body through", async () => {
    const body = new Uint8Array(3 * 1024 * 1024).fill(7);
    const request = new Request("http://next.local/api/audio/upload", {
      method: "POST",
      body,
      headers: { "content-type": "application/octet-stream" },
    });
    const response = await forward(request, "/api/audio/upload");
    expect(await response.json()).toEqual({ received: body.length });
  });

  it("passes ranges and 206 through", async () => {
    const response = await forward(new Request("http://next.local/api/media", { headers: { range: "bytes=0-3" } }), "/api/media");
    expect(seen[0]?.headers.range).toBe("bytes=0-3");
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe("bytes 0-3/10");
    expect(await response.text()).toBe("abcd");
  });

  it("passes redirects through instead of following them", async () => {
    const response = await forward(new Request("http://next.local/api/redirect"), "/api/redirect");
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("https://bucket.example/video.mp4?sig=1");
  });

  it("streams server-sent events as they arrive", async () => {
    const response = await forward(new Request("http://next.local/api/events"), "/api/events");
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("cache-control")).toContain("no-cache");
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('"n":1');
    expect(first).not.toContain('"n":2');
    await reader.cancel();
  });

  it("answers 502 in the API error shape when the backend is down", async () => {
    const saved = process.env.BACKEND_URL;
    process.env.BACKEND_URL = "http://127.0.0.1:9";
    try {
      const response = await forward(new Request("http://next.local/api/x"), "/api/x");
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ error: "BackendUnavailable" });
    } finally {
      process.env.BACKEND_URL = saved;
    }
  });

  it("forwards as the client only the peer the Node server recorded, with its proof", async () => {
    process.env[PEER_PROOF_ENV] = "proof-of-this-process";
    process.env.MV_PROXY_TOKEN = "run-token";
    const headers = { ...CLAIMS, "x-encore-peer": "203.0.113.7", "x-encore-peer-proof": "proof-of-this-process" };
    await forward(new Request("http://next.local/api/a", { headers }), "/api/a");
    const sent = seen[0]!.headers;
    expect(sent["x-forwarded-for"]).toBe("203.0.113.7");
    expect(sent["x-encore-proxy"]).toBe("run-token");
    for (const name of ["forwarded", "x-real-ip", "x-forwarded-host", "x-encore-peer", "x-encore-peer-proof"]) {
      expect(sent[name], name).toBeUndefined();
    }
  });

  it("forwards no client address when the peer header comes without this process's proof", async () => {
    process.env[PEER_PROOF_ENV] = "proof-of-this-process";
    const headers = { ...CLAIMS, "x-encore-peer": "203.0.113.7", "x-encore-peer-proof": "a-guess" };
    await forward(new Request("http://next.local/api/a", { headers }), "/api/a");
    expect(seen[0]!.headers["x-forwarded-for"]).toBeUndefined();
    expect(seen[0]!.headers["x-encore-proxy"]).toBeUndefined();
    delete process.env[PEER_PROOF_ENV];
    await forward(new Request("http://next.local/api/a", { headers: { ...headers, "x-encore-peer-proof": "" } }), "/api/a");
    expect(seen[1]!.headers["x-forwarded-for"]).toBeUndefined();
  });

  it("sends the socket peer however the client rotates X-Forwarded-For through the Node server", async () => {
    const proof = "proof-of-this-process";
    process.env[PEER_PROOF_ENV] = proof;
    const front = createServer(
      withClientAddress(
        async (req, res) => {
          const request = new Request(`http://next.local${req.url}`, { headers: req.headers as Record<string, string> });
          const response = await forward(request, req.url ?? "/");
          res.writeHead(response.status);
          res.end(await response.text());
        },
        { proof },
      ),
    );
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(front.address() as AddressInfo).port}/api/mv/create_scenes`;
      for (const claim of ["198.51.100.1", "198.51.100.2", "10.0.0.1, 198.51.100.3"]) {
        const response = await fetch(url, { headers: { "x-forwarded-for": claim, "x-encore-peer": claim, "x-encore-peer-proof": proof } });
        expect(response.status).toBe(200);
      }
    } finally {
      await new Promise((resolve) => front.close(resolve));
    }
    expect(seen.map((request) => request.headers["x-forwarded-for"])).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
  });
});
