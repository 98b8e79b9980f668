import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Compression would buffer server-sent events and re-encode media ranges coming through the API proxy.
  compress: false,
};

export default nextConfig;
