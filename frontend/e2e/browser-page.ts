/** A fresh browser context and page whose console errors and page errors fail the test that opened it. */
import type { Browser, BrowserContextOptions, ConsoleMessage, Page } from "playwright-core";

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught page errors seen so far (minus the allowed ones). */
  problems: string[];
  /** Close the context; throws when the page logged an error. */
  close(): Promise<void>;
}

export interface WatchOptions extends BrowserContextOptions {
  /** Console errors a test causes on purpose (e.g. the 404 of a page that does not exist). */
  allow?: RegExp[];
}

function describeConsole(message: ConsoleMessage): string {
  const { url, lineNumber } = message.location();
  return `console.${message.type()}: ${message.text()}${url ? ` (${url}:${lineNumber})` : ""}`;
}

/** Open a page that records every console error and uncaught exception. */
export async function openWatchedPage(browser: Browser, { allow = [], ...options }: WatchOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(30_000);
  const problems: string[] = [];
  const allowed = (text: string) => allow.some((pattern) => pattern.test(text));
  const watch = (page: Page) => {
    page.on("console", (message) => {
      if (message.type() !== "error" && message.type() !== "assert") return;
      const text = describeConsole(message);
      if (!allowed(text)) problems.push(text);
    });
    page.on("pageerror", (error) => {
      const text = `page error: ${error.name}: ${error.message}`;
      if (!allowed(text)) problems.push(text);
    });
  };
  context.on("page", watch);
  const page = await context.newPage();
  return {
    page,
    problems,
    async close() {
      await context.close();
      if (problems.length > 0) throw new Error(`the page logged ${problems.length} error(s):\n${problems.join("\n")}`);
    },
  };
}

/** Run `body` on a watched page; the test fails on any console or page error, even when `body` passed. */
export async function withPage(browser: Browser, options: WatchOptions, body: (page: Page) => Promise<void>): Promise<void> {
  const watched = await openWatchedPage(browser, options);
  try {
    await body(watched.page);
  } finally {
    await watched.close();
  }
}
