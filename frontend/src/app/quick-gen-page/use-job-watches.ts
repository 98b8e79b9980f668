"use client";

import { useEffect, useState } from "react";
import { JobWatches } from "@/lib/jobWatches";

/** One watch registry for the page's lifetime; every watch stops when the page goes away. */
export function useJobWatches(): JobWatches {
  const [watches] = useState(() => new JobWatches());
  useEffect(() => () => watches.stopAll(), [watches]);
  return watches;
}
