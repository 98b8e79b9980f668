"use client";

import { useEffect, useRef, useState } from "react";
import { api, describeError, unwrap } from "@/lib/api/client";
import type { GenState } from "@/lib/genState";
import { projectPatch, type Project } from "@/lib/projects";
import type { QuickJobData } from "@/lib/quickJob";

const SAVE_DELAY_MS = 400;

export type SaveStatus = "none" | "saving" | "saved" | "failed";

/** Load the project named in the page's URL (or by the tab's quick job) and save every change to it. */
export function useProjectSync(ready: boolean, jobData: QuickJobData | null, state: GenState, loaded: Project | null) {
  const saved = useRef<Project | null>(null);
  const lastSent = useRef<string | null>(null);
  const [status, setStatus] = useState<SaveStatus>("none");
  const [error, setError] = useState<string | null>(null);
  const projectId = jobData?.projectId;

  useEffect(() => {
    if (loaded) saved.current = loaded;
  }, [loaded]);

  useEffect(() => {
    if (!ready || !jobData || !projectId) return;
    const patch = projectPatch(jobData, state, saved.current);
    const body = JSON.stringify(patch);
    if (body === lastSent.current) return;
    const timer = window.setTimeout(async () => {
      lastSent.current = body;
      setStatus("saving");
      try {
        saved.current = unwrap(await api.PATCH("/api/projects/{project_id}", { params: { path: { project_id: projectId } }, body: patch }));
        setStatus("saved");
        setError(null);
      } catch (caught) {
        lastSent.current = null;
        setStatus("failed");
        setError(describeError(caught));
      }
    }, SAVE_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [ready, jobData, projectId, state]);

  return { projectId, status, error };
}
