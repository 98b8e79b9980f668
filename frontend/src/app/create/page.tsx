import type { Metadata } from "next";
import { CreatePage } from "./create-page";

export const metadata: Metadata = { title: "Create — Encore" };

export default function Page() {
  return <CreatePage />;
}
