/** Starts the real backend (offline provider) and the built Next server on loopback, plus headless Chromium. */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";

export const FRONTEND_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ROOT_DIR = path.resolve(FRONTEND_DIR, "..");
export const ARTIFACTS_DIR = path.join(FRONTEND_DIR, "e2e", ".artifacts");
/** Test screenshots stay in the ignored artifacts folder; `make screenshots` points this at docs/screenshots. */
export const SCREENSHOTS_DIR = process.env.E2E_SCREENSHOTS_DIR
  ? path.resolve(process.env.E2E_SCREENSHOTS_DIR)
  : path.join(ARTIFACTS_DIR, "screenshots");
/** The key the Next server adds server-side; the browser must never see it. */
export const E2E_API_KEY = "e2e-key-not-for-browsers";

export interface Harness {
  baseUrl: string;
  backendUrl: string;
  browser: Browser;
  mediaDir: string;
  workDir: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, what: string, child: ChildProcess, timeoutMs: number, headers?: Record<string, string>) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}; see ${ARTIFACTS_DIR}`);
    try {
      const response = await fetch(url, { headers });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000}s; see ${ARTIFACTS_DIR}`);
}

function startLogged(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): ChildProcess {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const log = createWriteStream(path.join(ARTIFACTS_DIR, `${name}.log`));
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Build the app unless the existing build is newer than every source file. */
function ensureBuild(): void {
  const buildId = path.join(FRONTEND_DIR, ".next", "BUILD_ID");
  const sources = Math.max(
    newestMtime(path.join(FRONTEND_DIR, "src")),
    statSync(path.join(FRONTEND_DIR, "package-lock.json")).mtimeMs,
    statSync(path.join(FRONTEND_DIR, "next.config.ts")).mtimeMs,
  );
  if (existsSync(buildId) && statSync(buildId).mtimeMs > sources && !process.env.E2E_FORCE_BUILD) return;
  execFileSync(path.join(FRONTEND_DIR, "node_modules", ".bin", "next"), ["build"], {
    cwd: FRONTEND_DIR,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      resolve();
    }, 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

export async function startHarness(): Promise<Harness> {
  const workDir = mkdtempSync(path.join(tmpdir(), "encore-e2e-"));
  const mediaDir = path.join(workDir, "outputs");
  const python = process.env.E2E_PYTHON ?? path.join(ROOT_DIR, ".venv", "bin", "python");
  const [backendPort, frontendPort] = [await freePort(), await freePort()];
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  const baseUrl = `http://127.0.0.1:${frontendPort}`;
  const children: ChildProcess[] = [];
  // Proves to the API that a request came through the web app's proxy, so its X-Forwarded-For counts.
  const proxyToken = randomBytes(16).toString("hex");

  const backendEnv: NodeJS.ProcessEnv = {
    ...process.env,
    MV_PROVIDER: "local",
    MV_DATA_DIR: path.join(workDir, "data"),
    MV_MEDIA_ROOT: mediaDir,
    API_KEY: E2E_API_KEY,
    MV_PROXY_TOKEN: proxyToken,
    BACKEND_PORT: String(backendPort),
    PYTHONUNBUFFERED: "1",
  };
  delete backendEnv.REPLICATE_API_TOKEN;
  delete backendEnv.STORAGE_BUCKET;
  const backend = startLogged(
    "backend",
    python,
    ["-m", "uvicorn", process.env.E2E_BACKEND_APP ?? "mv.app:create_app", "--factory", "--app-dir", process.env.E2E_BACKEND_APP_DIR ?? path.join(ROOT_DIR, "backend"), "--host", "127.0.0.1", "--port", String(backendPort)],
    { cwd: ROOT_DIR, env: backendEnv },
  );
  children.push(backend);

  const closeAll = async () => {
    await Promise.all(children.map(stop));
  };
  try {
    ensureBuild();
    const next = startLogged(
      "next",
      process.execPath,
      [path.join(FRONTEND_DIR, "server.mjs"), "-p", String(frontendPort), "-H", "127.0.0.1"],
      {
        cwd: FRONTEND_DIR,
        env: { ...process.env, BACKEND_URL: backendUrl, API_KEY: E2E_API_KEY, MV_PROXY_TOKEN: proxyToken, NEXT_TELEMETRY_DISABLED: "1" },
      },
    );
    children.push(next);
    await waitFor(`${backendUrl}/healthz`, "backend", backend, 60_000);
    await waitFor(`${baseUrl}/healthz`, "next", next, 60_000);

    const userDataDir = path.join(workDir, "chromium-profile");
    mkdirSync(userDataDir, { recursive: true });
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--autoplay-policy=no-user-gesture-required",
      ],
    });
    return {
      baseUrl,
      backendUrl,
      browser,
      mediaDir,
      workDir,
      async close() {
        await browser.close().catch(() => undefined);
        await closeAll();
        rmSync(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** A 440 Hz stereo tone of the given length, made with ffmpeg (never committed). */
export function makeSong(dir: string, seconds = 30): string {
  const file = path.join(dir, "e2e-song.mp3");
  execFileSync("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`, "-ac", "2", file]);
  return file;
}

/** A small PNG portrait stand-in for a character reference. */
export function makeCharacterImage(dir: string): string {
  const file = path.join(dir, "e2e-character.png");
  execFileSync("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=0x8b5cf6:s=256x256", "-frames:v", "1", file]);
  return file;
}

/** Save a page screenshot as a small 8-bit PNG under SCREENSHOTS_DIR. */
export async function saveScreenshot(page: import("playwright-core").Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const raw = path.join(ARTIFACTS_DIR, `${name}.raw.png`);
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: raw, fullPage: true, animations: "disabled" });
  execFileSync("ffmpeg", [
    "-nostdin", "-loglevel", "error", "-y", "-i", raw,
    "-vf", "split[a][b];[a]palettegen=max_colors=128[p];[b][p]paletteuse=dither=none",
    "-pix_fmt", "pal8", path.join(SCREENSHOTS_DIR, `${name}.png`),
  ]);
}
