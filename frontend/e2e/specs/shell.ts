import assert from "node:assert/strict";
import { it } from "node:test";
import { E2E_API_KEY, saveScreenshot, type Harness } from "../harness";
import { CreatePageModel } from "../pages/create-page";

export function shellSpecs(getHarness: () => Harness) {
  it("/create lists the flavors the backend serves, behind a collapsed Configuration section", async () => {
    const { browser, baseUrl } = getHarness();
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    const sentKeys: string[] = [];
    page.on("request", (request) => {
      const key = request.headers()["x-api-key"];
      if (key) sentKeys.push(key);
    });
    try {
      const create = new CreatePageModel(page);
      await create.goto(baseUrl);
      assert.deepEqual(await create.sectionTitles(), ["Generation Mode", "Configuration", "Video Description", "Character", "Audio"]);
      assert.equal(await create.configTrigger.getAttribute("aria-expanded"), "false");
      assert.equal(await create.flavorSelect.count(), 0, "the flavor select is hidden until Configuration opens");

      await create.openConfiguration();
      const flavors = await create.flavorOptions();
      assert.deepEqual(flavors.slice(0, 1), ["default"]);
      for (const name of ["default", "example", "mv1"]) assert.ok(flavors.includes(name), `flavor ${name} listed`);
      assert.equal((await create.flavorSelect.textContent())?.trim(), "default");

      // Offline backend: drafts only, full quality disabled with the reason.
      assert.equal(await page.getByTestId("mode-full").isDisabled(), true);
      assert.match((await page.getByTestId("mode-full-explanation").textContent()) ?? "", /REPLICATE_API_TOKEN/);
      // No audio yet: trimming is impossible.
      assert.equal(await create.trimButton.isDisabled(), true);
      // The proxy added the key server-side; the browser never sent or saw it.
      assert.deepEqual(sentKeys, []);
      assert.ok(!(await page.content()).includes(E2E_API_KEY));

      await saveScreenshot(page, "create-page");
    } finally {
      await context.close();
    }
  });

  it("Quick Job with empty fields shows inline messages and stays on /create", async () => {
    const { browser, baseUrl } = getHarness();
    const context = await browser.newContext();
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    try {
      const create = new CreatePageModel(page);
      await create.goto(baseUrl);
      await create.quickJob();
      await page.getByTestId("error-video-description").waitFor();
      await page.getByTestId("error-character-description").waitFor();
      assert.ok(page.url().endsWith("/create"));
    } finally {
      await context.close();
    }
  });
}
