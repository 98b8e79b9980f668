import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { it } from "node:test";
import { assertAccessible } from "../axe";
import { openWatchedPage } from "../browser-page";
import { saveScreenshot, type Harness } from "../harness";
import { CreatePageModel } from "../pages/create-page";
import { QuickGenPageModel } from "../pages/quick-gen-page";

const SONG_SECONDS = 24;

/** A 120 BPM beat whose accompaniment changes half way: beats to find and more than one section to hear. */
function makeBeatSong(dir: string): string {
  const file = path.join(dir, "e2e-beat-song.mp3");
  const beat = "0.8*exp(-40*mod(t,0.5))*sin(2*PI*(if(lt(mod(t,2),0.5),1600,1000))*t)";
  const bed = "if(lt(t,12),0.2*sin(2*PI*110*t),0.25*sin(2*PI*330*t)+0.2*sin(2*PI*415*t))";
  execFileSync("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", `aevalsrc='${beat}+${bed}':s=44100:d=${SONG_SECONDS}`, "-ac", "2", file]);
  return file;
}

/** How far a scene card's top is from the top of the viewport. */
function cardTop(page: import("playwright-core").Page, sceneId: string): Promise<number> {
  return page.evaluate((id) => document.querySelector(`[data-scene-id="${id}"]`)?.getBoundingClientRect().top ?? Number.NaN, sceneId);
}

export function timelineSpecs(getHarness: () => Harness) {
  it("the song timeline shows beats, sections, lyrics and scene blocks that take you to their cards", { timeout: 240_000 }, async () => {
    const { browser, baseUrl } = getHarness();
    const media = mkdtempSync(path.join(tmpdir(), "encore-e2e-timeline-"));
    const watched = await openWatchedPage(browser, { viewport: { width: 1200, height: 800 } });
    const page = watched.page;
    try {
      const create = new CreatePageModel(page);
      await create.goto(baseUrl);
      await create.uploadSong(makeBeatSong(media));
      const audioId = (await create.track.getAttribute("data-audio-id"))!;
      await page.getByTestId("song-tempo").waitFor({ timeout: 120_000 });
      assert.match((await page.getByTestId("song-tempo").textContent()) ?? "", /^1(19|20|21) BPM$/);
      assert.ok((await page.getByTestId("song-section").count()) >= 1, "the create page lists the sections");
      await assertAccessible(page, "/create with an analysed song");

      const lyrics = await page.evaluate(async (id) => {
        const response = await fetch(`/api/audio/lyrics/${id}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ text: "[00:02.00]Hold on to the night\n[00:09.00]We are running\n[00:16.00]Into the light" }),
        });
        return response.status;
      }, audioId);
      assert.equal(lyrics, 200);
      await page.evaluate(
        ({ id, seconds }) => {
          sessionStorage.setItem(
            "quickJobData",
            JSON.stringify({ videoDescription: "A drummer on a rooftop", characterDescription: "A drummer", audioId: id, audioDuration: seconds, configFlavor: "default", generationMode: "draft" }),
          );
          sessionStorage.removeItem("quickGenState");
        },
        { id: audioId, seconds: SONG_SECONDS },
      );
      await page.goto(`${baseUrl}/quick-gen-page`);
      const quick = new QuickGenPageModel(page);
      const timeline = page.getByTestId("song-timeline");
      await page.locator('[data-testid="song-timeline"][data-status="ready"]').waitFor({ timeout: 60_000 });
      await quick.waitForScenes(3);
      await page.getByTestId("timeline-scene").nth(2).waitFor();

      const beats = await timeline.getByTestId("timeline-beat").count();
      const bars = await timeline.getByTestId("timeline-downbeat").count();
      assert.ok(beats + bars >= 40, `about 48 beats in 24 s at 120 BPM, saw ${beats + bars}`);
      assert.ok(bars >= 10 && bars <= 13, `a bar start every fourth beat, saw ${bars}`);
      assert.ok((await timeline.getByTestId("timeline-section").count()) >= 1);
      assert.deepEqual(await timeline.getByTestId("timeline-lyric").allTextContents(), ["0:02 Hold on to the night", "0:09 We are running", "0:16 Into the light"]);
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="timeline-waveform"]')?.getAttribute("data-peaks")) > 0);
      assert.equal(await timeline.getByTestId("timeline-scene").count(), 3);
      assert.equal(await timeline.getByTestId("timeline-scene").nth(1).getAttribute("aria-label"), "Scene 2, 0:08 to 0:16: go to its card");

      const sceneIds = await quick.sceneIds();
      await page.evaluate(() => window.scrollTo(0, 0));
      assert.ok((await cardTop(page, sceneIds[2]!)) > 800, "the third card starts below the fold");
      await timeline.getByTestId("timeline-scene").nth(2).click();
      await page.waitForFunction((id) => {
        const top = document.querySelector(`[data-scene-id="${id}"]`)?.getBoundingClientRect().top ?? -1;
        return top >= -2 && top < 200;
      }, sceneIds[2]!);
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-scene-id")), sceneIds[2], "the focus follows to the card");

      await timeline.getByTestId("timeline-scene").nth(0).focus();
      await page.keyboard.press("Enter");
      await page.waitForFunction((id) => document.activeElement?.getAttribute("data-scene-id") === id, sceneIds[0]!);
      await assertAccessible(page, "/quick-gen-page with the song timeline");
      await saveScreenshot(page, "song-timeline");
    } finally {
      await watched.close();
    }
  });
}
