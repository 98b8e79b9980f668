import assert from "node:assert/strict";
import { it } from "node:test";
import type { Request } from "playwright-core";
import { withPage } from "../browser-page";
import type { Harness } from "../harness";
import { CreatePageModel } from "../pages/create-page";
import { QuickGenPageModel } from "../pages/quick-gen-page";

/** A page whose health check says the server can reach Replicate (the harness runs offline), so Full mode can be chosen. */
async function claimReplicate(page: import("playwright-core").Page) {
  await page.route("**/healthz", async (route) => {
    const response = await route.fetch();
    const health = (await response.json()) as Record<string, unknown>;
    await route.fulfill({ response, json: { ...health, replicate_available: true } });
  });
}

/** Aspect ratios in the browser: chosen on the create page, carried to every request, drawn by the drafts. */
export function formatSpecs(getHarness: () => Harness) {
  it("a 9:16 draft: the ratio is chosen in Configuration and the clips are portrait", async () => {
    const { baseUrl, browser } = getHarness();
    await withPage(browser, { viewport: { width: 1200, height: 900 } }, async (page) => {
      const sent: { path: string; body: Record<string, unknown> }[] = [];
      page.on("request", (request: Request) => {
        const url = new URL(request.url());
        if (request.method() === "POST" && url.pathname.startsWith("/api/mv/")) {
          sent.push({ path: url.pathname, body: (request.postDataJSON() as Record<string, unknown>) ?? {} });
        }
      });
      const create = new CreatePageModel(page);
      await create.goto(baseUrl);
      await create.openConfiguration();
      await page.getByTestId("aspect-ratio").click();
      const offered = (await page.getByRole("option").allTextContents()).map((text) => text.trim());
      assert.deepEqual(offered, ["16:9 (landscape)", "9:16 (portrait: Shorts, Reels, TikTok)"], "Veo 3.1 has no 1:1");
      await page.getByRole("option", { name: /^9:16/ }).click();
      assert.match((await page.getByTestId("aspect-ratio").textContent()) ?? "", /^9:16/);
      await create.describe("A singer walks through a night market", "A singer in a yellow raincoat");
      await page.getByTestId("generate-character").click();
      await page.getByTestId("character-option").first().waitFor({ timeout: 60_000 });
      await page.getByTestId("character-option").first().click();
      await page.locator('[data-testid="character-option"][aria-checked="true"]').waitFor();
      await create.quickJob();
      await page.waitForURL(/\/quick-gen-page/);

      const quick = new QuickGenPageModel(page);
      await quick.waitForScenes(1);
      assert.equal((await page.getByTestId("input-aspect-ratio").textContent())?.trim(), "9:16");
      await quick.waitForAllClips();
      const player = quick.card(0).locator("video");
      await player.evaluate((node) => {
        const video = node as HTMLVideoElement;
        return video.readyState >= 1 ? undefined : new Promise((resolve) => video.addEventListener("loadedmetadata", resolve, { once: true }));
      });
      const size = await player.evaluate((node) => [(node as HTMLVideoElement).videoWidth, (node as HTMLVideoElement).videoHeight]);
      assert.deepEqual(size, [720, 1280], "a 9:16 draft clip is 720x1280");
      const ratios = (path: string) => sent.filter((post) => post.path === path).map((post) => post.body.aspect_ratio);
      assert.deepEqual(ratios("/api/mv/generate_character_reference"), ["9:16"]);
      assert.ok(ratios("/api/mv/generate_video").length > 0 && ratios("/api/mv/generate_video").every((ratio) => ratio === "9:16"));
      assert.equal(await page.getByTestId("estimate").count(), 0, "a draft shows no estimate");
    });
  });

  it("Full mode shows the server's estimate before Quick Job and asks before a run above the threshold", async () => {
    const { baseUrl, browser } = getHarness();
    await withPage(browser, { viewport: { width: 1200, height: 900 }, allow: [/400/] }, async (page) => {
      await claimReplicate(page);
      const scenePosts: Record<string, unknown>[] = [];
      page.on("request", (request: Request) => {
        if (request.method() === "POST" && new URL(request.url()).pathname === "/api/mv/create_scenes") {
          scenePosts.push((request.postDataJSON() as Record<string, unknown>) ?? {});
        }
      });
      const create = new CreatePageModel(page);
      await create.goto(baseUrl);
      assert.equal(await page.getByTestId("estimate").count(), 0, "drafts show no estimate");
      await page.getByTestId("mode-full").click();
      await page.getByTestId("estimate-total").waitFor();
      // The default flavor: a scene plan ($0.01) and 4 clips of 8 s on Veo 3.1 at $0.20/s ($6.40).
      assert.equal((await page.getByTestId("estimate-total").textContent())?.trim(), "$6.41");
      const lines = (await page.getByTestId("estimate").locator("li").allTextContents()).map((line) => line.trim());
      assert.deepEqual(lines, ["Scene plan: 1 run of google/gemini-2.5-flash — $0.01", "Clips: 32 s of google/veo-3.1 — $6.40"]);
      await create.describe("A band plays a stadium show", "A lead singer in a silver jacket");
      await create.quickJob();
      const dialog = page.getByTestId("spend-confirm-dialog");
      await dialog.waitFor();
      assert.equal((await page.getByTestId("spend-confirm-total").textContent())?.trim(), "$6.41");
      await page.getByTestId("spend-cancel").click();
      await dialog.waitFor({ state: "hidden" });
      assert.equal(page.url(), `${baseUrl}/create`, "cancelling stays on the create page");
      assert.equal(scenePosts.length, 0, "nothing was started before the confirmation");
      await create.quickJob();
      await page.getByTestId("spend-confirm").click();
      await page.waitForURL(/\/quick-gen-page/);
      await page.waitForFunction(() => document.querySelector('[data-testid="scenes-error"]') !== null || document.querySelector('[data-testid="scene-card"]') !== null);
      assert.equal(scenePosts.length, 1, "the confirmed Quick Job starts the plan");
      assert.equal(scenePosts[0]?.provider, "replicate");
    });
  });
}
