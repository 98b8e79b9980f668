import type { Metadata } from "next";
import { QuickGenPage } from "./quick-gen-page";

export const metadata: Metadata = { title: "Quick job — Encore" };

export default function Page() {
  return <QuickGenPage />;
}
