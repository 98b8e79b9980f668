import assert from "node:assert/strict";
import { it } from "node:test";
import { assertAccessible } from "../axe";
import { openWatchedPage, withPage } from "../browser-page";
import { E2E_API_KEY, saveScreenshot, type Harness } from "../harness";
import { CreatePageModel } from "../pages/create-page";

const DESTRUCTIVE_BORDER = "rgb(239, 68, 68)";

export function shellSpecs(getHarness: () => Harness) {
  it("/create lists the flavors the backend serves, behind a collapsed Configuration section", async () => {
    const { browser, baseUrl } = getHarness();
    await withPage(browser, { viewport: { width: 1200, height: 900 } }, async (page) => {
      const sentKeys: string[] = [];
      page.on("request", (request) => {
        const key = request.headers()["x-api-key"];
        if (key) sentKeys.push(key);
      });
      const create = new CreatePageModel(page);
      await create.goto(baseUrl);
      assert.deepEqual(await create.sectionTitles(), ["Generation Mode", "Configuration", "Video Description", "Character", "Audio"]);
      assert.equal(await create.configTrigger.getAttribute("aria-expanded"), "false");
      assert.equal(await create.flavorSelect.count(), 0, "the flavor select is hidden until Configuration opens");
      await assertAccessible(page, "/create");

      await create.openConfiguration();
      const flavors = await create.flavorOptions();
      assert.deepEqual(flavors.slice(0, 1), ["default"]);
      for (const name of ["default", "beats", "example", "mv1"]) assert.ok(flavors.includes(name), `flavor ${name} listed`);
      assert.equal((await create.flavorSelect.textContent())?.trim(), "default");

      // Offline backend: drafts only, full quality disabled with the reason.
      assert.equal(await page.getByTestId("mode-full").isDisabled(), true);
      assert.match((await page.getByTestId("mode-full-explanation").textContent()) ?? "", /REPLICATE_API_TOKEN/);
      // No audio yet: trimming is impossible, and the file picker says so.
      assert.equal(await create.trimButton.isDisabled(), true);
      assert.equal((await page.getByTestId("audio-upload-name").textContent())?.trim(), "No file chosen");
      // The proxy added the key server-side; the browser never sent or saw it.
      assert.deepEqual(sentKeys, []);
      assert.ok(!(await page.content()).includes(E2E_API_KEY));
      await assertAccessible(page, "/create with Configuration open");

      // The app has an icon, served by the app itself.
      const icon = await page.locator('head link[rel="icon"]').first().getAttribute("href");
      assert.ok(icon, "a favicon link");
      const served = await page.evaluate(async (href) => {
        const response = await fetch(href);
        return { status: response.status, type: response.headers.get("content-type") ?? "" };
      }, icon);
      assert.equal(served.status, 200);
      assert.match(served.type, /^image\//);

      await saveScreenshot(page, "create-page");
    });
  });

  it("Quick Job with empty fields marks them invalid (red border, aria-invalid) and stays on /create", async () => {
    const { browser, baseUrl } = getHarness();
    await withPage(browser, {}, async (page) => {
      const create = new CreatePageModel(page);
      await create.goto(baseUrl);
      const fields = [page.getByTestId("video-description"), page.getByTestId("character-description")];
      for (const field of fields) {
        assert.equal(await field.getAttribute("aria-invalid"), null);
        assert.notEqual(await field.evaluate((node) => getComputedStyle(node).borderTopColor), DESTRUCTIVE_BORDER);
      }
      await create.quickJob();
      await page.getByTestId("error-video-description").waitFor();
      await page.getByTestId("error-character-description").waitFor();
      assert.ok(page.url().endsWith("/create"));
      for (const field of fields) {
        assert.equal(await field.getAttribute("aria-invalid"), "true");
        assert.equal(await field.evaluate((node) => getComputedStyle(node).borderTopColor), DESTRUCTIVE_BORDER);
        const describedBy = await field.getAttribute("aria-describedby");
        assert.ok(describedBy && (await page.locator(`#${describedBy}`).isVisible()), "the message is tied to the field");
      }
      await assertAccessible(page, "/create with inline errors");
      // Typing clears the mark.
      await fields[0]!.fill("A stadium at dusk");
      assert.equal(await fields[0]!.getAttribute("aria-invalid"), null);
    });
  });

  it("every other page passes axe: / (redirect), /quick-gen-page without a job, and the not-found page", async () => {
    const { browser, baseUrl } = getHarness();
    await withPage(browser, { allow: [/status of 404 .*\/no-such-page/] }, async (page) => {
      await page.goto(`${baseUrl}/`);
      await page.waitForURL(/\/create$/);
      await page.getByRole("heading", { name: "Create a music video" }).waitFor();
      await page.goto(`${baseUrl}/quick-gen-page`);
      await page.getByTestId("no-quick-job").waitFor();
      await assertAccessible(page, "/quick-gen-page without a job");
      const missing = await page.goto(`${baseUrl}/no-such-page`);
      assert.equal(missing?.status(), 404);
      await page.getByRole("heading", { name: "Page not found" }).waitFor();
      await assertAccessible(page, "the not-found page");
    });
  });

  it("the harness fails a test whose page logs a console error or throws", async () => {
    const { browser, baseUrl } = getHarness();
    const logged = await openWatchedPage(browser);
    await logged.page.goto(`${baseUrl}/create`);
    await logged.page.evaluate(() => console.error("Each child in a list should have a unique \"key\" prop."));
    await assert.rejects(logged.close(), /unique "key" prop/);
    const thrown = await openWatchedPage(browser);
    await thrown.page.goto(`${baseUrl}/create`);
    await thrown.page.evaluate(() => setTimeout(() => { throw new Error("boom in the page"); }, 0));
    for (let tries = 0; tries < 50 && thrown.problems.length === 0; tries += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    await assert.rejects(thrown.close(), /boom in the page/);
  });
}
