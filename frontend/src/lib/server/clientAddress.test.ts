import { describe, expect, it } from "vitest";
import { clientAddress, provenPeer, trustedProxies } from "./clientAddress.mjs";

describe("client address", () => {
  it("is the socket peer whatever the client claims", () => {
    expect(clientAddress("203.0.113.9", "198.51.100.1", null)).toBe("203.0.113.9");
    expect(clientAddress("::ffff:127.0.0.1", "198.51.100.1", null)).toBe("127.0.0.1");
    expect(clientAddress("203.0.113.9", "198.51.100.1", trustedProxies("10.0.0.0/8"))).toBe("203.0.113.9");
  });

  it("is the hop a trusted reverse proxy appended, and only that hop", () => {
    const trusted = trustedProxies("10.0.0.0/8, ::1");
    expect(clientAddress("10.1.2.3", "6.6.6.6, 198.51.100.4", trusted)).toBe("198.51.100.4");
    expect(clientAddress("::1", ["6.6.6.6", "198.51.100.5"], trusted)).toBe("198.51.100.5");
    expect(clientAddress("10.1.2.3", "not-an-address", trusted)).toBe("10.1.2.3");
    expect(clientAddress("10.1.2.3", undefined, trusted)).toBe("10.1.2.3");
  });

  it("refuses a trusted-proxy list that is not addresses or networks", () => {
    expect(trustedProxies("")).toBeNull();
    expect(() => trustedProxies("10.0.0.0/8,proxy.example")).toThrow(/FRONTEND_TRUSTED_PROXIES/);
    expect(() => trustedProxies("10.0.0.0/33")).toThrow(/FRONTEND_TRUSTED_PROXIES/);
  });

  it("trusts the recorded peer only with this process's proof", () => {
    const headers = new Headers({ "x-encore-peer": "203.0.113.7", "x-encore-peer-proof": "secret" });
    expect(provenPeer(headers, "secret")).toBe("203.0.113.7");
    expect(provenPeer(headers, "other")).toBeNull();
    expect(provenPeer(headers, undefined)).toBeNull();
    expect(provenPeer(new Headers({ "x-encore-peer": "nonsense", "x-encore-peer-proof": "secret" }), "secret")).toBeNull();
  });
});
