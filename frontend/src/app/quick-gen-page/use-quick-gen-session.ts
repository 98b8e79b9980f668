"use client";

import { useCallback, useEffect, useReducer, useState } from "react";
import { api, describeError, unwrap } from "@/lib/api/client";
import { GEN_STATE_KEY, initialGenState, parseGenState, reduce } from "@/lib/genState";
import { useFlavors } from "@/lib/hooks/useBackendInfo";
import { usePersist, useSessionRestore } from "@/lib/hooks/useSessionState";
import { genStateFromProject, quickJobFromProject, type Project } from "@/lib/projects";
import { parseQuickJobData, QUICK_JOB_KEY, resolveFlavor, type QuickJobData } from "@/lib/quickJob";

function projectInUrl(): string | null {
  return new URLSearchParams(window.location.search).get("project");
}

/** The quick job and the page state: from sessionStorage in the tab that has them, else from the project in the
 * URL (`?project=ID`); saved back to sessionStorage after every change; the flavor checked against the server. */
export function useQuickGenSession() {
  const restoredJob = useSessionRestore(QUICK_JOB_KEY, parseQuickJobData);
  const restoredGen = useSessionRestore(GEN_STATE_KEY, parseGenState);
  const [jobData, setJobData] = useState<QuickJobData | null>(null);
  const [state, dispatch] = useReducer(reduce, initialGenState);
  const [ready, setReady] = useState(false);
  const [project, setProject] = useState<Project | null>(null);
  const [projectError, setProjectError] = useState<string | null>(null);
  const flavorState = useFlavors();
  const [flavorNote, setFlavorNote] = useState<string | null>(null);

  useEffect(() => {
    if (ready || !restoredJob.ready || !restoredGen.ready) return;
    const wanted = projectInUrl();
    if (!wanted || restoredJob.value?.projectId === wanted) {
      setJobData(restoredJob.value);
      dispatch({ type: "hydrate", state: restoredGen.value ?? initialGenState });
      setReady(true);
      return;
    }
    let cancelled = false;
    void (async () => {
      try {
        const loaded = unwrap(await api.GET("/api/projects/{project_id}", { params: { path: { project_id: wanted } } }));
        if (cancelled) return;
        setProject(loaded);
        setJobData(quickJobFromProject(loaded));
        dispatch({ type: "hydrate", state: genStateFromProject(loaded) });
      } catch (caught) {
        if (!cancelled) setProjectError(describeError(caught));
      }
      if (!cancelled) setReady(true);
    })();
    return () => {
      cancelled = true;
    };
  }, [ready, restoredJob, restoredGen]);
  usePersist(GEN_STATE_KEY, state, ready && jobData !== null);
  usePersist(QUICK_JOB_KEY, jobData, ready && jobData !== null);

  // The flavor must exist on the server; otherwise use default and say so.
  useEffect(() => {
    if (!jobData || flavorState.loading) return;
    const resolved = resolveFlavor(jobData.configFlavor, flavorState.flavors);
    if (resolved !== jobData.configFlavor) {
      setFlavorNote(`Flavor "${jobData.configFlavor}" is not available; using "default".`);
      setJobData({ ...jobData, configFlavor: resolved });
    }
  }, [jobData, flavorState]);

  const chooseFlavor = useCallback((configFlavor: string) => {
    setFlavorNote(null);
    setJobData((prev) => (prev ? { ...prev, configFlavor } : prev));
  }, []);

  return { ready, jobData, state, dispatch, flavorState, flavorNote, chooseFlavor, project, projectError };
}
