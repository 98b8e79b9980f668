import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { it } from "node:test";
import { assertAccessible } from "../axe";
import { withPage } from "../browser-page";
import type { Harness } from "../harness";
import { CreatePageModel } from "../pages/create-page";

const LRC = "[ti:Night Run]\n[00:02.00]Hold on to the night\n[00:06.50]We are running\n[00:11.00]Into the light";

/** A 16 s tone with a wobbling pitch: something the analysis can take for a voice. */
function makeSong(dir: string): string {
  const file = path.join(dir, "e2e-lyrics-song.mp3");
  execFileSync("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "aevalsrc='0.4*sin(2*PI*(330+20*sin(2*PI*5*t))*t)':s=44100:d=16", "-ac", "2", file]);
  return file;
}

export function lyricsSpecs(getHarness: () => Harness) {
  it("lyrics pasted or chosen as a file are saved to the song, a bad LRC line is shown at the field", { timeout: 240_000 }, async () => {
    const { browser, baseUrl } = getHarness();
    const media = mkdtempSync(path.join(tmpdir(), "encore-e2e-lyrics-"));
    await withPage(browser, { viewport: { width: 1200, height: 900 }, allow: [/status of 422 .*\/api\/audio\/lyrics\//] }, async (page) => {
      const create = new CreatePageModel(page);
      await create.goto(baseUrl);
      assert.equal(await page.getByTestId("section-lyrics").count(), 0, "no lyrics card before a song is chosen");
      await create.uploadSong(makeSong(media));
      await page.getByRole("region", { name: "Lyrics (optional)" }).waitFor();

      await create.lyricsText.fill("[00:02.00]Hold on to the night\nthree");
      await create.saveLyrics();
      assert.equal(await create.lyricsError.textContent(), 'Line 2 does not start with a [mm:ss.xx] timestamp: "three".');
      assert.equal(await create.lyricsText.getAttribute("aria-invalid"), "true");
      assert.equal(await create.lyricsText.getAttribute("aria-describedby"), "error-lyrics");
      await assertAccessible(page, "/create with a lyrics error");

      await create.lyricsText.fill(LRC);
      assert.equal(await create.lyricsError.count(), 0, "editing clears the error");
      await create.saveLyrics();
      assert.equal(await create.lyricsOutcome.textContent(), "3 lines timed from the LRC timestamps.");
      assert.equal(await create.lyricsText.getAttribute("aria-invalid"), null);

      const firstId = (await create.track.getAttribute("data-audio-id"))!;
      await create.trimAt(4);
      const trimmedId = (await create.track.getAttribute("data-audio-id"))!;
      assert.notEqual(trimmedId, firstId);
      assert.equal(await create.lyricsOutcome.count(), 0, "the outcome belongs to the song before the trim");
      const file = path.join(media, "night-run.lrc");
      writeFileSync(file, "[00:01.00]Only this line\n[00:05.00]And this one\n");
      await create.chooseLyricsFile(file);
      assert.equal(await page.getByTestId("lyrics-file-name").textContent(), "night-run.lrc");
      assert.equal(await create.lyricsText.inputValue(), "[00:01.00]Only this line\n[00:05.00]And this one\n");
      await create.saveLyrics();
      assert.equal(await create.lyricsOutcome.textContent(), "2 lines timed from the LRC timestamps.");
      const vtt = await page.evaluate(async (id) => (await fetch(`/api/audio/lyrics/${id}.vtt`)).text(), trimmedId);
      assert.match(vtt, /00:00:01\.000 --> 00:00:05\.000\nOnly this line/, "saved to the trimmed song");

      await create.lyricsText.fill("Hold on to the night\nWe are running");
      await create.saveLyrics();
      assert.equal(await create.lyricsOutcome.textContent(), "2 lines timed over the song's vocal stretches (an estimate).");
      await assertAccessible(page, "/create with saved lyrics");
    });
  });
}
