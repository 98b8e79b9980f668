import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { it } from "node:test";
import type { Page } from "playwright-core";
import { assertAccessible } from "../axe";
import { openWatchedPage, withPage } from "../browser-page";
import { makeSong, saveScreenshot, type Harness } from "../harness";
import { CreatePageModel } from "../pages/create-page";
import { QuickGenPageModel } from "../pages/quick-gen-page";

type ProjectJson = { id: string; scenes: { id: string }[]; finals: { video_id: string }[]; current_clips: Record<string, string> };

async function project(page: Page, id: string): Promise<ProjectJson> {
  const response = await page.request.get(new URL(`/api/projects/${id}`, page.url()).toString());
  assert.equal(response.status(), 200);
  return (await response.json()) as ProjectJson;
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function rows(page: Page) {
  return page.getByTestId("project-row");
}

export function projectSpecs(getHarness: () => Harness) {
  it("Quick Job keeps a project: a new tab opens it with ?project= and everything is there; another browser gets none", { timeout: 240_000 }, async () => {
    const { browser, baseUrl } = getHarness();
    const song = makeSong(mkdtempSync(path.join(tmpdir(), "encore-e2e-projects-")), 16);
    const watched = await openWatchedPage(browser, { viewport: { width: 1200, height: 900 } });
    const page = watched.page;
    try {
      const create = new CreatePageModel(page);
      await create.goto(baseUrl);
      await create.uploadSong(song);
      await create.describe("A choir sings on a rooftop at night", "A conductor in a red coat");
      await create.quickJob();
      await page.waitForURL(/\/quick-gen-page\?project=[0-9a-f-]{36}$/);
      const projectId = new URL(page.url()).searchParams.get("project")!;
      const quick = new QuickGenPageModel(page);
      await quick.waitForScenes(1);
      await quick.waitForAllClips();
      const finalId = await quick.waitForFinalVideo(null);
      const sceneIds = await quick.sceneIds();
      const clipIds = await quick.videoIds();
      await until(async () => (await project(page, projectId)).finals.some((f) => f.video_id === finalId), "the final video saved");
      const saved = await project(page, projectId);
      assert.deepEqual(saved.scenes.map((s) => s.id), sceneIds);
      assert.deepEqual(sceneIds.map((id) => saved.current_clips[id]), clipIds);

      // A new tab has no sessionStorage: everything comes from the project, and nothing is made again.
      const tab = await page.context().newPage();
      const made: string[] = [];
      tab.on("request", (request) => {
        if (request.method() === "POST") made.push(new URL(request.url()).pathname);
      });
      await tab.goto(`${baseUrl}/quick-gen-page?project=${projectId}`);
      const reopened = new QuickGenPageModel(tab);
      await reopened.waitForScenes(sceneIds.length);
      assert.deepEqual(await reopened.sceneIds(), sceneIds);
      assert.deepEqual(await reopened.videoIds(), clipIds);
      assert.equal(await reopened.finalVideoId(), finalId);
      assert.equal((await tab.getByTestId("input-video-description").textContent())?.includes("A choir sings on a rooftop at night"), true);
      await tab.getByTestId("save-status").waitFor();
      await assertAccessible(tab, "/quick-gen-page?project=");
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.deepEqual(made.filter((p) => p.startsWith("/api/mv/")), [], "opening a project starts no generation");
      await saveScreenshot(tab, "project-reopened");

      // Another browser has its own workspace: the project is not there.
      await withPage(browser, { allow: [/404/] }, async (stranger) => {
        await stranger.goto(`${baseUrl}/quick-gen-page?project=${projectId}`);
        await stranger.getByTestId("project-error").waitFor();
        assert.match((await stranger.getByTestId("project-error").textContent()) ?? "", /No project has that id/);
      });
    } finally {
      await watched.close();
    }
  });

  it("/projects lists past projects, duplicates one and deletes one after confirming", { timeout: 120_000 }, async () => {
    const { browser, baseUrl } = getHarness();
    await withPage(browser, { viewport: { width: 1200, height: 900 } }, async (page) => {
      await page.goto(`${baseUrl}/projects`);
      await page.getByTestId("no-projects").waitFor();
      await assertAccessible(page, "/projects empty");
      for (const title of ["Rooftop choir", "Harbour lights"]) {
        const response = await page.request.post(`${baseUrl}/api/projects`, {
          data: { title, idea: `${title} at dusk`, config_flavor: "mv1", mode: "draft", song: { duration: 42 } },
        });
        assert.equal(response.status(), 201);
      }
      await page.reload();
      await rows(page).nth(1).waitFor();
      assert.deepEqual(await page.getByTestId("project-title").allTextContents(), ["Harbour lights", "Rooftop choir"]);
      const first = rows(page).first();
      assert.match((await first.textContent()) ?? "", /Draft.*16:9.*Duration:0:42.*Flavor:mv1.*Cost:\$0\.00.*Created:/);
      await assertAccessible(page, "/projects with projects");

      await page.getByRole("button", { name: "Duplicate Rooftop choir" }).click();
      await rows(page).nth(2).waitFor();
      assert.deepEqual(await page.getByTestId("project-title").allTextContents(), ["Rooftop choir (copy)", "Harbour lights", "Rooftop choir"]);

      await page.getByRole("button", { name: "Delete Harbour lights" }).click();
      const dialog = page.getByTestId("delete-dialog");
      await dialog.waitFor();
      await assertAccessible(page, "/projects delete confirmation");
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "hidden" });
      assert.equal(await rows(page).count(), 3, "cancel keeps the project");

      await page.getByRole("button", { name: "Delete Harbour lights" }).click();
      await page.getByTestId("confirm-delete").click();
      await until(async () => (await rows(page).count()) === 2, "the project deleted");
      assert.deepEqual(await page.getByTestId("project-title").allTextContents(), ["Rooftop choir (copy)", "Rooftop choir"]);
      await saveScreenshot(page, "projects-page");

      await page.getByRole("link", { name: "Open Rooftop choir (copy)" }).click();
      await page.waitForURL(/\/quick-gen-page\?project=/);
      await page.getByTestId("input-config-flavor").waitFor();
      await page.getByTestId("scenes-error").waitFor();
      assert.match((await page.getByTestId("scenes-error").textContent()) ?? "", /no character description/);
    });
  });
}
