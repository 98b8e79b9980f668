import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Compression would buffer server-sent events and re-encode media ranges coming through the API proxy.
  compress: false,
  // The API logs one line per request it serves; the dev server does not repeat the ones it proxies.
  logging: { incomingRequests: { ignore: [/^\/api\//, /^\/healthz/] } },
};

export default nextConfig;
