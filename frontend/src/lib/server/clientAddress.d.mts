import type { IncomingMessage, ServerResponse } from "node:http";
import type { BlockList } from "node:net";

export declare const PEER_HEADER: string;
export declare const PEER_PROOF_HEADER: string;
export declare const PEER_PROOF_ENV: string;
export declare const FORWARDING_HEADERS: readonly string[];
export declare function trustedProxies(spec: string | undefined): BlockList | null;
export declare function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: BlockList | null): string;
export declare function withClientAddress(
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
  options: { trusted?: BlockList | null; proof: string },
): (req: IncomingMessage, res: ServerResponse) => unknown;
export declare function provenPeer(headers: Headers, proof?: string): string | null;
