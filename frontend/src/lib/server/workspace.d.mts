import type { IncomingMessage, ServerResponse } from "node:http";

export declare const WORKSPACE_COOKIE: string;
export declare const WORKSPACE_HEADER: string;
export declare function workspaceFromCookie(cookieHeader: string | null | undefined): string | null;
export declare function workspaceCookie(id: string, options?: { secure?: boolean }): string;
export declare function withWorkspace(
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
): (req: IncomingMessage, res: ServerResponse) => unknown;
