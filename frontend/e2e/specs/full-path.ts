import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { it } from "node:test";
import type { Locator, Page, Request } from "playwright-core";
import { assertAccessible } from "../axe";
import { openWatchedPage } from "../browser-page";
import { makeCharacterImage, makeSong, saveScreenshot, type Harness } from "../harness";
import { CreatePageModel } from "../pages/create-page";
import { QuickGenPageModel } from "../pages/quick-gen-page";

type Body = Record<string, unknown>;

/** Every JSON body the page POSTs to an API path, in order. */
function recordPosts(page: Page): Map<string, Body[]> {
  const posts = new Map<string, Body[]>();
  page.on("request", (request: Request) => {
    if (request.method() !== "POST") return;
    const url = new URL(request.url());
    if (!url.pathname.startsWith("/api/")) return;
    let body: Body = {};
    try {
      body = (request.postDataJSON() as Body) ?? {};
    } catch {
      body = {};
    }
    posts.set(url.pathname, [...(posts.get(url.pathname) ?? []), body]);
  });
  return posts;
}

/** Content types of the job event streams the page opened. */
function recordEventStreams(page: Page): string[] {
  const streams: string[] = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname === "/api/jobs/events") streams.push(response.headers()["content-type"] ?? "");
  });
  return streams;
}

