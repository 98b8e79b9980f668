/**
 * Each browser's workspace: an HttpOnly, SameSite=Lax cookie holding a random id. `server.mjs` gives a
 * browser one on its first request; the API proxy forwards it as `X-Encore-Workspace` (trusted by the API
 * only beside `X-Encore-Proxy`). Plain ESM so `server.mjs` and the proxy share it.
 */
import { randomUUID } from "node:crypto";

export const WORKSPACE_COOKIE = "encore_workspace";
export const WORKSPACE_HEADER = "x-encore-workspace";
const ONE_YEAR = 365 * 24 * 60 * 60;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The workspace id in a Cookie header, or null when there is none or it is not one we made. */
export function workspaceFromCookie(cookieHeader) {
  for (const part of (cookieHeader ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === WORKSPACE_COOKIE) {
      const value = rest.join("=").trim();
      return UUID.test(value) ? value : null;
    }
  }
  return null;
}

/** The Set-Cookie value that gives a browser this workspace. */
export function workspaceCookie(id, { secure = false } = {}) {
  return `${WORKSPACE_COOKIE}=${id}; Path=/; Max-Age=${ONE_YEAR}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** Wrap a Node request handler: a request without a valid workspace cookie gets a new one, in the request too. */
export function withWorkspace(handler) {
  return (req, res) => {
    const cookie = Array.isArray(req.headers.cookie) ? req.headers.cookie.join("; ") : req.headers.cookie;
    if (!workspaceFromCookie(cookie)) {
      const id = randomUUID();
      const others = (cookie ?? "").split(";").map((p) => p.trim()).filter((p) => p && !p.startsWith(`${WORKSPACE_COOKIE}=`));
      req.headers.cookie = [...others, `${WORKSPACE_COOKIE}=${id}`].join("; ");
      res.appendHeader("set-cookie", workspaceCookie(id, { secure: Boolean(req.socket.encrypted) }));
    }
    return handler(req, res);
  };
}
