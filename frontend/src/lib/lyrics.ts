import type { components } from "./api/schema";

export type LyricsResult = components["schemas"]["Lyrics"];

/** The server's limit on a lyrics text, in characters. */
export const MAX_LYRICS_CHARS = 100_000;

/** File types the lyrics picker takes. */
export const LYRICS_FILE_ACCEPT = ".lrc,.txt,text/plain";

const TIMED_BY: Record<LyricsResult["timing"], string> = {
  lrc: "from the LRC timestamps",
  vocals: "over the song's vocal stretches (an estimate)",
  speech: "from speech recognition",
};

/** One sentence saying how many lines were timed and how. */
export function lyricsOutcome(result: Pick<LyricsResult, "timing" | "lines">): string {
  const count = result.lines.length;
  return `${count} ${count === 1 ? "line" : "lines"} timed ${TIMED_BY[result.timing]}.`;
}

/** Why a chosen lyrics file cannot be used, or null when it can. */
export function lyricsFileProblem(file: { name: string; size: number }): string | null {
  if (!/\.(lrc|txt)$/i.test(file.name)) return "Choose an .lrc or .txt file.";
  if (file.size > MAX_LYRICS_CHARS * 4) return "That file is too large for lyrics (at most 100,000 characters).";
  return null;
}

/** Why a lyrics text cannot be sent, or null when it can. */
export function lyricsTextProblem(text: string): string | null {
  if (!text.trim()) return "Paste the lyrics or choose a file first.";
  if (text.length > MAX_LYRICS_CHARS) return `The lyrics are ${text.length.toLocaleString("en-US")} characters long; at most 100,000 are kept.`;
  return null;
}
