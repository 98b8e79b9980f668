import assert from "node:assert/strict";
import { it } from "node:test";
import type { Harness } from "../harness";

/** Spends the loopback client's generation budget: run these last. */
export function spendSpecs(getHarness: () => Harness) {
  it("a client that invents a new X-Forwarded-For on every request is still refused at the rate limit", async () => {
    const { baseUrl } = getHarness();
    const statuses: number[] = [];
    // The API allows 60 generation requests a minute per client, refilled one a second; each request here
    // takes far less, so one client meets a 429 long before 200 requests.
    for (let n = 1; n <= 200 && !statuses.includes(429); n += 1) {
      const response = await fetch(`${baseUrl}/api/mv/create_scenes?wait=0`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": `198.51.${n}.7`, forwarded: `for=198.51.${n}.7` },
        body: "{}",
      });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    assert.ok(statuses.includes(429), `no 429 in ${statuses.length} requests: the proxy let the client pick its identity`);
  });
}
