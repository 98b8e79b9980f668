"use client";

import { useSongAnalysis } from "@/lib/hooks/useSongAnalysis";
import { SongSummary } from "./song-summary";

/** A song's tempo and sections, following its analysis until it is done. */
export function SongAnalysisSummary({ audioId }: { audioId: string }) {
  const { analysis, status } = useSongAnalysis(audioId);
  return <SongSummary analysis={analysis} status={status} />;
}
