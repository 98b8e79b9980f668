import assert from "node:assert/strict";
import { it } from "node:test";
import type { Request } from "playwright-core";
import { withPage } from "../browser-page";
import type { Harness } from "../harness";
import { CreatePageModel } from "../pages/create-page";
import { QuickGenPageModel } from "../pages/quick-gen-page";

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
      assert.equal((await page.getByTestId("config-summary-aspect").textContent())?.trim(), "9:16");
      await create.describe("A singer walks through a night market", "A singer in a yellow raincoat");
      await page.getByTestId("generate-character").click();
      await page.getByTestId("character-option").first().waitFor({ timeout: 60_000 });
      await page.getByTestId("character-option").first().click();
      await page.locator('[data-testid="character-option"][aria-checked="true"]').waitFor();
      await create.quickJob();
      await page.waitForURL(/\/quick-gen-page/);

      const quick = new QuickGenPageModel(page);
      await quick.waitForScenes(1);
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
}
