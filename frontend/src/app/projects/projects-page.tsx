"use client";

import { useCallback, useEffect, useState } from "react";
import Link from "next/link";
import { Loader2 } from "lucide-react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { api, describeError, unwrap } from "@/lib/api/client";
import type { ProjectSummary } from "@/lib/projects";
import { DeleteDialog } from "./delete-dialog";
import { ProjectRow } from "./project-row";

const PAGE_SIZE = 20;

/** Past projects of this browser's workspace, newest first: open, duplicate or delete each. */
export function ProjectsPage() {
  const [items, setItems] = useState<ProjectSummary[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<ProjectSummary | null>(null);

  const load = useCallback(async (shown: number) => {
    try {
      const page = unwrap(await api.GET("/api/projects", { params: { query: { limit: Math.max(shown, PAGE_SIZE), offset: 0 } } }));
      setItems(page.items);
      setTotal(page.total);
      setError(null);
    } catch (caught) {
      setError(describeError(caught));
    }
  }, []);

  useEffect(() => {
    void load(PAGE_SIZE);
  }, [load]);

  async function act(projectId: string, run: () => Promise<unknown>) {
    setBusy(projectId);
    try {
      await run();
      await load(items?.length ?? PAGE_SIZE);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(null);
    }
  }

  function duplicate(project: ProjectSummary) {
    void act(project.id, async () =>
      unwrap(await api.POST("/api/projects/{project_id}/duplicate", { params: { path: { project_id: project.id } } })),
    );
  }

  function confirmDelete() {
    const project = deleting;
    if (!project) return;
    void act(project.id, async () => {
      const { response, error: body } = await api.DELETE("/api/projects/{project_id}", { params: { path: { project_id: project.id } } });
      if (!response.ok) throw new Error((body as { detail?: string } | undefined)?.detail ?? "The project could not be deleted.");
    }).then(() => setDeleting(null));
  }

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight">Projects</h1>
        <p className="text-muted-foreground">Every music video this browser made, newest first.</p>
      </div>
      {error ? (
        <Alert variant="destructive" data-testid="projects-error">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      {items === null && !error ? (
        <p className="flex items-center gap-2 text-muted-foreground">
          <Loader2 className="h-4 w-4 animate-spin" aria-hidden /> Loading…
        </p>
      ) : null}
      {items?.length === 0 ? (
        <p className="text-muted-foreground" data-testid="no-projects">
          No projects yet. <Link href="/create" className="underline">Create one</Link>.
        </p>
      ) : null}
      {items?.length ? (
        <ul className="space-y-3" aria-label="Projects">
          {items.map((project) => (
            <ProjectRow
              key={project.id}
              project={project}
              busy={busy === project.id}
              onDuplicate={() => duplicate(project)}
              onDelete={() => setDeleting(project)}
            />
          ))}
        </ul>
      ) : null}
      {items && items.length < total ? (
        <Button variant="outline" onClick={() => void load(items.length + PAGE_SIZE)}>
          Show more
        </Button>
      ) : null}
      <DeleteDialog title={deleting?.title ?? null} busy={busy !== null} onCancel={() => setDeleting(null)} onConfirm={confirmDelete} />
    </div>
  );
}
