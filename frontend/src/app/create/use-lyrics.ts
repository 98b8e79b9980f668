"use client";

import { useState } from "react";
import { api, describeError, started, toApiError } from "@/lib/api/client";
import { jobResult, watchJob } from "@/lib/jobs";
import { lyricsFileProblem, lyricsOutcome, lyricsTextProblem, type LyricsResult } from "@/lib/lyrics";

type Outcome = { audioId: string; ok: boolean; text: string };

async function postLyrics(audioId: string, text: string) {
  return started<LyricsResult>(await api.POST("/api/audio/lyrics/{audio_id}", { params: { path: { audio_id: audioId } }, body: { text } }));
}

/** The lyrics text for the current song, saved to it on demand; plain lines wait for its analysis. */
export function useLyrics(audioId: string | undefined) {
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // An outcome belongs to the song it was saved to; a trim or a new song hides it.
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  function edit(value: string) {
    setText(value);
    setProblem(null);
  }

  async function chooseFile(file: File | undefined) {
    if (!file) return;
    const fileProblem = lyricsFileProblem(file);
    if (fileProblem) {
      setProblem(fileProblem);
      return;
    }
    const content = await file.text();
    setFileName(file.name);
    edit(content);
  }

  async function save() {
    if (!audioId) return;
    const textProblem = lyricsTextProblem(text);
    if (textProblem) {
      setProblem(textProblem);
      return;
    }
    setSaving(true);
    setProblem(null);
    setOutcome(null);
    try {
      let answer = await postLyrics(audioId, text);
      if (answer.kind === "job") {
        // Plain lines are timed over the vocal stretches: wait for the song's analysis, then save again.
        const job = await watchJob(answer.jobId, () => undefined);
        if (job) jobResult(job);
        answer = await postLyrics(audioId, text);
        if (answer.kind === "job") throw toApiError(504, { error: "AnalysisPending", detail: "The song is still being analysed; save again in a moment." });
      }
      setOutcome({ audioId, ok: true, text: lyricsOutcome(answer.result) });
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setSaving(false);
    }
  }

  return {
    text,
    fileName,
    saving,
    problem,
    edit,
    chooseFile,
    save,
    outcome: outcome && outcome.audioId === audioId ? outcome : null,
  };
}