/** A player plays with sound and shows a poster exactly when the server made one for its video. */
async function assertPlayer(page: Page, player: Locator, videoId: string) {
  assert.equal(await player.evaluate((node) => (node as HTMLVideoElement).muted), false, "players are not muted");
  const poster = await player.getAttribute("poster");
  const served = await page.request.get(new URL(poster ?? `/api/mv/get_poster/${videoId}`, page.url()).toString(), { maxRedirects: 0 });
  if (poster) {
    assert.equal(served.status(), 200, `poster of ${videoId} is served`);
    assert.match(served.headers()["content-type"] ?? "", /^image\//);
  } else {
    assert.notEqual(served.status(), 200, `the server has a poster for ${videoId}, the player should show it`);
  }
}

/** Video ids in a card's version list, in order. */
function versionIds(card: Locator): Promise<string[]> {
  return card.getByTestId("clip-version").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-video-id") ?? ""));
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function fullPathSpecs(getHarness: () => Harness) {
  it("song → trim → mv1 → Quick Job → scenes → clips → lipsync scene 2 → auto re-stitch → manual re-stitch", { timeout: 240_000 }, async () => {
    const { browser, baseUrl } = getHarness();
    const media = mkdtempSync(path.join(tmpdir(), "encore-e2e-media-"));
    const song = makeSong(media, 30);
    const portrait = makeCharacterImage(media);
    const watched = await openWatchedPage(browser, { viewport: { width: 1200, height: 900 } });
    const page = watched.page;
    const posts = recordPosts(page);
    const eventStreams = recordEventStreams(page);
    const stitches = () => posts.get("/api/mv/stitch_video") ?? [];
    try {
      // ---- Create page -----------------------------------------------------------------
      const create = new CreatePageModel(page);
      await create.goto(baseUrl);
      assert.equal(await create.configTrigger.getAttribute("aria-expanded"), "false", "Configuration starts collapsed");
      await create.openConfiguration();
      assert.equal(await create.trimButton.isDisabled(), true, "Trim is disabled without audio");

      await create.uploadSong(song);
      assert.equal((await page.getByTestId("audio-upload-name").textContent())?.trim(), path.basename(song), "the picker names the song");
      const uploadedId = await create.track.getAttribute("data-audio-id");
      assert.ok(uploadedId);
      assert.equal((await page.getByTestId("audio-track-duration").textContent())?.trim(), "0:30");
      assert.equal(await create.trimButton.isDisabled(), true, "Trim at 0 s would do nothing");

      await create.trimAt(5);
      await until(async () => (await create.track.getAttribute("data-audio-id")) !== uploadedId, "trimmed track");
      const trimmedId = (await create.track.getAttribute("data-audio-id"))!;
      assert.equal((await page.getByTestId("audio-track-duration").textContent())?.trim(), "0:25");
      const playerSrc = await page.getByTestId("audio-track-player").getAttribute("src");
      assert.ok(playerSrc?.includes(trimmedId), "the player plays the trimmed track");
      assert.deepEqual(posts.get("/api/audio/trim"), [{ audio_id: uploadedId, start_at: 5 }]);

      const lyrics = await page.request.post(new URL(`/api/audio/lyrics/${trimmedId}`, page.url()).toString(), {
        data: { text: "[00:09.00]Under the stadium lights\n[00:14.00]" },
      });
      assert.equal(lyrics.status(), 200, "the trimmed song takes its lyrics");

      await create.chooseFlavor("mv1");
      await create.describe("A band plays a stadium show at dusk", "A lead singer in a silver jacket");
      await create.uploadCharacter(portrait);
      await assertAccessible(page, "/create with a song and a character");
      await create.quickJob();
      await page.waitForURL(/\/quick-gen-page\?project=[0-9a-f-]{36}$/);

      // ---- Quick-gen page --------------------------------------------------------------
      const quick = new QuickGenPageModel(page);
      await page.getByTestId("input-config-flavor").waitFor();
      assert.equal(await quick.configToggle.getAttribute("aria-expanded"), "false", "Configuration starts collapsed");
      assert.equal((await page.getByTestId("input-config-flavor").textContent())?.trim(), "mv1");
      assert.equal(await page.getByTestId("input-audio").getAttribute("data-audio-id"), trimmedId);

      await quick.waitForScenes(2);
      const sceneIds = await quick.sceneIds();
      // Reload in the middle: scenes, clips and jobs come back and keep going.
      await page.reload();
      await quick.waitForScenes(2);
      assert.deepEqual(await quick.sceneIds(), sceneIds, "scenes survive a reload");
      await quick.waitForAllClips();
      assert.ok(eventStreams.length > 0, "the page follows its jobs over the event stream");
      assert.ok(eventStreams.every((type) => type.startsWith("text/event-stream")), eventStreams.join(", "));
      const firstFinal = await quick.waitForFinalVideo(null);
      const clipIds = await quick.videoIds();
      assert.equal(stitches().length, 1, "one automatic stitch, also across the reload");
      assert.equal(await page.getByTestId("clip-history").count(), 0, "every clip has one version");
      assert.equal((await page.getByTestId("final-summary").textContent())?.trim(), "4 clips with the song");
      for (const text of await page.getByTestId("scene-text").evaluateAll((nodes) => nodes.map((node) => (node as HTMLTextAreaElement).value))) {
        assert.doesNotMatch(text, /[a-z,:;] (A|An|The) |\.\.|silver jacket's/, `draft scene text reads as sentences: ${text}`);
      }
      const suggested = quick.card(1).getByTestId("lipsync-suggested");
      assert.ok(await suggested.isVisible(), "the scene sung over is suggested for lipsync");
      assert.equal((await suggested.textContent())?.trim(), "Suggested for lipsync");
      assert.match((await quick.card(1).getByTestId("scene-lyrics").textContent()) ?? "", /Under the stadium lights/);
      assert.equal(await quick.card(1).getByTestId("scene-vocals").textContent(), "· Vocals");
      assert.match((await quick.card(0).getByTestId("scene-energy").textContent()) ?? "", /(Low|Mid|High) energy/);
      const windows = await page.getByTestId("scene-window").allTextContents();
      assert.deepEqual(windows.map((text) => text.trim()), ["0–8 s", "8–16 s", "16–24 s", "24–25 s"], "the last window ends with the song");
      for (const [index, id] of clipIds.entries()) await assertPlayer(page, quick.card(index).getByTestId("clip-player"), id);
      await assertPlayer(page, page.getByTestId("final-video-player"), firstFinal);
      await assertAccessible(page, "/quick-gen-page with clips and the final video");
      assert.deepEqual(stitches().at(-1)?.video_ids, clipIds, "auto stitch uses every clip in scene order");
      assert.equal(stitches().at(-1)?.audio_id, trimmedId);
      assert.equal(stitches().at(-1)?.suppress_video_audio, true);
      assert.ok((await page.getByTestId("clip-draft").count()) > 0, "offline clips are labelled Draft");

      for (const body of posts.get("/api/mv/create_scenes") ?? []) {
        assert.equal(body.config_flavor, "mv1");
        assert.equal(body.provider, "local");
        assert.equal(body.number_of_scenes, 4, "one scene per 8 s of the 25 s track");
        assert.equal(body.audio_id, trimmedId, "the plan is made for the song");
      }
      assert.equal(clipIds.length, 4);
      for (const body of posts.get("/api/mv/generate_video") ?? []) {
        assert.equal(body.config_flavor, "mv1");
        assert.equal(body.provider, "local");
      }

      // ---- Lipsync the second scene -----------------------------------------------------
      const second = quick.card(1);
      assert.equal(await second.getByTestId("clip-lipsync").getAttribute("data-state"), "unchecked");
      assert.ok(await second.getByRole("button", { name: "Regenerate", exact: true }).isVisible());
      const oldId = clipIds[1]!;
      const stitchCount = stitches().length;
      await quick.lipsyncScene(1);
      await until(async () => {
        const id = await second.getAttribute("data-video-id");
        return Boolean(id) && id !== oldId && (await second.getAttribute("data-status")) === "succeeded";
      }, "lipsynced clip in the card");
      const newId = (await second.getAttribute("data-video-id"))!;
      const lipsync = posts.get("/api/mv/lipsync")?.at(-1);
      assert.deepEqual(
        { ...lipsync },
        { video_id: oldId, audio_id: trimmedId, start_time: 8, end_time: 16, config_flavor: "mv1", provider: "local" },
      );
      assert.ok(await second.getByTestId("clip-lipsynced").isVisible());

      // Automatic re-stitch with the new id in place of the old.
      const secondFinal = await quick.waitForFinalVideo(firstFinal);
      assert.equal(stitches().length, stitchCount + 1, "one change starts one stitch");
      assert.deepEqual(await versionIds(second), [oldId, newId], "each version listed once");
      const expected = clipIds.map((id, index) => (index === 1 ? newId : id));
      assert.deepEqual(stitches().at(-1)?.video_ids, expected);
      assert.equal(await quick.finalVideo.getAttribute("data-clip-ids"), expected.join(","));

      // Manual re-stitch with the same clips and audio.
      await page.getByTestId("restitch").click();
      const thirdFinal = await quick.waitForFinalVideo(secondFinal);
      assert.equal(stitches().length, stitchCount + 2, "the button starts one stitch");
      assert.deepEqual(stitches().at(-1), { video_ids: expected, audio_id: trimmedId, suppress_video_audio: true });
      const download = page.getByTestId("final-download");
      assert.ok((await download.getAttribute("href"))?.includes(thirdFinal) || (await download.getAttribute("href")));
      assert.ok((await download.getAttribute("download"))?.endsWith(".mp4"));

      // The media the page shows is really served through the same origin.
      const clipSrc = await second.getByTestId("clip-player").getAttribute("src");
      const ranged = await page.evaluate(async (src) => {
        const response = await fetch(src!, { headers: { Range: "bytes=0-99" } });
        return { status: response.status, type: response.headers.get("content-type") };
      }, clipSrc);
      assert.ok(ranged.status === 206 || ranged.status === 200, `clip served (${ranged.status})`);

      await page.evaluate(() => window.scrollTo(0, 0));
      await saveScreenshot(page, "quick-gen-page");
    } finally {
      await watched.close();
    }
  });

  it("without a track, lipsync is disabled and says why", { timeout: 120_000 }, async () => {
    const { browser, baseUrl } = getHarness();
    const watched = await openWatchedPage(browser);
    const page = watched.page;
    try {
      await page.goto(`${baseUrl}/create`);
      await page.evaluate(() => {
        sessionStorage.setItem(
          "quickJobData",
          JSON.stringify({ videoDescription: "A quiet street", characterDescription: "A drummer", configFlavor: "no-such-flavor", generationMode: "draft" }),
        );
        sessionStorage.removeItem("quickGenState");
      });
      await page.goto(`${baseUrl}/quick-gen-page`);
      const quick = new QuickGenPageModel(page);
      await page.getByTestId("flavor-note").waitFor();
      assert.equal((await page.getByTestId("input-config-flavor").textContent())?.trim(), "default");
      await quick.waitForScenes(1);
      const card = quick.card(0);
      await card.getByTestId("lipsync-reason").first().waitFor();
      assert.equal(await card.getByTestId("clip-lipsync").isDisabled(), true);
      await quick.waitForAllClips();
      assert.match((await card.getByTestId("lipsync-reason").textContent()) ?? "", /audio track/);
      assert.equal(await card.getByTestId("clip-lipsync").isDisabled(), true);
      await quick.waitForFinalVideo(null);
      const summary = (await page.getByTestId("final-summary").textContent())?.trim() ?? "";
      assert.match(summary, /^\d+ clips?$/, `no song, so no "with the song": ${summary}`);
      assert.doesNotMatch((await page.getByTestId("section-final-video").textContent()) ?? "", /with the song/);
    } finally {
      await watched.close();
    }
  });
}
