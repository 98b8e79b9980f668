import type { Metadata } from "next";
import { ProjectsPage } from "./projects-page";

export const metadata: Metadata = { title: "Projects — Encore" };

export default function Page() {
  return <ProjectsPage />;
}
