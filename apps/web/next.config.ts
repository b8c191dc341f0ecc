import type { NextConfig } from 'next';

const config: NextConfig = {
  poweredByHeader: false,
  // Metadata resolves with the page for every browser, not streamed after it (Next streams it to
  // all but a list of bots): a streamed title is a new element on every refresh, so a live page
  // (refreshing every 0.7–1.5 s) lost its title until the metadata chunk arrived, up to tens of ms
  // on a loaded host. Our titles are static, so resolving them first costs nothing.
  htmlLimitedBots: /.*/,
  reactStrictMode: true,
  // The dashboard proxies uploads (CSV/JSON cost tables, ONNX models) through server actions.
  experimental: { serverActions: { bodySizeLimit: '8mb' } },
};

export default config;
