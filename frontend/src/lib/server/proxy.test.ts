import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
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
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  delete process.env.API_KEY;
});

describe("API proxy", () => {
  it("adds the server-side key and drops any key the browser sent", async () => {
    process.env.API_KEY = "server-secret";
    const request = new Request("http://next.local/api/mv/get_config_flavors?x=1", { headers: { "x-api-key": "from-browser" } });
    const response = await forward(request, "/api/mv/get_config_flavors");
    expect(response.status).toBe(200);
    expect(seen[0]?.url).toBe("/api/mv/get_config_flavors?x=1");
    expect(seen[0]?.headers["x-api-key"]).toBe("server-secret");
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
});
