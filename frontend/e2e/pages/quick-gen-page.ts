import type { Locator, Page } from "playwright-core";

/** The /quick-gen-page as a user sees it. */
export class QuickGenPageModel {
  constructor(readonly page: Page) {}

  get configToggle(): Locator {
    return this.page.getByTestId("configuration-toggle");
  }

  get cards(): Locator {
    return this.page.getByTestId("scene-card");
  }

  card(index: number): Locator {
    return this.cards.nth(index);
  }

  get finalVideo(): Locator {
    return this.page.getByTestId("final-video");
  }

  async waitForScenes(minimum = 1, timeout = 60_000) {
    await this.page.waitForFunction(
      (min) => document.querySelectorAll('[data-testid="scene-card"]').length >= min,
      minimum,
      { timeout },
    );
  }

  sceneIds(): Promise<string[]> {
    return this.cards.evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-scene-id") ?? ""));
  }

  videoIds(): Promise<string[]> {
    return this.cards.evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-video-id") ?? ""));
  }

  async waitForAllClips(timeout = 120_000) {
    await this.page.waitForFunction(
      () => {
        const cards = [...document.querySelectorAll('[data-testid="scene-card"]')];
        return cards.length > 0 && cards.every((card) => card.getAttribute("data-status") === "succeeded" && card.getAttribute("data-video-id"));
      },
      undefined,
      { timeout },
    );
  }

  async finalVideoId(): Promise<string | null> {
    if ((await this.finalVideo.count()) === 0) return null;
    return this.finalVideo.getAttribute("data-video-id");
  }

  /** Wait until the final video is one other than `previous` and not being re-stitched. */
  async waitForFinalVideo(previous: string | null, timeout = 120_000): Promise<string> {
    const handle = await this.page.waitForFunction(
      (prev) => {
        const node = document.querySelector('[data-testid="final-video"]');
        const id = node?.getAttribute("data-video-id");
        const busy = document.querySelector('[data-testid="final-stitching"]');
        return id && id !== prev && !busy ? id : null;
      },
      previous,
      { timeout },
    );
    return (await handle.jsonValue()) as string;
  }

  async lipsyncScene(index: number) {
    const card = this.card(index);
    await card.getByTestId("clip-lipsync").click();
    await card.getByRole("button", { name: "Regenerate with lipsync" }).click();
  }
}
