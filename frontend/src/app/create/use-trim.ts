"use client";

import { useState } from "react";
import { api, describeError, unwrap } from "@/lib/api/client";
import { trimmedTrack, type CreateState } from "@/lib/createState";
import { parseStartAt } from "@/lib/format";
import type { CreateUpdate } from "./use-create-session";

/** "Audio Start Position" and Trim Audio: the trimmed track replaces the current one. */
export function useTrim(state: CreateState, update: CreateUpdate) {
  const [trimming, setTrimming] = useState(false);
  // A message belongs to the track it speaks of; a new track hides it.
  const [message, setMessage] = useState<{ ok: boolean; text: string; audioId: string } | null>(null);

  const maxStart = state.track?.duration != null ? Math.max(0, Math.floor(state.track.duration) - 1) : null;
  const startAt = parseStartAt(state.startAt, maxStart);
  const problem = state.track && startAt === null ? `Enter whole seconds from 0 to ${maxStart ?? "the track length"}.` : null;

  async function trim() {
    const track = state.track;
    if (!track || startAt === null) return;
    setTrimming(true);
    setMessage(null);
    try {
      const result = unwrap(await api.POST("/api/audio/trim", { body: { audio_id: track.audioId, start_at: startAt } }));
      update((prev) => ({ track: prev.track ? trimmedTrack(prev.track, result) : prev.track, startAt: "0" }));
      setMessage({ ok: true, text: `Trimmed: the track now starts at ${startAt} s of the previous one.`, audioId: result.audio_id });
    } catch (error) {
      setMessage({ ok: false, text: describeError(error), audioId: track.audioId });
    } finally {
      setTrimming(false);
    }
  }

  return {
    trimming,
    trim,
    maxStart,
    startAt,
    problem,
    message: message && message.audioId === state.track?.audioId ? message : null,
  };
}
