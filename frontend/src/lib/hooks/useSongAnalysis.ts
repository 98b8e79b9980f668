"use client";

import { useEffect, useState } from "react";
import { api, type SongAnalysis } from "@/lib/api/client";

export type AnalysisStatus = "idle" | "running" | "ready" | "failed";

const RETRY_MS = 1000;

/** A song's analysis: asks with `wait` (the server holds the answer up to 10 s) and asks again while it answers 202. */
export function useSongAnalysis(audioId: string | undefined): { analysis: SongAnalysis | null; status: AnalysisStatus } {
  const [state, setState] = useState<{ id?: string; analysis: SongAnalysis | null; status: AnalysisStatus }>({ analysis: null, status: "idle" });
  useEffect(() => {
    if (!audioId) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = () => {
      api
        .GET("/api/audio/analysis/{audio_id}", { params: { path: { audio_id: audioId }, query: { wait: 10 } } })
        .then(({ data, response }) => {
          if (!live) return;
          if (response.status === 200 && data) setState({ id: audioId, analysis: data as SongAnalysis, status: "ready" });
          else if (response.status === 202) {
            setState({ id: audioId, analysis: null, status: "running" });
            timer = setTimeout(ask, RETRY_MS);
          } else setState({ id: audioId, analysis: null, status: "failed" });
        })
        .catch(() => live && setState({ id: audioId, analysis: null, status: "failed" }));
    };
    ask();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [audioId]);
  if (!audioId) return { analysis: null, status: "idle" };
  return state.id === audioId ? { analysis: state.analysis, status: state.status } : { analysis: null, status: "running" };
}

/** The song's waveform peaks (0–1) from its info; empty until they load or when they cannot. */
export function useWaveformPeaks(audioId: string | undefined): number[] {
  const [state, setState] = useState<{ id?: string; peaks: number[] }>({ peaks: [] });
  useEffect(() => {
    if (!audioId) return;
    let live = true;
    api
      .GET("/api/audio/info/{audio_id}", { params: { path: { audio_id: audioId } } })
      .then(({ data, response }) => live && response.ok && setState({ id: audioId, peaks: data?.peaks ?? [] }))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [audioId]);
  return state.id === audioId ? state.peaks : [];
}
