import path from "node:path";
import type { Locator, Page } from "playwright-core";

/** The /create page as a user sees it. */
export class CreatePageModel {
  constructor(readonly page: Page) {}

  async goto(baseUrl: string) {
    await this.page.goto(`${baseUrl}/create`);
    await this.page.getByRole("heading", { name: "Create a music video" }).waitFor();
  }

  sectionTitles(): Promise<string[]> {
    return this.page.locator('[data-testid^="section-"]').evaluateAll((nodes) =>
      nodes.map((node) => (node.querySelector("[id$='-title']")?.textContent ?? "").trim()),
    );
  }

  get configTrigger(): Locator {
    return this.page.getByTestId("configuration-toggle");
  }

  get flavorSelect(): Locator {
    return this.page.getByTestId("config-flavor");
  }

  async openConfiguration() {
    if ((await this.configTrigger.getAttribute("aria-expanded")) !== "true") await this.configTrigger.click();
    await this.flavorSelect.waitFor();
  }

  /** Flavor names listed in the open select. */
  async flavorOptions(): Promise<string[]> {
    await this.flavorSelect.click();
    const options = this.page.getByRole("option");
    await options.first().waitFor();
    const names = (await options.allTextContents()).map((text) => text.trim());
    await this.page.keyboard.press("Escape");
    return names;
  }

  async chooseFlavor(name: string) {
    await this.flavorSelect.click();
    await this.page.getByRole("option", { name, exact: true }).click();
  }

  get trimButton(): Locator {
    return this.page.getByTestId("trim-audio");
  }

  get startAt(): Locator {
    return this.page.getByTestId("start-at");
  }

  get track(): Locator {
    return this.page.getByTestId("audio-track");
  }

  async uploadSong(file: string) {
    await this.page.getByTestId("audio-upload").setInputFiles(file);
    await this.track.waitFor();
  }

  async trimAt(seconds: number) {
    await this.openConfiguration();
    await this.startAt.fill(String(seconds));
    await this.trimButton.click();
    await this.page.getByTestId("trim-message").waitFor();
  }

  get lyricsText(): Locator {
    return this.page.getByLabel("Lyrics text (LRC or plain)");
  }

  get lyricsOutcome(): Locator {
    return this.page.getByTestId("lyrics-outcome");
  }

  get lyricsError(): Locator {
    return this.page.getByTestId("error-lyrics");
  }

  /** Choose a lyrics file and wait until the card names it (its text is in the field by then). */
  async chooseLyricsFile(file: string) {
    await this.page.getByTestId("lyrics-file").setInputFiles(file);
    await this.page.getByTestId("lyrics-file-name").filter({ hasText: path.basename(file) }).waitFor();
  }

  /** Save the lyrics and wait for the sentence saying how they were timed, or for the error. */
  async saveLyrics() {
    await this.page.getByRole("button", { name: "Save lyrics" }).click();
    await this.page.locator('[data-testid="lyrics-outcome"], [data-testid="error-lyrics"]').first().waitFor({ timeout: 120_000 });
  }

  async describe(video: string, character: string) {
    await this.page.getByTestId("video-description").fill(video);
    await this.page.getByTestId("character-description").fill(character);
  }

  async uploadCharacter(file: string) {
    await this.page.getByTestId("character-upload").setInputFiles(file);
    await this.page.locator('[data-testid="character-option"][aria-checked="true"]').waitFor();
  }

  async quickJob() {
    await this.page.getByTestId("quick-job").click();
  }
}
