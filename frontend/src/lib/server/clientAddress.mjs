/**
 * Which address the web app forwards to the API as the client: the socket peer it saw, never a header the
 * client sent. Plain ESM so `server.mjs` (the Node server in front of Next) and the API proxy share it.
 */
import { timingSafeEqual } from "node:crypto";
import { BlockList, isIP } from "node:net";

export const PEER_HEADER = "x-encore-peer";
export const PEER_PROOF_HEADER = "x-encore-peer-proof";
export const PEER_PROOF_ENV = "ENCORE_PEER_PROOF";

/** Headers a client could use to claim another address; removed from every incoming request. */
export const FORWARDING_HEADERS = [
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-port",
  "x-forwarded-proto",
  "x-real-ip",
  "x-client-ip",
  "true-client-ip",
  "cf-connecting-ip",
  PEER_HEADER,
  PEER_PROOF_HEADER,
];

function normalise(address) {
  const text = (address ?? "").trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  return mapped ? mapped[1] : text;
}

function family(address) {
  return isIP(address) === 6 ? "ipv6" : "ipv4";
}

/** Parse `FRONTEND_TRUSTED_PROXIES` (addresses or CIDR networks, comma-separated); null when empty. */
export function trustedProxies(spec) {
  const items = (spec ?? "").split(",").map((item) => item.trim()).filter(Boolean);
  if (items.length === 0) return null;
  const list = new BlockList();
  for (const item of items) {
    const [address = "", bits] = item.split("/");
    const version = isIP(address);
    const prefix = bits === undefined ? (version === 4 ? 32 : 128) : Number(bits);
    if (!version || !Number.isInteger(prefix) || prefix < 0 || prefix > (version === 4 ? 32 : 128)) {
      throw new Error(`FRONTEND_TRUSTED_PROXIES: "${item}" is not an IP address or network`);
    }
    list.addSubnet(address, prefix, family(address));
  }
  return list;
}

/** The client: the socket peer, or the last hop a trusted reverse proxy in front appended. */
export function clientAddress(peer, forwardedFor, trusted) {
  const socketAddress = normalise(peer);
  if (!isIP(socketAddress)) return "";
  if (trusted && trusted.check(socketAddress, family(socketAddress))) {
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
    const hop = normalise(header.split(",").at(-1));
    if (isIP(hop)) return hop;
  }
  return socketAddress;
}

/** Wrap a Node request handler: drop client-sent forwarding headers and record the client with a proof. */
export function withClientAddress(handler, { trusted = null, proof }) {
  return (req, res) => {
    const address = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trusted);
    for (const name of FORWARDING_HEADERS) delete req.headers[name];
    if (address && proof) {
      req.headers[PEER_HEADER] = address;
      req.headers[PEER_PROOF_HEADER] = proof;
    }
    return handler(req, res);
  };
}

/** The client address recorded by `withClientAddress` in this process, or null when the proof is missing. */
export function provenPeer(headers, proof = process.env[PEER_PROOF_ENV]) {
  const peer = headers.get(PEER_HEADER) ?? "";
  const given = Buffer.from(headers.get(PEER_PROOF_HEADER) ?? "");
  if (!proof || !isIP(peer)) return null;
  const expected = Buffer.from(proof);
  return given.length === expected.length && timingSafeEqual(given, expected) ? peer : null;
}
