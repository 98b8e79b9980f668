import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { withWorkspace, workspaceCookie, workspaceFromCookie } from "./workspace.mjs";

const ID = "0f8b6c1e-2a4d-4e5f-9a1b-3c4d5e6f7a8b";

async function serve(): Promise<{ url: string; seen: IncomingMessage["headers"][]; close: () => Promise<void> }> {
  const seen: IncomingMessage["headers"][] = [];
  const server = createServer(withWorkspace((req, res) => {
    seen.push({ ...req.headers });
    res.end("ok");
  }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("workspace cookie", () => {
  it("reads only an id it could have made", () => {
    expect(workspaceFromCookie(`a=1; encore_workspace=${ID}; b=2`)).toBe(ID);
    expect(workspaceFromCookie("encore_workspace=alice")).toBeNull();
    expect(workspaceFromCookie(undefined)).toBeNull();
    expect(workspaceCookie(ID)).toBe(`encore_workspace=${ID}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax`);
  });

  it("gives a browser without one a random HttpOnly, SameSite=Lax workspace, in the same request too", async () => {
    const { url, seen, close } = await serve();
    try {
      const first = await fetch(url, { headers: { cookie: "theme=dark" } });
      const second = await fetch(url);
      const cookies = [first, second].map((r) => r.headers.get("set-cookie") ?? "");
      const ids = cookies.map((c) => /encore_workspace=([^;]+)/.exec(c)?.[1]);
      expect(cookies[0]).toMatch(/; HttpOnly; SameSite=Lax$/);
      expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(ids[0]).not.toBe(ids[1]);
      expect(seen[0]?.cookie).toBe(`theme=dark; encore_workspace=${ids[0]}`);
      const kept = await fetch(url, { headers: { cookie: `encore_workspace=${ID}` } });
      expect(kept.headers.get("set-cookie")).toBeNull();
      expect(seen[2]?.cookie).toBe(`encore_workspace=${ID}`);
      await fetch(url, { headers: { cookie: "encore_workspace=forged-name" } });
      expect(seen[3]?.cookie).toMatch(/^encore_workspace=[0-9a-f-]{36}$/);
    } finally {
      await close();
    }
  });
});
