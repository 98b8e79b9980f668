"use client";

import { useCallback, useEffect, useReducer, useState } from "react";
import { GEN_STATE_KEY, initialGenState, parseGenState, reduce } from "@/lib/genState";
import { useFlavors } from "@/lib/hooks/useBackendInfo";
import { usePersist, useSessionRestore } from "@/lib/hooks/useSessionState";
import { parseQuickJobData, QUICK_JOB_KEY, resolveFlavor, type QuickJobData } from "@/lib/quickJob";

/** The quick job and the page state, restored from and saved to sessionStorage; the flavor checked against the server. */
export function useQuickGenSession() {
  const restoredJob = useSessionRestore(QUICK_JOB_KEY, parseQuickJobData);
  const restoredGen = useSessionRestore(GEN_STATE_KEY, parseGenState);
  const [jobData, setJobData] = useState<QuickJobData | null>(null);
  const [state, dispatch] = useReducer(reduce, initialGenState);
  const [ready, setReady] = useState(false);
  const flavorState = useFlavors();
  const [flavorNote, setFlavorNote] = useState<string | null>(null);

  useEffect(() => {
    if (!ready && restoredJob.ready && restoredGen.ready) {
      setJobData(restoredJob.value);
      dispatch({ type: "hydrate", state: restoredGen.value ?? initialGenState });
      setReady(true);
    }
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

  return { ready, jobData, state, dispatch, flavorState, flavorNote, chooseFlavor };
}
